import { type SQL, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import { cardShowsHeadlineSql, fullProfileVisibleSql, notBlocked } from "../../core/access/members";
import { postVisibleTo, viewerRef } from "../../core/access/posts";
import { type CardRow, cardColumnsFor, toCard } from "../../core/cards";
import type { Deps } from "../../core/deps";
import { posts as postsTable, profiles, users } from "../../db/schema";
import { DAY } from "../../platform/clock";
import { logError } from "../../platform/log";
import { postJsonSql, toPosts } from "../posts";
import { type MatchPlan, queryMatch, widenMatch } from "./analysis";
import { searchQueryForms } from "./analyzer";
import { bm25Sql, matchExpression } from "./fts";
import { filterValue, indexUid, type MeiliTarget, meiliOf } from "./meili";
import type { SearchFilters, SearchHit, SearchPage } from "./schemas";
import { INDEXES, type IndexedType, isIndexed, type SearchType } from "./types";

/**
 * Running a search. Either engine only proposes candidates (id + rank); the page is then read from D1
 * through the same rules as every other read: postVisibleTo for posts, and for people the profile
 * visibility rule of GET /profiles plus the block filter and active accounts. So a search never returns a
 * CONNECTIONS post to a stranger, a PRIVATE or deleted post, a blocked member (either way) or a deleted one.
 *
 * People are matched per member on what the viewer may see of them (core/access/members.ts): every column for
 * a full profile (`fullProfileVisibleSql`), otherwise what the card shows: name and headline when
 * `cardShowsHeadlineSql` allows the headline (a CONNECTIONS profile seen by a stranger), the name only
 * (a PRIVATE profile). The three cases are three MATCH branches; the SQL keeps, for each member, only the
 * branch their profile allows for this viewer. A hit is the member's card (graph/network.ts).
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
 * needs them): relevance within the recent past, like the big networks' post search. A posts search with
 * a "to" date lifts it. Meilisearch (SEARCH_ENGINE) ranks over everything.
 */
export const RANKED_WINDOW = 1000;

/** Meilisearch proposes at most this many candidates per query (deep pages stop there). */
export const MAX_CANDIDATES = 1000;
/** Upper bound on the candidates a page walks (there so SQLite keeps the subquery's ORDER BY). */
const MAX_CANDIDATES_RANKED = 1_000_000;

const FULL = 0;
const NAME_AND_HEADLINE = 1;
const NAME_ONLY = 2;

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
  if (!isIndexed(req.type)) return empty;
  const match = queryMatch(req.q);
  if (match.groups.length === 0) return empty;
  const plan: Plan = {
    ...match,
    type: req.type,
    locationGroups:
      req.type === "people" && req.filters.location ? searchQueryForms(req.filters.location) : [],
    prefix: req.prefix,
    // "from" is inclusive, "to" exclusive; createdAfter is exclusive (> the last alert), createdUntil inclusive.
    from: maxOf(
      req.type === "posts" ? timeOf(req.filters.from, false) : undefined,
      req.createdAfter !== undefined ? req.createdAfter + 1 : undefined,
    ),
    to: minOf(
      req.type === "posts" ? timeOf(req.filters.to, true) : undefined,
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
      candidates = await meiliCandidates(meili, viewerId, plan);
    } catch (err) {
      logError("meilisearch failed; answering from D1", { error: String(err) });
    }
  }
  const d1 = candidates === null;
  candidates ??= d1Candidates(plan);

  const page = (p: Plan, c: SQL) =>
    p.type === "people" ? people(deps, viewerId, p, c) : posts(deps, viewerId, p, c);
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
      from: req.type === "posts" ? timeOf(req.filters.from, false) : undefined,
      to: req.type === "posts" ? timeOf(req.filters.to, true) : undefined,
    };
    if ((plan.offset === 0 && !window) || (await page(first, d1Candidates(first))).length === 0) {
      const wider = await widenMatch(deps.env.DB, plan, plan.prefix);
      if (wider) {
        const widened = { ...plan, ...wider };
        data = await page(widened, d1Candidates(widened));
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

/** The D1 engine: FTS5 MATCH with bm25 (lower is better), as rows (id, branch, score). */
function d1Candidates(plan: Plan): SQL {
  const spec = INDEXES[plan.type];
  const table = sql.raw(spec.table);
  // Only the newest matches are ranked (doc_id grows as entities are indexed), so a word found in a third
  // of everything costs about the same at 10k and 1M; FTS5 walks a doclist newest first and stops there.
  // Searching posts up to a date ranks every match instead (the newest ones may all be after it).
  const window =
    plan.type === "posts" && plan.to !== undefined
      ? -1
      : Math.max(RANKED_WINDOW, (plan.offset + plan.limit + 1) * 4);
  const select = (branch: number, match: string) =>
    sql`SELECT d.entity_id AS id, ${sql.raw(String(branch))} AS branch, w.score FROM (
        SELECT rowid AS doc_id, ${sql.raw(bm25Sql(plan.type))} AS score FROM ${table} WHERE ${table} MATCH ${match}
        ORDER BY rowid DESC LIMIT ${window}) w
      JOIN search_docs d ON d.doc_id = w.doc_id`;
  const opts = { prefixLast: plan.prefixLast, prefixable: plan.prefixable, joins: plan.joins };
  if (plan.type === "posts") return select(FULL, matchExpression(plan.groups, opts)!);
  const location = matchExpression(plan.locationGroups, { columns: ["location"] });
  const full = matchExpression(plan.groups, opts)!;
  // A location filter applies to what only full profiles show, so limited profiles cannot pass it.
  if (location) return select(FULL, `(${full}) AND ${location}`);
  return sql.join(
    [
      select(FULL, full),
      select(NAME_AND_HEADLINE, matchExpression(plan.groups, { ...opts, columns: ["name", "headline"] })!),
      select(NAME_ONLY, matchExpression(plan.groups, { ...opts, columns: ["name"] })!),
    ],
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
 * narrow by the stored visibility (a coarse pre-filter; D1 has the last word).
 */
async function meiliCandidates(target: MeiliTarget, viewerId: string, plan: Plan): Promise<SQL> {
  const q = plan.groups.map((forms) => forms[forms.length - 1]).join(" ");
  const size = Math.min(MAX_CANDIDATES, (plan.offset + plan.limit + 1) * 3);
  const time = [
    ...(plan.from !== undefined ? [`createdAt >= ${plan.from}`] : []),
    ...(plan.to !== undefined ? [`createdAt < ${plan.to}`] : []),
  ];
  const and = (parts: string[]) => (parts.length > 0 ? parts.map((p) => `(${p})`).join(" AND ") : undefined);
  const base = { q, limit: size, offset: 0, attributesToRetrieve: ["id"], showRankingScore: true };

  if (plan.type === "posts") {
    const visible = `visibility = "PUBLIC" OR visibility = "CONNECTIONS" OR authorId = ${filterValue(viewerId)}`;
    const res = await target.client.index(indexUid(target, "posts")).search(q, {
      ...base,
      filter: and([visible, ...time]),
    });
    return rankedRows(res.hits.map((h) => ({ id: String(h.id), branch: FULL })));
  }

  const all = INDEXES.people.columns.map((c) => c.name);
  const location = plan.locationGroups.map(
    (forms) => `locationTokens = ${filterValue(forms[forms.length - 1]!)}`,
  );
  const queries = [
    { branch: FULL, attributesToSearchOn: all, filter: and([...location, ...time]) },
    ...(location.length > 0
      ? []
      : [
          {
            branch: NAME_AND_HEADLINE,
            attributesToSearchOn: ["name", "headline"],
            filter: and(['visibility = "CONNECTIONS"', ...time]),
          },
          {
            branch: NAME_ONLY,
            attributesToSearchOn: ["name"],
            filter: and(['visibility = "PRIVATE"', ...time]),
          },
        ]),
  ];
  const res = await target.client.multiSearch({
    queries: queries.map(({ branch: _, filter, ...rest }) => ({
      indexUid: indexUid(target, "people"),
      ...base,
      ...rest,
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

// ─── Pages ────────────────────────────────────────────────────────────────────────────────────────────

/**
 * Both pages walk the candidates best first and apply the visibility rules only until the page is full:
 * the subquery's LIMIT keeps its ORDER BY, and CROSS JOIN keeps it as the outer loop, so there is no
 * outer sort (which would check every candidate first).
 */
/** The rows of a page under the aliases the card columns and the access rules name them by. */
const u = alias(users, "u");
const pr = alias(profiles, "p");
const p = alias(postsTable, "p");

async function people(deps: Deps, viewerId: string, plan: Plan, candidates: SQL): Promise<SearchHit[]> {
  const v = viewerRef(viewerId);
  // The profile rules of core/access/members.ts: which branch a member may match on is what the viewer may see of
  // them (the full profile, else the card with or without its headline), and the hit is the card.
  const member = { id: u.id, visibility: pr.visibility };
  const full = fullProfileVisibleSql(v, member);
  const headline = cardShowsHeadlineSql(v, member);
  const rows = await deps.db.all<CardRow>(sql`WITH m AS (${candidates})
    SELECT ${cardColumnsFor(v)}
    FROM (SELECT id, branch, score FROM m ORDER BY score, id LIMIT ${MAX_CANDIDATES_RANKED}) m
      CROSS JOIN ${users} ${u} ON ${u.id} = m.id AND ${u.status} = 'ACTIVE'
      LEFT JOIN ${profiles} ${pr} ON ${pr.userId} = ${u.id}
    WHERE ${notBlocked(viewerId, u.id)}
      AND ((m.branch = ${FULL} AND ${full})
        OR (m.branch = ${NAME_AND_HEADLINE} AND NOT ${full} AND ${headline})
        OR (m.branch = ${NAME_ONLY} AND NOT ${full} AND NOT ${headline}))
      ${plan.from !== undefined ? sql`AND ${u.createdAt} >= ${plan.from}` : sql``}
      ${plan.to !== undefined ? sql`AND ${u.createdAt} < ${plan.to}` : sql``}
    LIMIT ${plan.limit + 1} OFFSET ${plan.offset}`);
  return rows.map((row) => ({ type: "people" as const, user: toCard(row) }));
}

async function posts(deps: Deps, viewerId: string, plan: Plan, candidates: SQL): Promise<SearchHit[]> {
  // The page is chosen first (ids only), then only its posts are rendered.
  const rows = await deps.db.all<{ json: string }>(sql`WITH m AS (${candidates}),
    page AS (SELECT ${p.id}, m.score
      FROM (SELECT id, score FROM m ORDER BY score, id DESC LIMIT ${MAX_CANDIDATES_RANKED}) m
        CROSS JOIN ${postsTable} ${p} ON ${p.id} = m.id
      WHERE ${postVisibleTo(viewerId, "p")} AND ${p.kind} <> 'REPOST'
        ${plan.from !== undefined ? sql`AND ${p.createdAt} >= ${plan.from}` : sql``}
        ${plan.to !== undefined ? sql`AND ${p.createdAt} < ${plan.to}` : sql``}
      LIMIT ${plan.limit + 1} OFFSET ${plan.offset})
    SELECT ${postJsonSql(viewerId, "p")} AS json FROM page JOIN ${postsTable} ${p} ON ${p.id} = page.id
    ORDER BY page.score, ${p.id} DESC`);
  const list = await toPosts(deps, rows, viewerId);
  return list.map((post) => ({ type: "posts" as const, post }));
}
