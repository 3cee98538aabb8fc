import { type SQL, sql } from "drizzle-orm";
import type { Deps } from "../../core/deps";
import { findSearchable, type Searchable, type SearchHit } from "../../core/searchables";
import { DAY } from "../../platform/clock";
import { logError } from "../../platform/log";
import { type MatchPlan, queryMatch, widenMatch } from "./analysis";
import { searchQueryForms } from "./analyzer";
import { bm25Sql, matchExpression } from "./fts";
import { filterValue, indexUid, type MeiliTarget, meiliOf } from "./meili";
import type { SearchFilters, SearchPage } from "./schemas";
import type { IndexedType, SearchType } from "./types";

/**
 * Running a search, for any registered searchable type (src/core/searchables.ts). Either engine only
 * proposes candidates (id, branch, rank); the page is then read from D1 by the type's own page reader,
 * through the same rules as every other read of that type (for posts postVisibleTo; for people the profile
 * rule of GET /profiles plus the block filter and active accounts). So a search never returns what a read
 * would hide.
 *
 * A type declares the branches a viewer may match an entity on (people: every column for a full
 * profile, name and headline for a card with a headline, the name only). Each branch is one MATCH (one
 * Meilisearch query); the page keeps, for each entity, only the branch the declaration's rule admits for
 * this viewer.
 */
export interface SearchRequest {
  q: string;
  type: SearchType;
  filters: SearchFilters;
  page: number;
  limit: number;
  /** Typeahead: the last word also matches as a prefix. */
  prefix: boolean;
  /** Only results created after this time (saved-search alerts). */
  createdAfter?: number | undefined;
  /** Only results created at or before this time (saved-search alerts). */
  createdUntil?: number | undefined;
}

/**
 * The D1 engine ranks at most this many of a query's newest matches per branch (more when a deep page
 * needs them): relevance within the recent past, like the big networks' post search. A search with a
 * "to" date (types with date filters: posts) lifts it. Meilisearch (SEARCH_ENGINE) ranks over everything.
 */
export const RANKED_WINDOW = 1000;

/** Meilisearch proposes at most this many candidates per query (deep pages stop there). */
export const MAX_CANDIDATES = 1000;
interface Plan extends MatchPlan {
  type: IndexedType;
  locationGroups: string[][];
  prefix: boolean;
  from: number | undefined;
  to: number | undefined;
  offset: number;
  limit: number;
}

/** Milliseconds for a filter date: a date is its UTC midnight, or the next midnight for an inclusive end. */
function timeOf(value: string | undefined, endOfDay: boolean): number | undefined {
  if (!value) return undefined;
  const ms = Date.parse(value.length === 10 ? `${value}T00:00:00Z` : value);
  return value.length === 10 && endOfDay ? ms + DAY : ms;
}

const maxOf = (a: number | undefined, b: number | undefined) =>
  a === undefined ? b : b === undefined ? a : Math.max(a, b);
const minOf = (a: number | undefined, b: number | undefined) =>
  a === undefined ? b : b === undefined ? a : Math.min(a, b);

