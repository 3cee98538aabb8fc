import { type QueryJoin, searchQuery } from "./analyzer";
import { synonymsOf } from "./synonyms";
import { candidatesFor, lookupKeys, MAX_LOOKUP_ROWS } from "./vocabulary";

/**
 * From a query to what the D1 engine matches, in two tiers:
 * 1. `queryMatch`: every query word by its forms (analyzer.ts: folding, clitics, hamza, plurals) and its
 *    other spellings (synonyms.ts); short queries also as their words glued together. Words as typed, never
 *    completed or corrected: a word that is in the index is taken to mean itself.
 * 2. `widenMatch`, only when tier 1 gave the viewer nothing: each query word gets candidates from the
 *    vocabulary (typos, dialect spellings, Arabizi; vocabulary.ts), and the last word also matches as a
 *    prefix (typeahead). Its results therefore never push an exact result down.
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
  /** The terms that may get that prefix: the last word's own forms, not the corrections added to it. */
  prefixable?: ReadonlySet<string>;
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
 * Tier 2, for a query whose tier 1 gave the viewer nothing at all (query.ts decides that from the viewer's
 * own results, never from documents the viewer may not read, so the choice reveals nothing about them):
 * every word and glued run gets candidates from the vocabulary, and the last word matches as a prefix when
 * `prefix` is on. Null when there is nothing to add. Cost: one statement, one seek per lookup key in
 * search_terms (a word's length + 3 keys at most), at most MAX_LOOKUP_ROWS rows, whatever the index size.
 */
export async function widenMatch(
  db: D1Database,
  plan: MatchPlan,
  prefix: boolean,
): Promise<MatchPlan | null> {
  // What a lookup starts from: each word as typed and its stem, and each glued run.
  const sources = [...plan.groups, ...plan.joins.map((j) => j.forms)].map((forms) => [
    ...new Set([forms[0]!, forms[forms.length - 1]!]),
  ]);
  const keys = [...new Set(sources.flat().flatMap(lookupKeys))];
  const rows =
    keys.length === 0
      ? []
      : (
          await db
            .prepare(
              "SELECT key, term FROM search_terms WHERE key IN (SELECT value FROM json_each(?1)) LIMIT ?2",
            )
            .bind(JSON.stringify(keys), MAX_LOOKUP_ROWS)
            .all<{ key: string; term: string }>()
        ).results;
  // With typeahead, a candidate that begins with the last word is already found by its prefix.
  const last = plan.groups.length - 1;
  const completes = (c: string) => prefix && plan.groups[last]!.some((f) => f.length >= 2 && c.startsWith(f));
  let changed = false;
  const widen = (forms: string[], source: string[], typos = true, isLast = false) => {
    const extra = candidatesFor(source, rows, { typos }).filter(
      (c) => !forms.includes(c) && !(isLast && completes(c)),
    );
    if (extra.length > 0) changed = true;
    return [...forms, ...extra];
  };
  const groups = plan.groups.map((forms, i) => widen(forms, sources[i]!, true, i === last));
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
  const prefixable = new Set([
    ...plan.groups[last]!,
    ...plan.joins.filter((j) => j.end - 1 === last).flatMap((j) => j.forms),
  ]);
  return { groups, joins, prefixLast: prefix, prefixable };
}
