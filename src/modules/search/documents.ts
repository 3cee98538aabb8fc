import { sql } from "drizzle-orm";
import { type Searchable, type SearchSource, searchableOf } from "../../core/searchables";
import { statement } from "../../platform/db/statements";
import { searchIndexText } from "./analyzer";
import { GONE_VERSION, type Indexable, type IndexedType, type SearchDoc } from "./types";

/**
 * Builds index documents from the current rows in D1, for any registered searchable type: the type's
 * loader (declared by the module that owns the rows, src/core/searchables.ts) reads the rows and hands
 * over their raw text per column; this file analyzes it. Raw D1 statements, so the rebuild script can run
 * this file in Node against the local database. An entity that must not be searchable comes back as a
 * removal.
 */

/**
 * Builds the indexed text of one entity, whatever its type: `field(...)` analyzes the parts of one column
 * with the search analyzer (analyzer.ts searchIndexText, the same as the query side) and remembers their
 * stems for the vocabulary; `terms()` returns those stems.
 */
function analyzer() {
  const stems = new Set<string>();
  return {
    field(...parts: readonly (string | null | undefined)[]): string {
      const text = parts.filter((p): p is string => typeof p === "string" && p.length > 0).join(" \n ");
      const { tokens, stems: found } = searchIndexText(text);
      for (const s of found) stems.add(s);
      return tokens.join(" ");
    },
    terms: () => [...stems],
  };
}

/** A loader's source as an engine document: every column analyzed, the location attribute filled. */
function indexableOf(spec: Searchable, source: SearchSource): Indexable {
  const type = spec.type;
  if ("removed" in source) return { removal: { type, id: source.id, version: source.version } };
  const text = analyzer();
  const fields: Record<string, string> = {};
  for (const column of spec.columns) fields[column.name] = text.field(...(source.text[column.name] ?? []));
  const attributes = { ...source.attributes };
  // The location filter's attribute: the distinct tokens of its column, matched like query stems.
  if (spec.location) {
    const tokens = (fields[spec.location.column] ?? "").split(" ").filter(Boolean);
    attributes[spec.location.attribute] = [...new Set(tokens)];
  }
  const doc: SearchDoc = {
    type,
    id: source.id,
    version: source.version,
    createdAt: source.createdAt,
    fields,
    terms: text.terms(),
    attributes,
  };
  return { doc };
}

/** The index state of the given entities; ids with no row at all come back as removals. */
export async function loadByIds(db: D1Database, type: IndexedType, ids: string[]): Promise<Indexable[]> {
  if (ids.length === 0) return [];
  const spec = searchableOf(type);
  const { select, id, row } = spec.load;
  const { results } = await statement(
    db,
    sql`${select} WHERE ${id} IN (SELECT value FROM json_each(${JSON.stringify(ids)}))`,
  ).all();
  const found = results.map((r) => indexableOf(spec, row(r as never)));
  const seen = new Set(found.map((f) => ("doc" in f ? f.doc.id : f.removal.id)));
  const gone = ids
    .filter((i) => !seen.has(i))
    .map((i): Indexable => ({ removal: { type, id: i, version: GONE_VERSION } }));
  return [...found, ...gone];
}

/** The next `limit` entities after `after` in id order (rebuilds walk the table with this). */
export async function loadAfter(
  db: D1Database,
  type: IndexedType,
  after: string,
  limit: number,
): Promise<{ items: Indexable[]; last: string | null }> {
  const spec = searchableOf(type);
  const { select, id, row } = spec.load;
  const { results } = await statement(
    db,
    sql`${select} WHERE ${id} > ${after} ORDER BY ${id} LIMIT ${limit}`,
  ).all();
  const items = results.map((r) => indexableOf(spec, row(r as never)));
  const last = results.length === limit ? String((results[results.length - 1] as { id: string }).id) : null;
  return { items, last };
}
