/**
 * The search vocabulary. Every type the API accepts is in SEARCH_TYPES; the ones that have an index are in
 * INDEXES. Adding a type (jobs, companies, ...) = a row here, an FTS5 table in a migration, a loader in
 * documents.ts and a result query in query.ts; the queue, the engines, saved searches and alerts follow.
 */
export const SEARCH_TYPES = ["people", "posts", "jobs", "companies", "groups", "events", "articles"] as const;
export type SearchType = (typeof SEARCH_TYPES)[number];

export interface IndexSpec {
  /** The FTS5 table (migrations/0020_search.sql). */
  table: string;
  /** FTS5 columns in table order, each with its bm25 weight (title-like fields above body). */
  columns: readonly { name: string; weight: number }[];
  /** Meilisearch attributes used in filters. */
  filterable: readonly string[];
}

export const INDEXES = {
  people: {
    table: "search_people",
    columns: [
      { name: "name", weight: 10 },
      { name: "headline", weight: 4 },
      { name: "location", weight: 2 },
      { name: "details", weight: 1 },
    ],
    filterable: ["visibility", "locationTokens", "createdAt"],
  },
  posts: {
    table: "search_posts",
    columns: [
      { name: "tags", weight: 3 },
      { name: "body", weight: 1 },
    ],
    filterable: ["visibility", "authorId", "createdAt"],
  },
} as const satisfies Record<string, IndexSpec>;

export type IndexedType = keyof typeof INDEXES;
export const INDEXED_TYPES = Object.keys(INDEXES) as IndexedType[];

export function isIndexed(type: SearchType): type is IndexedType {
  return type in INDEXES;
}

/** A document ready for any engine: normalized text per column plus the attributes engines filter on. */
export interface SearchDoc {
  type: IndexedType;
  id: string;
  /** Orders versions of one entity (posts.rev, profile update time); a stale message never wins. */
  version: string;
  createdAt: number;
  /** Column name → space-separated search tokens (analyzer.ts searchIndexText). */
  fields: Record<string, string>;
  /** The word stems of every field, for the vocabulary typo tolerance looks up (vocabulary.ts). */
  terms: string[];
  attributes: Record<string, string | number | string[]>;
}

/** An entity that must not be in the index (deleted, suspended, a plain repost, gone). */
export interface Removal {
  type: IndexedType;
  id: string;
  version: string;
}

export type Indexable = { doc: SearchDoc } | { removal: Removal };

/** The version of an entity purged from D1 altogether: above any real version. */
export const GONE_VERSION = "~";

export type EngineName = "d1" | "meilisearch";
