import { sql } from "drizzle-orm";
import { searchableOf } from "../../core/searchables";
import { statement } from "../../platform/db/statements";
import type { QueryJoin } from "./analyzer";
import { type Indexable, type IndexedType, searchables } from "./types";
import { vocabularyEntries } from "./vocabulary";

/**
 * The D1 FTS5 engine: index writes and MATCH expressions.
 *
 * Writes are plain D1 statements (run by the queue consumer in one batch with its receipt), set-based:
 * a few statements per group of entities whatever its size, the entities passed as one JSON parameter.
 * An entity's row in search_docs carries the version that was indexed; an upsert applies only when its
 * version is not older, and the FTS row is replaced only when search_docs now holds exactly that version,
 * so messages processed out of order never bring back older text or a removed entity.
 */

/** Keeps each JSON parameter well under D1's 2 MB value limit. */
const MAX_GROUP_BYTES = 400_000;

export function indexWrites(
  db: D1Database,
  type: IndexedType,
  items: Indexable[],
  now: number,
): D1PreparedStatement[] {
  const spec = searchableOf(type);
  const names = spec.columns.map((c) => c.name);
  const docs = items.flatMap((item) =>
    "doc" in item
      ? [
          {
            i: item.doc.id,
            v: item.doc.version,
            c: item.doc.createdAt,
            f: names.map((n) => item.doc.fields[n] ?? ""),
          },
        ]
      : [],
  );
  const removals = items.flatMap((item) =>
    "removal" in item ? [{ i: item.removal.id, v: item.removal.version, c: 0 }] : [],
  );
  const field = (name: string) => `json_extract(j.value, '$.${name}')`;
  const upsert = (inIndex: 0 | 1) =>
    `INSERT INTO search_docs (type, entity_id, version, in_index, created_at, indexed_at)
     SELECT ?1, ${field("i")}, ${field("v")}, ${inIndex}, ${field("c")}, ?2 FROM json_each(?3) j WHERE true
     ON CONFLICT (type, entity_id) DO UPDATE SET version = excluded.version, in_index = excluded.in_index,
       created_at = excluded.created_at, indexed_at = excluded.indexed_at
     WHERE excluded.version >= search_docs.version`;
  // CROSS JOIN keeps the batch as the outer loop, so each document is one lookup in search_docs_entity;
  // left to itself SQLite walked search_docs_tombstones over every indexed document (found by bench/).
  const current = (inIndex: 0 | 1) =>
    `FROM json_each(?3) j CROSS JOIN search_docs d ON d.type = ?1 AND d.entity_id = ${field("i")}
       AND d.version = ${field("v")} AND d.in_index = ${inIndex}`;
  const clear = (inIndex: 0 | 1) =>
    `DELETE FROM ${spec.table} WHERE rowid IN (SELECT d.doc_id ${current(inIndex)})`;
  const insert = `INSERT INTO ${spec.table} (rowid, ${names.join(", ")})
     SELECT d.doc_id, ${names.map((_, k) => field(`f[${k}]`)).join(", ")} ${current(1)}`;

  const statements: D1PreparedStatement[] = [];
  for (const group of groups(docs)) {
    const json = JSON.stringify(group);
    statements.push(
      db.prepare(upsert(1)).bind(type, now, json),
      db.prepare(clear(1)).bind(type, now, json),
      db.prepare(insert).bind(type, now, json),
    );
  }
  // The vocabulary for typo tolerance (vocabulary.ts): keys are computed here, rows written once per stem.
  const vocabulary = vocabularyEntries(items.flatMap((item) => ("doc" in item ? item.doc.terms : [])));
  for (const group of groups(vocabulary)) {
    statements.push(
      db
        .prepare(
          `INSERT OR IGNORE INTO search_terms (key, term)
           SELECT k.value, json_extract(t.value, '$[0]') FROM json_each(?1) t, json_each(json_extract(t.value, '$[1]')) k
           WHERE NOT EXISTS (SELECT 1 FROM search_terms s
             WHERE s.key = json_extract(t.value, '$[0]') AND s.term = json_extract(t.value, '$[0]'))`,
        )
        .bind(JSON.stringify(group)),
    );
  }
  for (const group of groups(removals)) {
    const json = JSON.stringify(group);
    statements.push(db.prepare(upsert(0)).bind(type, now, json), db.prepare(clear(0)).bind(type, now, json));
  }
  return statements;
}

