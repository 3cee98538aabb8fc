import { type SQL, sql } from "drizzle-orm";
import { connectedSql } from "../../core/access/members";
import { authorVisibleTo, postRowVisibleTo, postVisibleTo, viewerRef } from "../../core/access/posts";
import type { Deps } from "../../core/deps";
import { DAY } from "../../platform/clock";
import { CompiledSql } from "../../platform/db/compiled";
import { AppError } from "../../platform/errors";
import { idFloorAt } from "../../platform/ids";
import { decodeCursor, encodeCursor } from "../../platform/pagination";
import type { Post } from "../posts";
import { postJsonSql, REACTION_COLUMNS, toPosts } from "../posts";

/**
 * The two home feeds. Each page is ONE SQL statement (one D1 round trip) that gathers candidates per
 * source with an index range scan limited to what one page can use, applies postVisibleTo, and builds the
 * post JSON. Nothing is precomputed per member (no fan-out on write), so a new follow, block or deleted
 * post shows on the next page load.
 */

/**
 * The members whose posts come to `viewerId` (followed members, connections, the member), each with
 * `w` (affinity weight: connection 2, followed 1, self 0.5, summed) and `conn` (connected), keeping only
 * authors the viewer may see (authorVisibleTo), so per-post checks need only the row part.
 */
const networkAuthors = (viewerId: string, v = viewerRef(viewerId)) => sql`
  SELECT n.id, SUM(n.w) AS w, MAX(n.conn) AS conn FROM (
    SELECT target_id AS id, 1.0 AS w, 0 AS conn FROM follows WHERE follower_id = ${v} AND target_type = 'USER'
    UNION ALL SELECT other_id, 2.0, 1 FROM connections WHERE user_id = ${v}
    UNION ALL SELECT ${v}, 0.5, 0) n
  WHERE ${authorVisibleTo(viewerId, sql`n.id`)}
  GROUP BY n.id`;

const followedTags = (viewerId: string) =>
  sql`SELECT target_id AS id FROM follows WHERE follower_id = ${viewerRef(viewerId)} AND target_type = 'HASHTAG'`;

/**
 * Following feed: posts and reposts by the network and posts with followed hashtags, newest first.
 * A post that arrives by two routes appears once: ids are united, and a plain repost is left out when its
 * original is in the feed anyway (its author is in the network, or it carries a followed hashtag) or when
 * a newer plain repost of the same original by the network is shown.
 *
 * Merging many sources without reading them all: each source's k-th newest visible post below the cursor
 * (k = limit + 1) is one index-only seek; the page's k posts are all at least as new as the newest of
 * those k-th posts (that source alone has k posts from there on), so only posts from that bound on are
 * read. The post JSON is built for the page's rows only. One statement, one round trip.
 */
const followingPage = new CompiledSql<{ after: string; k: number; kth: number }, "first" | "after">(
  (viewerId, p, variant) => {
    const v = viewerId!;
    const below = (column: string) =>
      variant === "after" ? sql`AND ${sql.raw(column)} < ${p.after}` : sql``;
    const notDuplicate = sql`(x.kind <> 'REPOST' OR (
      NOT EXISTS (SELECT 1 FROM posts o WHERE o.id = x.repost_of_id AND o.author_id IN (SELECT id FROM src_authors))
      AND NOT EXISTS (SELECT 1 FROM post_hashtags oh WHERE oh.post_id = x.repost_of_id AND oh.hashtag_id IN (SELECT id FROM src_tags))
      AND NOT EXISTS (SELECT 1 FROM posts r2 WHERE r2.repost_of_id = x.repost_of_id AND r2.kind = 'REPOST' AND r2.id > x.id
        AND r2.author_id IN (SELECT id FROM src_authors) AND ${postVisibleTo(v, "r2")})))`;
    const fromAuthor = sql`x.author_id = a.id ${below("x.id")} AND ${postRowVisibleTo(v, "x", sql`a.conn`)} AND ${notDuplicate}`;
    const fromTag = sql`w.hashtag_id = t.id ${below("w.post_id")} AND ${postVisibleTo(v, "x")}`;
    return sql`
    WITH src_authors(id, w, conn) AS (${networkAuthors(v)}),
    src_tags(id) AS (${followedTags(v)}),
    bound(l) AS (SELECT COALESCE(MAX(kth), '') FROM (
      SELECT (SELECT x.id FROM posts x WHERE ${fromAuthor} ORDER BY x.id DESC LIMIT 1 OFFSET ${p.kth}) AS kth FROM src_authors a
      UNION ALL
      SELECT (SELECT w.post_id FROM post_hashtags w JOIN posts x ON x.id = w.post_id WHERE ${fromTag}
        ORDER BY w.post_id DESC LIMIT 1 OFFSET ${p.kth}) FROM src_tags t)),
    cand(id) AS (
      SELECT x.id FROM src_authors a CROSS JOIN posts x ON x.author_id = a.id AND x.id >= (SELECT l FROM bound) WHERE ${fromAuthor}
      UNION
      SELECT w.post_id FROM src_tags t CROSS JOIN post_hashtags w ON w.hashtag_id = t.id AND w.post_id >= (SELECT l FROM bound)
        JOIN posts x ON x.id = w.post_id WHERE ${fromTag})
    SELECT p.id, ${postJsonSql(v)} AS json FROM posts p
    WHERE p.id IN (SELECT id FROM cand ORDER BY id DESC LIMIT ${p.k})
    ORDER BY p.id DESC`;
  },
);

