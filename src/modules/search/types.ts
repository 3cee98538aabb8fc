import { registeredModules } from "../../core/module";
import type { Searchable, SearchableType } from "../../core/searchables";

/**
 * The search vocabulary. Every type the API accepts is in SEARCH_TYPES; the ones that have an index are
 * declared by the modules that own them (src/core/searchables.ts, each module's search.ts, listed in its
 * manifest). Adding a type (jobs, companies, ...) = a name here if the API does not accept it yet, an FTS5
 * table in a migration, and a `defineSearchable` in the owning module; the queue, the engines, saved
 * searches, alerts, the sweep and the rebuild follow.
 */
export const SEARCH_TYPES = ["people", "posts", "jobs", "companies", "groups", "events", "articles"] as const;
export type SearchType = (typeof SEARCH_TYPES)[number];

/** A type with an index: a registered searchable. */
export type IndexedType = SearchableType;

/**
 * The searchable types, as the modules list them in their manifests (`search`), in module order: what
 * the sweep, the rebuild, the index upgrade and the OpenAPI hit schema iterate. A type named by a client
 * or a message is looked up with `findSearchable`.
 */
export function searchables(): Searchable[] {
  return registeredModules().flatMap((m) => m.search ?? []);
}

/** Every type with an index, in module order. */
export function indexedTypes(): IndexedType[] {
  return searchables().map((s) => s.type);
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