/** Splits entries into groups whose JSON stays under MAX_GROUP_BYTES. */
function groups<T>(entries: T[]): T[][] {
  const out: T[][] = [];
  let current: T[] = [];
  let size = 0;
  for (const entry of entries) {
    const bytes = JSON.stringify(entry).length * 3;
    if (current.length > 0 && size + bytes > MAX_GROUP_BYTES) {
      out.push(current);
      current = [];
      size = 0;
    }
    current.push(entry);
    size += bytes;
  }
  if (current.length > 0) out.push(current);
  return out;
}

/**
 * Daily housekeeping: entities purged from D1 without a message (account purge) leave the index, and
 * tombstones older than a day go.
 */
export function sweepStatements(db: D1Database, now: number): D1PreparedStatement[] {
  // search_docs and the FTS5 tables have no drizzle schema: their names stay text. Each type declares
  // when an indexed entity still exists (src/core/searchables.ts).
  return [
    ...searchables().flatMap((spec) => {
      const orphans = sql`SELECT d.doc_id FROM search_docs d WHERE d.type = ${sql.raw(`'${spec.type}'`)} AND d.in_index = 1
        AND NOT EXISTS (${spec.exists(sql`d.entity_id`)})`;
      return [
        statement(db, sql`DELETE FROM ${sql.raw(spec.table)} WHERE rowid IN (${orphans})`),
        statement(
          db,
          sql`UPDATE search_docs SET in_index = 0, indexed_at = ${now} WHERE doc_id IN (${orphans})`,
        ),
      ];
    }),
    db.prepare("DELETE FROM search_docs WHERE in_index = 0 AND indexed_at < ?").bind(now - 24 * 3600_000),
  ];
}

// ─── Queries ──────────────────────────────────────────────────────────────────────────────────────────

/** A quoted FTS5 string: user text can never be read as FTS5 syntax (AND, OR, NEAR, *, ^, :, quotes). */
function quote(form: string): string {
  return `"${form.replaceAll('"', '""')}"`;
}

/** Below this many characters a word is matched exactly even when it is being typed (too many prefixes). */
export const MIN_PREFIX = 2;

/**
 * The MATCH expression for query word groups (src/modules/search/analysis.ts): all words must match, each
 * by any of its forms; with `prefixLast`, the last word also matches as a prefix (typeahead). The exact
 * form is kept next to the prefix so exact matches rank first (bm25 adds both); `prefixable` limits the
 * prefix to some terms. `joins` are runs of words
 * that may also be written as one (a hashtag): each adds the alternative where the run is replaced by its
 * glued forms. `columns` restricts the match to those columns. Returns null when there is nothing to match.
 */
export function matchExpression(
  groups: string[][],
  {
    prefixLast = false,
    prefixable,
    columns,
    joins = [],
  }: {
    prefixLast?: boolean;
    /** With prefixLast: only these terms get a prefix (not corrections added to the word). */
    prefixable?: ReadonlySet<string>;
    columns?: readonly string[];
    joins?: readonly QueryJoin[];
  } = {},
): string | null {
  if (groups.length === 0) return null;
  const group = (forms: string[], prefix: boolean) => {
    const terms = forms.flatMap((f) =>
      prefix && f.length >= MIN_PREFIX && (!prefixable || prefixable.has(f))
        ? [quote(f), `${quote(f)}*`]
        : [quote(f)],
    );
    return `(${terms.join(" OR ")})`;
  };
  const last = groups.length - 1;
  const all = groups.map((forms, i) => group(forms, prefixLast && i === last)).join(" AND ");
  const alternatives = joins
    .filter((j) => j.start >= 0 && j.end <= groups.length && j.end - j.start >= 2)
    .map((j) =>
      [
        ...groups.slice(0, j.start).map((forms) => group(forms, false)),
        group(j.forms, prefixLast && j.end - 1 === last),
        ...groups.slice(j.end).map((forms, k) => group(forms, prefixLast && j.end + k === last)),
      ].join(" AND "),
    );
  const expression =
    alternatives.length === 0 ? all : [all, ...alternatives].map((a) => `(${a})`).join(" OR ");
  return columns ? `{${columns.join(" ")}} : (${expression})` : expression;
}

/** `bm25(table, w1, w2, ...)` with the index's column weights. */
export function bm25Sql(type: IndexedType): string {
  const spec = searchableOf(type);
  return `bm25(${spec.table}, ${spec.columns.map((c) => c.weight.toFixed(1)).join(", ")})`;
}