export async function followingFeed(
  deps: Deps,
  viewerId: string,
  page: { cursor?: string | undefined; limit: number },
) {
  const after = decodeCursor(page.cursor, ["id"] as const);
  const k = page.limit + 1;
  const rows = await followingPage.all<{ id: string; json: string }>(
    deps.env.DB,
    viewerId,
    { after: after ? String(after.id) : "", k, kth: k - 1 },
    after ? "after" : "first",
  );
  const data = rows.slice(0, page.limit);
  return {
    data: await toPosts(deps, data, viewerId),
    nextCursor: rows.length > page.limit ? encodeCursor({ id: data[data.length - 1]!.id }) : null,
  };
}

/**
 * For-you ranking (documented in docs/DESIGN.md):
 *   score = affinity × engagement × recency
 *   affinity   = 1 + 2 (connection) + 1 (followed) + 0.5 (own post) + 0.2 × min(past interactions, 10)
 *                + 0.5 (carries a followed hashtag) + 0.5 (reposted by the network)
 *                where past interactions = the viewer's reactions and comments on the author's content
 *                among their latest RECENT_REACTIONS reactions and RECENT_COMMENTS comments of the last
 *                30 days (counted for the AFFINITY_AUTHORS members with the most)
 *   engagement = 1 + E/(E+5) + E/(E+50) + E/(E+500), E = reactions + 2 × comments + 3 × reposts
 *                (grows roughly like a logarithm: each tenfold more engagement adds about one; capped at 4)
 *   recency    = 1 / (1 + age / 12 h)
 * Candidates: the last 7 days of posts by the network and by the AFFINITY_AUTHORS members the viewer
 * interacts with most (at most PER_SOURCE per member), with followed hashtags, originals reposted by the
 * network, and the HOT_CANDIDATES best of the hot pool by engagement × recency (the pool: public posts
 * with the most engagement in the last 3 days, refreshed hourly). Plain reposts are not items: they lift
 * their original. Pages share the ranking moment `asOf` (in the cursor) and continue
 * after the last (score, id), so a page never repeats an earlier one's posts unless their engagement
 * changed in between; posts published after `asOf` can still show up on later pages.
 */
export const FOR_YOU_WINDOW_MS = 7 * DAY;
export const AFFINITY_WINDOW_MS = 30 * DAY;
export const RECENCY_HALF_MS = 12 * 60 * 60 * 1000;
const PER_SOURCE = 5;
/** Members the viewer interacts with most whose posts become candidates (and get the interaction lift). */
const AFFINITY_AUTHORS = 20;
/** The viewer's latest reactions and comments (of the last 30 days) that count as past interactions. */
const RECENT_REACTIONS = 100;
const RECENT_COMMENTS = 50;
/** The hot pool's best posts by engagement × recency that compete for a page (of HOT_POOL_SIZE). */
const HOT_CANDIDATES = 60;

/** The engagement factor of the ranking for E given as SQL text (1 to 4, roughly logarithmic). */
const engagementFactor = (e: string) =>
  `(1.0 + ${e} / (${e} + 5.0) + ${e} / (${e} + 50.0) + ${e} / (${e} + 500.0))`;