export async function runSearch(deps: Deps, viewerId: string, req: SearchRequest): Promise<SearchPage> {
  const empty: SearchPage = { data: [], page: req.page, limit: req.limit, hasMore: false };
  const spec = findSearchable(req.type);
  if (!spec) return empty;
  const match = queryMatch(req.q);
  if (match.groups.length === 0) return empty;
  const dates = spec.dates === true;
  const plan: Plan = {
    ...match,
    type: spec.type,
    locationGroups: spec.location && req.filters.location ? searchQueryForms(req.filters.location) : [],
    prefix: req.prefix,
    // "from" is inclusive, "to" exclusive; createdAfter is exclusive (> the last alert), createdUntil inclusive.
    from: maxOf(
      dates ? timeOf(req.filters.from, false) : undefined,
      req.createdAfter !== undefined ? req.createdAfter + 1 : undefined,
    ),
    to: minOf(
      dates ? timeOf(req.filters.to, true) : undefined,
      req.createdUntil !== undefined ? req.createdUntil + 1 : undefined,
    ),
    offset: (req.page - 1) * req.limit,
    limit: req.limit,
  };
  if (req.filters.location && plan.locationGroups.length === 0) return empty;

  let candidates: SQL | null = null;
  const meili = meiliOf(deps.env);
  if (meili) {
    try {
      candidates = await meiliCandidates(meili, spec, viewerId, plan);
    } catch (err) {
      logError("meilisearch failed; answering from D1", { error: String(err) });
    }
  }
  const d1 = candidates === null;
  candidates ??= d1Candidates(spec, plan);

  const branchRule = branchRuleOf(spec, viewerId);
  const page = (p: Plan, c: SQL): Promise<SearchHit[]> =>
    spec.page({
      deps,
      viewerId,
      candidates: c,
      branchRule,
      from: p.from,
      to: p.to,
      offset: p.offset,
      limit: p.limit,
    });
  let data = await page(plan, candidates);
  // The viewer may read nothing that matches the words as typed: corrections and prefix completions instead
  // (analysis.ts), so they never rank below an exact hit. Decided on the first page, and without an alert's
  // time window: an alert reports corrections only when its saved search itself shows them.
  if (d1 && data.length === 0) {
    const window = req.createdAfter !== undefined || req.createdUntil !== undefined;
    const first = {
      ...plan,
      offset: 0,
      limit: 1,
      from: dates ? timeOf(req.filters.from, false) : undefined,
      to: dates ? timeOf(req.filters.to, true) : undefined,
    };
    if ((plan.offset === 0 && !window) || (await page(first, d1Candidates(spec, first))).length === 0) {
      const wider = await widenMatch(deps.env.DB, plan, plan.prefix);
      if (wider) {
        const widened = { ...plan, ...wider };
        data = await page(widened, d1Candidates(spec, widened));
      }
    }
  }
  return {
    data: data.slice(0, req.limit),
    page: req.page,
    limit: req.limit,
    hasMore: data.length > req.limit,
  };
}

// ─── Candidates ───────────────────────────────────────────────────────────────────────────────────────

/** SQL boolean over `m.branch` and the page reader's row: each candidate counts only on the branch its row admits. */
function branchRuleOf(spec: Searchable, viewerId: string): SQL {
  const [only] = spec.branches;
  if (spec.branches.length === 1 && !only?.rule) return sql`1`;
  const parts = spec.branches.map((branch, k) => {
    const index = sql.raw(String(k));
    return branch.rule ? sql`(m.branch = ${index} AND ${branch.rule(viewerId)})` : sql`m.branch = ${index}`;
  });
  return sql`(${sql.join(parts, sql` OR `)})`;
}

/** The branches a search applies, with their index: under a location filter, those that match its column. */
function branchesOf(spec: Searchable, plan: Plan) {
  const all = spec.branches.map((branch, index) => ({ ...branch, index }));
  const column = spec.location?.column;
  if (plan.locationGroups.length === 0 || column === undefined) return all;
  return all.filter((b) => b.columns === undefined || b.columns.includes(column));
}

