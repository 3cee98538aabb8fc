import { Meilisearch } from "meilisearch";
import { searchableOf } from "../../core/searchables";
import type { Bindings } from "../../platform/env";
import { QUERY_STOPWORDS } from "./analyzer";
import { meiliSynonyms } from "./synonyms";
import type { Indexable, IndexedType, SearchDoc } from "./types";
import { MIN_TYPO_LENGTH } from "./vocabulary";

/**
 * The optional Meilisearch engine (SEARCH_ENGINE=meilisearch), through the official client (it speaks
 * plain fetch, so it runs on Workers and in Node). Documents carry the same normalized tokens as the D1
 * index, so Arabic normalization and clitics behave the same; stop words, synonyms and typo rules are the
 * same too (settingsOf).
 * Meilisearch only proposes candidates: every candidate goes back through D1 and the same visibility and
 * block rules as the D1 engine (query.ts), so a stale or wrong Meilisearch document can never leak.
 */
export type MeiliEnv = Pick<
  Bindings,
  "SEARCH_ENGINE" | "MEILISEARCH_URL" | "MEILISEARCH_API_KEY" | "MEILISEARCH_INDEX_PREFIX"
>;

export interface MeiliTarget {
  client: Meilisearch;
  prefix: string;
}

/** The Meilisearch target when configured, else null (the D1 engine serves). */
export function meiliOf(env: MeiliEnv): MeiliTarget | null {
  if (env.SEARCH_ENGINE !== "meilisearch" || !env.MEILISEARCH_URL) return null;
  return {
    client: new Meilisearch({
      host: env.MEILISEARCH_URL,
      ...(env.MEILISEARCH_API_KEY ? { apiKey: env.MEILISEARCH_API_KEY } : {}),
      timeout: 5000,
    }),
    prefix: env.MEILISEARCH_INDEX_PREFIX ?? "majlis_",
  };
}

export const indexUid = (target: MeiliTarget, type: IndexedType) => `${target.prefix}${type}`;

/**
 * Index settings, in code: searchable attributes in ranking order (name/title above body), filterable
 * and sortable attributes, ranking rules, and the same language rules as the D1 engine:
 * - stop words: the words the D1 query side drops (analyzer.ts QUERY_STOPWORDS), already folded like
 *   the documents' tokens (Meilisearch has no Arabic list of its own to add);
 * - synonyms: the spellings list of synonyms.ts, stem to stems (the query is sent as stems);
 * - typos: one edit from MIN_TYPO_LENGTH characters, never two (the D1 engine corrects one edit from the
 *   vocabulary). Meilisearch also ranks a typo match after exact matches ("typo" rule), but unlike the D1
 *   engine it does not wait for the words as typed to match nothing.
 * Applied by the rebuild (changing settings reindexes in Meilisearch).
 */
export function settingsOf(type: IndexedType) {
  const spec = searchableOf(type);
  return {
    searchableAttributes: spec.columns.map((c) => c.name),
    filterableAttributes: [...spec.filterable],
    sortableAttributes: ["createdAt"],
    displayedAttributes: ["id", "createdAt"],
    rankingRules: ["words", "typo", "proximity", "attribute", "sort", "exactness"],
    stopWords: [...QUERY_STOPWORDS],
    synonyms: meiliSynonyms(),
    typoTolerance: {
      enabled: true,
      minWordSizeForTypos: { oneTypo: MIN_TYPO_LENGTH, twoTypos: MEILI_NO_SECOND_TYPO },
    },
  };
}

/** minWordSizeForTypos.twoTypos at its maximum: no word is long enough for two typos. */
const MEILI_NO_SECOND_TYPO = 255;

export async function applySettings(target: MeiliTarget, type: IndexedType): Promise<void> {
  await target.client.index(indexUid(target, type)).updateSettings(settingsOf(type));
}

export function meiliDocument(doc: SearchDoc): Record<string, unknown> {
  return { id: doc.id, createdAt: doc.createdAt, ...doc.fields, ...doc.attributes };
}

/**
 * Sends documents and removals of one type (task enqueued in Meilisearch; not awaited). Throws on failure,
 * so the queue retries the message: upserts and deletes by id are idempotent.
 */
export async function pushToMeili(target: MeiliTarget, type: IndexedType, items: Indexable[]): Promise<void> {
  const index = target.client.index(indexUid(target, type));
  const docs = items.flatMap((i) => ("doc" in i ? [meiliDocument(i.doc)] : []));
  const removed = items.flatMap((i) => ("removal" in i ? [i.removal.id] : []));
  if (docs.length > 0) await index.addDocuments(docs, { primaryKey: "id" });
  if (removed.length > 0) await index.deleteDocuments(removed);
}

/** A filter value, quoted for Meilisearch's filter syntax. */
export function filterValue(value: string): string {
  return `"${value.replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"`;
}