/** 1 / recency of the posts row `alias` at `asOf`: 1 + age / 12 h. */
const recencyDivisor = (asOf: SQL, alias: string) =>
  sql`(1.0 + MAX(0, ${asOf} - ${sql.raw(alias)}.created_at) * 1.0 / ${RECENCY_HALF_MS})`;

/** E = reactions + 2 × comments + 3 × reposts of the posts row `alias`, as SQL text. */
export function engagementExpr(alias: string): string {
  const reactions = REACTION_COLUMNS.map((c) => `${alias}.${c}`).join(" + ");
  return `(${reactions} + 2 * ${alias}.comment_count + 3 * ${alias}.repost_count)`;
}

const forYouPage = new CompiledSql<
  { floor: string; asOf: number; affinitySince: number; score: number; afterId: string; k: number },
  "first" | "after"
>((viewerId, p, variant) => {
  const v = viewerId!;
  const rowOk = postRowVisibleTo(v, "q", sql`a.conn`);
  const vr = viewerRef(v);
  // Per member of the network or of the members the viewer interacts with: the lower id bound that
  // keeps their newest PER_SOURCE visible posts of the window (one index-only seek, computed once).
  const boundOf = (source: string) => sql`
    SELECT a.id, a.conn, COALESCE((SELECT q.id FROM posts q WHERE q.author_id = a.id AND q.id > ${p.floor}
      AND q.kind <> 'REPOST' AND ${rowOk} ORDER BY q.id DESC LIMIT 1 OFFSET ${PER_SOURCE - 1}), ${p.floor}) AS b
    FROM ${sql.raw(source)} a`;
  return sql`
    WITH authors(id, w, conn) AS (${networkAuthors(v)}),
    src_tags(id) AS (${followedTags(v)}),
    -- The viewer's latest interactions only, so a very active member costs no more than an ordinary one.
    inter(id, n) AS (
      SELECT owner_id, COUNT(*) FROM (SELECT owner_id FROM reactions WHERE user_id = ${vr} AND created_at > ${p.affinitySince}
        ORDER BY created_at DESC LIMIT ${RECENT_REACTIONS}) GROUP BY owner_id
      UNION ALL SELECT post_author_id, COUNT(*) FROM (SELECT post_author_id FROM comments
        WHERE author_id = ${vr} AND created_at > ${p.affinitySince} AND deleted_at IS NULL
        ORDER BY created_at DESC LIMIT ${RECENT_COMMENTS}) GROUP BY post_author_id),
    -- The members interacted with most, ranked before the per-member checks (an active member interacts
    -- with hundreds of authors a month); twice as many as needed, so blocked or gone ones can drop out.
    top_inter(id, n) AS (
      SELECT id, SUM(n) FROM inter WHERE id <> ${vr} GROUP BY id ORDER BY 2 DESC, 1 LIMIT ${AFFINITY_AUTHORS * 2}),
    affinity(id, n, conn) AS (
      SELECT i.id, MIN(i.n, 10), ${connectedSql(vr, sql`i.id`)} FROM top_inter i
      WHERE ${authorVisibleTo(v, sql`i.id`)} ORDER BY i.n DESC, i.id LIMIT ${AFFINITY_AUTHORS}),
    bounds(id, conn, b) AS MATERIALIZED (${boundOf("authors")} UNION ${boundOf("affinity")}),
    -- CROSS JOIN keeps each member as the outer loop (SQLite would otherwise scan the whole window by id).
    -- checked: the row already passed the visibility rule; lifted: reposted by the network (not the viewer).
    cand(id, checked, lifted) AS (
      SELECT q.id, 1, 0 FROM bounds a CROSS JOIN posts q ON q.author_id = a.id AND q.id >= a.b
        WHERE q.kind <> 'REPOST' AND ${rowOk}
      UNION SELECT q.repost_of_id, 0, a.id <> ${vr} FROM authors a CROSS JOIN posts q ON q.author_id = a.id AND q.id > ${p.floor}
        WHERE q.kind = 'REPOST' AND ${rowOk}
      UNION SELECT z.post_id, 0, 0 FROM src_tags t JOIN post_hashtags z ON z.hashtag_id = t.id
        AND z.post_id >= COALESCE((SELECT w.post_id FROM post_hashtags w WHERE w.hashtag_id = t.id AND w.post_id > ${p.floor} ORDER BY w.post_id DESC LIMIT 1 OFFSET ${PER_SOURCE - 1}), ${p.floor})
      UNION SELECT * FROM (SELECT h.post_id, 0, 0 FROM hot_posts h JOIN posts hp ON hp.id = h.post_id
        ORDER BY ${sql.raw(engagementFactor("h.engagement"))} / ${recencyDivisor(p.asOf, "hp")} DESC
        LIMIT ${HOT_CANDIDATES})),
    scored(id, score) AS (
      SELECT p.id,
        (1.0 + COALESCE(a.w, 0) + 0.2 * COALESCE(f.n, 0)
          + (CASE WHEN EXISTS (SELECT 1 FROM post_hashtags ph WHERE ph.post_id = p.id AND ph.hashtag_id IN (SELECT id FROM src_tags)) THEN 0.5 ELSE 0 END)
          + 0.5 * c.lifted)
        * ${sql.raw(engagementFactor("p.e"))}
        / ${recencyDivisor(p.asOf, "p")}
      FROM (SELECT id, MAX(checked) AS checked, MAX(lifted) AS lifted FROM cand GROUP BY id) c
        JOIN (SELECT p.*, ${sql.raw(engagementExpr("p"))} AS e FROM posts p) p ON p.id = c.id
        LEFT JOIN authors a ON a.id = p.author_id
        LEFT JOIN affinity f ON f.id = p.author_id
      WHERE p.id > ${p.floor} AND p.kind <> 'REPOST'
        AND (c.checked = 1 OR ${postVisibleTo(v, "p")})),
    ranked(id, score) AS (
      SELECT id, score FROM scored
      ${variant === "after" ? sql`WHERE score < ${p.score} OR (score = ${p.score} AND id < ${p.afterId})` : sql``}
      ORDER BY score DESC, id DESC LIMIT ${p.k})
    SELECT s.id, s.score, ${postJsonSql(v)} AS json
    FROM ranked s JOIN posts p ON p.id = s.id
    ORDER BY s.score DESC, s.id DESC`;
});