/** The D1 engine: FTS5 MATCH with bm25 (lower is better), as rows (id, branch, score). */
function d1Candidates(spec: Searchable, plan: Plan): SQL {
  const table = sql.raw(spec.table);
  // Only the newest matches are ranked (doc_id grows as entities are indexed), so a word found in a third
  // of everything costs about the same at 10k and 1M; FTS5 walks a doclist newest first and stops there.
  // Searching up to a date ranks every match instead (the newest ones may all be after it).
  const window =
    spec.dates && plan.to !== undefined ? -1 : Math.max(RANKED_WINDOW, (plan.offset + plan.limit + 1) * 4);
  const select = (branch: number, match: string) =>
    sql`SELECT d.entity_id AS id, ${sql.raw(String(branch))} AS branch, w.score FROM (
        SELECT rowid AS doc_id, ${sql.raw(bm25Sql(plan.type))} AS score FROM ${table} WHERE ${table} MATCH ${match}
        ORDER BY rowid DESC LIMIT ${window}) w
      JOIN search_docs d ON d.doc_id = w.doc_id`;
  const opts = { prefixLast: plan.prefixLast, prefixable: plan.prefixable, joins: plan.joins };
  // A location filter applies to what only some branches show (people: full profiles), so the others
  // cannot pass it.
  const location = spec.location && matchExpression(plan.locationGroups, { columns: [spec.location.column] });
  return sql.join(
    branchesOf(spec, plan).map((b) => {
      const match = matchExpression(plan.groups, b.columns ? { ...opts, columns: b.columns } : opts)!;
      return select(b.index, location ? `(${match}) AND ${location}` : match);
    }),
    sql` UNION ALL `,
  );
}

/** Rows (id, branch, score) from a ranked candidate list (score = rank, lower is better). */
function rankedRows(hits: { id: string; branch: number }[]): SQL {
  return sql`SELECT json_extract(j.value, '$[0]') AS id, json_extract(j.value, '$[1]') AS branch, j.key AS score
    FROM json_each(${JSON.stringify(hits.map((h) => [h.id, h.branch]))}) j`;
}

/**
 * Meilisearch: the query is sent as word stems (every indexed form of a word includes its stem), filters
 * narrow by the stored attributes (a coarse pre-filter; D1 has the last word). A type with several
 * branches is one multi-search, its hits merged by ranking score.
 */
async function meiliCandidates(
  target: MeiliTarget,
  spec: Searchable,
  viewerId: string,
  plan: Plan,
): Promise<SQL> {
  const q = plan.groups.map((forms) => forms[forms.length - 1]).join(" ");
  const size = Math.min(MAX_CANDIDATES, (plan.offset + plan.limit + 1) * 3);
  const time = [
    ...(plan.from !== undefined ? [`createdAt >= ${plan.from}`] : []),
    ...(plan.to !== undefined ? [`createdAt < ${plan.to}`] : []),
  ];
  const and = (parts: string[]) => (parts.length > 0 ? parts.map((p) => `(${p})`).join(" AND ") : undefined);
  const base = { q, limit: size, offset: 0, attributesToRetrieve: ["id"], showRankingScore: true };
  const attribute = spec.location?.attribute;
  const location = attribute
    ? plan.locationGroups.map((forms) => `${attribute} = ${filterValue(forms[forms.length - 1]!)}`)
    : [];
  const viewer = filterValue(viewerId);
  const queries = branchesOf(spec, plan).map((b) => ({
    branch: b.index,
    columns: b.columns,
    filter: and([...(b.engineFilter ? [b.engineFilter(viewer)] : []), ...location, ...time]),
  }));
  const uid = indexUid(target, plan.type);

  if (spec.branches.length === 1) {
    const [query] = queries;
    const res = await target.client.index(uid).search(q, {
      ...base,
      ...(query?.columns ? { attributesToSearchOn: [...query.columns] } : {}),
      ...(query?.filter ? { filter: query.filter } : {}),
    });
    return rankedRows(res.hits.map((h) => ({ id: String(h.id), branch: query?.branch ?? 0 })));
  }

  const all = spec.columns.map((c) => c.name);
  const res = await target.client.multiSearch({
    queries: queries.map(({ columns, filter }) => ({
      indexUid: uid,
      ...base,
      attributesToSearchOn: [...(columns ?? all)],
      ...(filter ? { filter } : {}),
    })),
  });
  const hits = res.results.flatMap((r, i) =>
    r.hits.map((h) => ({
      id: String(h.id),
      branch: queries[i]!.branch,
      score: Number(h._rankingScore ?? 0),
    })),
  );
  hits.sort((a, b) => b.score - a.score);
  return rankedRows(hits);
}
