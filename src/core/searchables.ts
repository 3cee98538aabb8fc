import type { z } from "@hono/zod-openapi";
import type { SQL } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import type { Deps } from "./deps";

/**
 * The searchable registry: every type members can search (people, posts, and later jobs, companies,
 * groups...) is declared once by the module that owns its rows, in that module's `search.ts`, with
 * `defineSearchable`, and listed in its manifest (`search`). The search module (analyzer, D1 FTS5 and
 * Meilisearch engines, indexing queue, vocabulary, saved searches, alerts, sweep, rebuild) iterates the
 * registered declarations and has no per-type code: a declaration says what the index holds (its FTS5
 * table and weighted columns, the attributes Meilisearch filters on), how to read it (the loader hands
 * over raw text; the search module analyzes it, so the same analyzer runs on every type at index and query
 * time), which columns a viewer may match (the branches, each with the SQL rule that admits a row), and
 * how candidates become visible, rendered hits (the page reader, which applies the owner's access rules).
 *
 * Each type's hit shape is merged into `SearchHits` by its module:
 *   declare module "../../core/searchables" { interface SearchHits { posts: { type: "posts"; post: Post } } }
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled by declaration merging in the modules
export interface SearchHits {}
/** A registered searchable type, e.g. "posts". */
export type SearchableType = keyof SearchHits & string;
/** One search result, of any registered type. */
export type SearchHit = SearchHits[SearchableType];

/** An FTS5 column with its bm25 weight (title-like fields above body). */
export interface SearchColumn {
  name: string;
  weight: number;
}

/**
 * One entity as its loader reads it: the raw text of each column (the parts of a column, in order; the
 * search module analyzes them), the version that orders updates of one entity (a stale message never
 * wins), the creation time and the attributes engines filter on. Or the entity must not be in the index
 * (deleted, suspended, not searchable) at that version.
 */
export type SearchSource =
  | {
      id: string;
      version: string;
      createdAt: number;
      text: Record<string, readonly (string | null | undefined)[]>;
      attributes: Record<string, string | number | string[]>;
    }
  | { id: string; version: string; removed: true };

/**
 * A set of columns a viewer may match an entity on. The D1 engine runs one MATCH per branch; the page
 * keeps, for each row, only the branch whose `rule` admits it, so a search never matches what a read
 * would hide.
 */
export interface SearchBranch {
  /** The columns matched (every column when absent). */
  columns?: readonly string[];
  /** SQL boolean over the page reader's row: this viewer may match the row on this branch (always when absent). */
  rule?: (viewerId: string) => SQL;
  /**
   * Meilisearch filter expression for this branch (a coarse pre-filter: D1 has the last word); `viewer` is
   * the viewer's id already quoted as a filter value.
   */
  engineFilter?: (viewer: string) => string;
}

/** What a page reader gets: ranked candidates and the window of the page. */
export interface SearchPageRequest {
  deps: Deps;
  viewerId: string;
  /** SQL rows (id, branch, score), lower score is better; use as `WITH m AS (${candidates})`. */
  candidates: SQL;
  /** SQL boolean over `m.branch` and the reader's row: the branch rules of the declaration. */
  branchRule: SQL;
  /** Only entities created at or after / before these times. */
  from: number | undefined;
  to: number | undefined;
  offset: number;
  /** The page reader returns up to limit + 1 hits (the extra one tells there are more). */
  limit: number;
}

/** Upper bound on the candidates a page walks (there so SQLite keeps the subquery's ORDER BY). */
export const MAX_CANDIDATES_RANKED = 1_000_000;

export interface Searchable<T extends SearchableType = SearchableType> {
  /** The type's name in the API (`?type=`), in search_docs and in the queue's messages. */
  type: T;
  /** The FTS5 table (a hand-written migration; drizzle cannot describe virtual tables). */
  table: string;
  /** FTS5 columns in table order, each with its bm25 weight. */
  columns: readonly SearchColumn[];
  /** Meilisearch attributes used in filters (`createdAt` is always there). */
  filterable: readonly string[];
  /**
   * The `location` filter, when the type honours it: matched as words in `column` (D1), and as the
   * attribute `attribute`, which the search module fills with the column's distinct tokens (Meilisearch).
   * Only branches that match that column apply under the filter.
   */
  location?: { column: string; attribute: string };
  /** The `from`/`to` date filters apply to the entity's creation time (and a search up to a date ranks every match). */
  dates?: boolean;
  /** The loader: `select` reads rows named by `id`, `row` turns one into a source. */
  load: { select: SQL; id: SQLiteColumn; row: (row: never) => SearchSource };
  /** SQL subquery selecting a row when the indexed entity `entityId` still exists (the daily sweep). */
  exists: (entityId: SQL) => SQL;
  /** What a viewer may match on; candidate rows carry the branch index. */
  branches: readonly SearchBranch[];
  /** Candidates to visible hits, best first, rendered. */
  page: (req: SearchPageRequest) => Promise<SearchHits[T][]>;
  /** The zod schema of one hit (OpenAPI). */
  hit: z.ZodType<SearchHits[T]>;
}

const BY_TYPE = new Map<string, Searchable>();

/** Registers a searchable type (when its module's search.ts loads) and returns its declaration. */
export function defineSearchable<T extends SearchableType>(spec: Searchable<T>): Searchable<T> {
  const known = BY_TYPE.get(spec.type);
  if (known && known !== (spec as unknown)) throw new Error(`searchable ${spec.type} defined twice`);
  BY_TYPE.set(spec.type, spec as unknown as Searchable);
  return spec;
}

/** The registered searchable of this type, if any (for types a client or a message names). */
export function findSearchable(type: string): Searchable | undefined {
  return BY_TYPE.get(type);
}

export function searchableOf(type: string): Searchable {
  const found = BY_TYPE.get(type);
  if (!found) throw new Error(`unknown searchable type ${type}`);
  return found;
}

export function registeredSearchables(): Searchable[] {
  return [...BY_TYPE.values()];
}