export async function forYouFeed(
  deps: Deps,
  viewerId: string,
  page: { cursor?: string | undefined; limit: number },
) {
  const cursor = decodeCursor(page.cursor, ["t", "s", "id"] as const);
  if (cursor && (typeof cursor.t !== "number" || typeof cursor.s !== "number"))
    throw new AppError("INVALID_CURSOR");
  const asOf = cursor ? (cursor.t as number) : deps.now;
  const rows = await forYouPage.all<{ id: string; score: number; json: string }>(
    deps.env.DB,
    viewerId,
    {
      // Ids are time-sortable: the window is an id range, so every scan stays on an index.
      floor: idFloorAt(asOf - FOR_YOU_WINDOW_MS),
      asOf,
      affinitySince: asOf - AFFINITY_WINDOW_MS,
      score: cursor ? (cursor.s as number) : 0,
      afterId: cursor ? String(cursor.id) : "",
      k: page.limit + 1,
    },
    cursor ? "after" : "first",
  );
  const data = rows.slice(0, page.limit);
  const last = data[data.length - 1];
  return {
    data: (await toPosts(deps, data, viewerId)) as Post[],
    nextCursor:
      rows.length > page.limit && last ? encodeCursor({ t: asOf, s: last.score, id: last.id }) : null,
  };
}

/** Hot pool for for-you discovery, refreshed by the cron: public posts of the last 3 days with most engagement. */
export const HOT_POOL_SIZE = 200;
export const HOT_WINDOW_MS = 3 * DAY;

export const refreshHotPostsTask = {
  name: "refresh-hot-posts",
  statements: (db: D1Database, now: number) => [
    db.prepare("DELETE FROM hot_posts"),
    db
      .prepare(
        `INSERT INTO hot_posts (post_id, engagement, computed_at)
         SELECT id, e, ?1 FROM (SELECT p.id, ${engagementExpr("p")} AS e
           FROM posts p WHERE p.id > ?2 AND p.kind <> 'REPOST' AND p.visibility = 'PUBLIC' AND p.deleted_at IS NULL)
         WHERE e > 0 ORDER BY e DESC, id DESC LIMIT ?3`,
      )
      .bind(now, idFloorAt(now - HOT_WINDOW_MS), HOT_POOL_SIZE),
  ],
};
