import { type QueryJoin, searchQuery } from "../../lib/text";
import { matchExpression } from "./fts";
import { synonymsOf } from "./synonyms";
import { INDEXES, type IndexedType } from "./types";
import { candidatesFor, lookupKeys, MAX_LOOKUP_ROWS } from "./vocabulary";

/**
 * From a query to what the D1 engine matches, in two tiers:
 * 1. `queryMatch`: every query word by its forms (src/lib/text.ts: folding, clitics, hamza, plurals) and its
 *    other spellings (synonyms.ts); short queries also as their words glued together. Words as typed, never
 *    completed or corrected: a word that is in the index is taken to mean itself.
 * 2. `widenMatch`, only when tier 1 matches no document at all: each query word that matches nothing gets
 *    candidates from the vocabulary (typos, dialect spellings, Arabizi; vocabulary.ts), and the last word
 *    also matches as a prefix (typeahead). Its results therefore never push an exact result down.
 */
/** Each word of a glued run must have this many characters for the run to be corrected. */
const MIN_JOINED_TYPO = 3;

export interface MatchPlan {
  /** One group of alternative terms per query word (the stem last). */
  groups: string[][];
  /** Adjacent words that may also be written glued. */
  joins: QueryJoin[];
  /** Whether the last word also matches as a prefix. */
  prefixLast: boolean;
}

/** A word's forms with its other spellings inserted before the stem (which stays last). */
function withSynonyms(forms: string[]): string[] {
  const others = synonymsOf(forms);
  return others.length === 0 ? forms : [...forms.slice(0, -1), ...others, forms[forms.length - 1]!];
}

export function queryMatch(q: string): MatchPlan {
  const { words, joins } = searchQuery(q);
  return {
    groups: words.map((w) => withSynonyms(w.forms)),
    joins: joins.map((j) => ({ ...j, forms: withSynonyms(j.forms) })),
    prefixLast: false,
  };
}

/**
 * Tier 2 for a plan whose tier-1 expression matched nothing, or null when there is nothing to widen (the
 * tier-1 expression does match documents — the viewer may not see them — or no word can be corrected and
 * prefixes are off). Cost: one D1 round trip with two statements: an EXISTS per query word on the FTS
 * table (each stops at its first match) and one seek per lookup key in search_terms (at most
 * MAX_LOOKUP_ROWS rows), whatever the size of the index.
 */
export async function widenMatch(
  db: D1Database,
  type: IndexedType,
  plan: MatchPlan,
  prefix: boolean,
): Promise<MatchPlan | null> {
  const table = INDEXES[type].table;
  // What a lookup starts from: each word as typed and its stem, and each glued run (none of them matched).
  const sources = [...plan.groups, ...plan.joins.map((j) => j.forms)].map((forms) => [
    ...new Set([forms[0]!, forms[forms.length - 1]!]),
  ]);
  const keys = [...new Set(sources.flat().flatMap(lookupKeys))];
  const exists = [
    matchExpression(plan.groups, { joins: plan.joins })!,
    ...plan.groups.map((g) => matchExpression([g])!),
  ];
  const [found, lookup] = await db.batch<Record<string, number> | { key: string; term: string }>([
    db
      .prepare(
        `SELECT ${exists
          .map((_, i) => `EXISTS (SELECT 1 FROM ${table} WHERE ${table} MATCH ?${i + 1}) AS m${i}`)
          .join(", ")}`,
      )
      .bind(...exists),
    db
      .prepare("SELECT key, term FROM search_terms WHERE key IN (SELECT value FROM json_each(?1)) LIMIT ?2")
      .bind(JSON.stringify(keys), MAX_LOOKUP_ROWS),
  ]);
  const hit = (found!.results[0] ?? {}) as Record<string, number>;
  if (hit.m0) return null;
  const rows = lookup!.results as { key: string; term: string }[];
  let changed = false;
  const widen = (forms: string[], source: string[], typos = true) => {
    const extra = candidatesFor(source, rows, { typos }).filter((c) => !forms.includes(c));
    if (extra.length > 0) changed = true;
    return [...forms, ...extra];
  };
  const groups = plan.groups.map((forms, i) => (hit[`m${i + 1}`] ? forms : widen(forms, sources[i]!)));
  // A glued run gets typo candidates only when each of its words is long enough that one edit cannot drop
  // a word ("mark z" glued is one edit from "mark", which would ignore the z); it always gets its Arabizi
  // and dialect readings ("mashroo3" is split into mashroo + 3, and مشروع is the reading of the whole).
  const joins = plan.joins.map((j, i) => ({
    ...j,
    forms: widen(
      j.forms,
      sources[plan.groups.length + i]!,
      plan.groups.slice(j.start, j.end).every((g) => [...g[0]!].length >= MIN_JOINED_TYPO),
    ),
  }));
  if (!changed && !prefix) return null;
  return { groups, joins, prefixLast: prefix };
}
