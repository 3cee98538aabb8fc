import { type SQL, sql } from "drizzle-orm";
import { alias, type SQLiteColumn } from "drizzle-orm/sqlite-core";
import { connectedSql } from "../../core/access/members";
import { authorVisibleTo, postRowVisibleTo, postVisibleTo, viewerRef } from "../../core/access/posts";
import type { Deps } from "../../core/deps";
import { comments, connections, follows, hotPosts, postHashtags, posts, reactions } from "../../db/schema";
import { DAY } from "../../platform/clock";
import { CompiledSql } from "../../platform/db/compiled";
import { keyset } from "../../platform/db/keyset";
import { name, statement } from "../../platform/db/statements";
import { AppError } from "../../platform/errors";
import { idFloorAt } from "../../platform/ids";
import { decodeCursor } from "../../platform/pagination";
import type { Post } from "../posts";
import { postJsonSql, toPosts } from "../posts";

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
    SELECT ${follows.targetId} AS id, 1.0 AS w, 0 AS conn FROM ${follows}
      WHERE ${follows.followerId} = ${v} AND ${follows.targetType} = 'USER'
    UNION ALL SELECT ${connections.otherId}, 2.0, 1 FROM ${connections} WHERE ${connections.userId} = ${v}
    UNION ALL SELECT ${v}, 0.5, 0) n
  WHERE ${authorVisibleTo(viewerId, sql`n.id`)}
  GROUP BY n.id`;

const followedTags = (viewerId: string) =>
  sql`SELECT ${follows.targetId} AS id FROM ${follows}
    WHERE ${follows.followerId} = ${viewerRef(viewerId)} AND ${follows.targetType} = 'HASHTAG'`;

/**
 * The rows the feed statements read, under the aliases the access rules name them by. Common table
 * expressions (src_authors, bound, cand...) and their columns have no schema and stay text.
 */
const p = alias(posts, "p");
const x = alias(posts, "x");
const o = alias(posts, "o");
const r2 = alias(posts, "r2");
const q = alias(posts, "q");
const hp = alias(posts, "hp");
const oh = alias(postHashtags, "oh");
const w = alias(postHashtags, "w");
const z = alias(postHashtags, "z");
const ph = alias(postHashtags, "ph");
const h = alias(hotPosts, "h");

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
/**
 * The following feed's order: post id, newest first. Each source's scan is bounded below the cursor
 * (`below`) and the page is cut by id, so the cursor is this key alone.
 */
const newestFirst = keyset("desc", {
  id: { column: sql`id`, type: "string", of: (r: { id: string }) => r.id },
});

const followingPage = new CompiledSql<{ after: string; k: number; kth: number }, "first" | "after">(
  (viewerId, values, variant) => {
    const v = viewerId!;
    const below = (column: SQLiteColumn) =>
      variant === "after" ? sql`AND ${column} < ${values.after}` : sql``;
    const notDuplicate = sql`(${x.kind} <> 'REPOST' OR (
      NOT EXISTS (SELECT 1 FROM ${posts} ${o} WHERE ${o.id} = ${x.repostOfId} AND ${o.authorId} IN (SELECT id FROM src_authors))
      AND NOT EXISTS (SELECT 1 FROM ${postHashtags} ${oh} WHERE ${oh.postId} = ${x.repostOfId}
        AND ${oh.hashtagId} IN (SELECT id FROM src_tags))
      AND NOT EXISTS (SELECT 1 FROM ${posts} ${r2} WHERE ${r2.repostOfId} = ${x.repostOfId} AND ${r2.kind} = 'REPOST'
        AND ${r2.id} > ${x.id} AND ${r2.authorId} IN (SELECT id FROM src_authors) AND ${postVisibleTo(v, "r2")})))`;
    const fromAuthor = sql`${x.authorId} = a.id ${below(x.id)} AND ${postRowVisibleTo(v, "x", sql`a.conn`)} AND ${notDuplicate}`;
    const fromTag = sql`${w.hashtagId} = t.id ${below(w.postId)} AND ${postVisibleTo(v, "x")}`;
    return sql`
    WITH src_authors(id, w, conn) AS (${networkAuthors(v)}),
    src_tags(id) AS (${followedTags(v)}),
    bound(l) AS (SELECT COALESCE(MAX(kth), '') FROM (
      SELECT (SELECT ${x.id} FROM ${posts} ${x} WHERE ${fromAuthor} ORDER BY ${x.id} DESC LIMIT 1 OFFSET ${values.kth}) AS kth
        FROM src_authors a
      UNION ALL
      SELECT (SELECT ${w.postId} FROM ${postHashtags} ${w} JOIN ${posts} ${x} ON ${x.id} = ${w.postId} WHERE ${fromTag}
        ORDER BY ${w.postId} DESC LIMIT 1 OFFSET ${values.kth}) FROM src_tags t)),
    cand(id) AS (
      SELECT ${x.id} FROM src_authors a CROSS JOIN ${posts} ${x} ON ${x.authorId} = a.id AND ${x.id} >= (SELECT l FROM bound)
        WHERE ${fromAuthor}
      UNION
      SELECT ${w.postId} FROM src_tags t CROSS JOIN ${postHashtags} ${w} ON ${w.hashtagId} = t.id
        AND ${w.postId} >= (SELECT l FROM bound)
        JOIN ${posts} ${x} ON ${x.id} = ${w.postId} WHERE ${fromTag})
    SELECT ${p.id}, ${postJsonSql(v)} AS json FROM ${posts} ${p}
    WHERE ${p.id} IN (SELECT id FROM cand ORDER BY id DESC LIMIT ${values.k})
    ORDER BY ${p.id} DESC`;
  },
);

export async function followingFeed(
  deps: Deps,
  viewerId: string,
  page: { cursor?: string | undefined; limit: number },
) {
  const after = newestFirst.decode(page.cursor);
  const k = page.limit + 1;
  const rows = await followingPage.all<{ id: string; json: string }>(
    deps.env.DB,
    viewerId,
    { after: after ? String(after.id) : "", k, kth: k - 1 },
    after ? "after" : "first",
  );
  const { data, nextCursor } = newestFirst.page(rows, page.limit);
  return { data: await toPosts(deps, data, viewerId), nextCursor };
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

/** The engagement factor of the ranking for E (1 to 4, roughly logarithmic). */
const engagementFactor = (e: SQL | SQLiteColumn) =>
  sql`(1.0 + ${e} / (${e} + 5.0) + ${e} / (${e} + 50.0) + ${e} / (${e} + 500.0))`;

/** 1 / recency of a post created at `createdAt` at `asOf`: 1 + age / 12 h. */
const recencyDivisor = (asOf: SQL, createdAt: SQLiteColumn) =>
  sql`(1.0 + MAX(0, ${asOf} - ${createdAt}) * 1.0 / ${RECENCY_HALF_MS})`;

/** E = reactions + 2 × comments + 3 × reposts of the posts row `t`. */
export function engagementExpr(
  t: Record<
    "rLike" | "rCelebrate" | "rSupport" | "rLove" | "rInsightful" | "rFunny" | "commentCount" | "repostCount",
    SQLiteColumn
  >,
): SQL {
  return sql`(${t.rLike} + ${t.rCelebrate} + ${t.rSupport} + ${t.rLove} + ${t.rInsightful} + ${t.rFunny}
    + 2 * ${t.commentCount} + 3 * ${t.repostCount})`;
}

/** The for-you order: score, then id, both descending (`score` and `id` are columns of `ranked`). */
const byScore = keyset("desc", {
  s: { column: sql`score`, type: "number", of: (r: { score: number; id: string }) => r.score },
  id: { column: sql`id`, type: "string", of: (r: { score: number; id: string }) => r.id },
});

const forYouPage = new CompiledSql<
  { floor: string; asOf: number; affinitySince: number; score: number; afterId: string; k: number },
  "first" | "after"
>((viewerId, values, variant) => {
  const v = viewerId!;
  const rowOk = postRowVisibleTo(v, "q", sql`a.conn`);
  const vr = viewerRef(v);
  // Per member of the network or of the members the viewer interacts with: the lower id bound that
  // keeps their newest PER_SOURCE visible posts of the window (one index-only seek, computed once).
  const boundOf = (source: SQL) => sql`
    SELECT a.id, a.conn, COALESCE((SELECT ${q.id} FROM ${posts} ${q} WHERE ${q.authorId} = a.id AND ${q.id} > ${values.floor}
      AND ${q.kind} <> 'REPOST' AND ${rowOk} ORDER BY ${q.id} DESC LIMIT 1 OFFSET ${PER_SOURCE - 1}), ${values.floor}) AS b
    FROM ${source} a`;
  return sql`
    WITH authors(id, w, conn) AS (${networkAuthors(v)}),
    src_tags(id) AS (${followedTags(v)}),
    -- The viewer's latest interactions only, so a very active member costs no more than an ordinary one.
    inter(id, n) AS (
      SELECT ${name(reactions.ownerId)}, COUNT(*) FROM (SELECT ${reactions.ownerId} FROM ${reactions}
        WHERE ${reactions.userId} = ${vr} AND ${reactions.createdAt} > ${values.affinitySince}
        ORDER BY ${reactions.createdAt} DESC LIMIT ${RECENT_REACTIONS}) GROUP BY ${name(reactions.ownerId)}
      UNION ALL SELECT ${name(comments.postAuthorId)}, COUNT(*) FROM (SELECT ${comments.postAuthorId} FROM ${comments}
        WHERE ${comments.authorId} = ${vr} AND ${comments.createdAt} > ${values.affinitySince} AND ${comments.deletedAt} IS NULL
        ORDER BY ${comments.createdAt} DESC LIMIT ${RECENT_COMMENTS}) GROUP BY ${name(comments.postAuthorId)}),
    -- The members interacted with most, ranked before the per-member checks (an active member interacts
    -- with hundreds of authors a month); twice as many as needed, so blocked or gone ones can drop out.
    top_inter(id, n) AS (
      SELECT id, SUM(n) FROM inter WHERE id <> ${vr} GROUP BY id ORDER BY 2 DESC, 1 LIMIT ${AFFINITY_AUTHORS * 2}),
    affinity(id, n, conn) AS (
      SELECT i.id, MIN(i.n, 10), ${connectedSql(vr, sql`i.id`)} FROM top_inter i
      WHERE ${authorVisibleTo(v, sql`i.id`)} ORDER BY i.n DESC, i.id LIMIT ${AFFINITY_AUTHORS}),
    bounds(id, conn, b) AS MATERIALIZED (${boundOf(sql`authors`)} UNION ${boundOf(sql`affinity`)}),
    -- CROSS JOIN keeps each member as the outer loop (SQLite would otherwise scan the whole window by id).
    -- checked: the row already passed the visibility rule; lifted: reposted by the network (not the viewer).
    cand(id, checked, lifted) AS (
      SELECT ${q.id}, 1, 0 FROM bounds a CROSS JOIN ${posts} ${q} ON ${q.authorId} = a.id AND ${q.id} >= a.b
        WHERE ${q.kind} <> 'REPOST' AND ${rowOk}
      UNION SELECT ${q.repostOfId}, 0, a.id <> ${vr} FROM authors a CROSS JOIN ${posts} ${q}
        ON ${q.authorId} = a.id AND ${q.id} > ${values.floor}
        WHERE ${q.kind} = 'REPOST' AND ${rowOk}
      UNION SELECT ${z.postId}, 0, 0 FROM src_tags t JOIN ${postHashtags} ${z} ON ${z.hashtagId} = t.id
        AND ${z.postId} >= COALESCE((SELECT ${w.postId} FROM ${postHashtags} ${w} WHERE ${w.hashtagId} = t.id
          AND ${w.postId} > ${values.floor} ORDER BY ${w.postId} DESC LIMIT 1 OFFSET ${PER_SOURCE - 1}), ${values.floor})
      UNION SELECT * FROM (SELECT ${h.postId}, 0, 0 FROM ${hotPosts} ${h} JOIN ${posts} ${hp} ON ${hp.id} = ${h.postId}
        ORDER BY ${engagementFactor(h.engagement)} / ${recencyDivisor(values.asOf, hp.createdAt)} DESC
        LIMIT ${HOT_CANDIDATES})),
    scored(id, score) AS (
      SELECT ${p.id},
        (1.0 + COALESCE(a.w, 0) + 0.2 * COALESCE(f.n, 0)
          + (CASE WHEN EXISTS (SELECT 1 FROM ${postHashtags} ${ph} WHERE ${ph.postId} = ${p.id}
              AND ${ph.hashtagId} IN (SELECT id FROM src_tags)) THEN 0.5 ELSE 0 END)
          + 0.5 * c.lifted)
        * ${engagementFactor(sql`${p}.e`)}
        / ${recencyDivisor(values.asOf, p.createdAt)}
      FROM (SELECT id, MAX(checked) AS checked, MAX(lifted) AS lifted FROM cand GROUP BY id) c
        -- p: the posts row with its engagement E as column e.
        JOIN (SELECT ${p}.*, ${engagementExpr(p)} AS e FROM ${posts} ${p}) ${p} ON ${p.id} = c.id
        LEFT JOIN authors a ON a.id = ${p.authorId}
        LEFT JOIN affinity f ON f.id = ${p.authorId}
      WHERE ${p.id} > ${values.floor} AND ${p.kind} <> 'REPOST'
        AND (c.checked = 1 OR ${postVisibleTo(v, "p")})),
    ranked(id, score) AS (
      SELECT id, score FROM scored
      ${variant === "after" ? sql`WHERE ${byScore.afterKey({ s: values.score, id: values.afterId })}` : sql``}
      ORDER BY ${byScore.orderBy} LIMIT ${values.k})
    SELECT s.id, s.score, ${postJsonSql(v)} AS json
    FROM ranked s JOIN ${posts} ${p} ON ${p.id} = s.id
    ORDER BY s.score DESC, s.id DESC`;
});

export async function forYouFeed(
  deps: Deps,
  viewerId: string,
  page: { cursor?: string | undefined; limit: number },
) {
  const key = byScore.decode(page.cursor);
  // The cursor also carries the time the ranking was computed at, so later pages rank the same window.
  const t = key ? decodeCursor(page.cursor, ["t"] as const)?.t : undefined;
  if (key && typeof t !== "number") throw new AppError("INVALID_CURSOR");
  const asOf = typeof t === "number" ? t : deps.now;
  const rows = await forYouPage.all<{ id: string; score: number; json: string }>(
    deps.env.DB,
    viewerId,
    {
      // Ids are time-sortable: the window is an id range, so every scan stays on an index.
      floor: idFloorAt(asOf - FOR_YOU_WINDOW_MS),
      asOf,
      affinitySince: asOf - AFFINITY_WINDOW_MS,
      score: key ? (key.s as number) : 0,
      afterId: key ? String(key.id) : "",
      k: page.limit + 1,
    },
    key ? "after" : "first",
  );
  const { data, nextCursor } = byScore.page(rows, page.limit, { t: asOf });
  return { data: (await toPosts(deps, data, viewerId)) as Post[], nextCursor };
}

/** Hot pool for for-you discovery, refreshed by the cron: public posts of the last 3 days with most engagement. */
export const HOT_POOL_SIZE = 200;
export const HOT_WINDOW_MS = 3 * DAY;

export const refreshHotPostsTask = {
  name: "refresh-hot-posts",
  statements: (db: D1Database, now: number) => [
    statement(db, sql`DELETE FROM ${hotPosts}`),
    statement(
      db,
      sql`INSERT INTO ${hotPosts} (${name(hotPosts.postId)}, ${name(hotPosts.engagement)}, ${name(hotPosts.computedAt)})
        SELECT id, e, ${now} FROM (SELECT ${p.id}, ${engagementExpr(p)} AS e
          FROM ${posts} ${p} WHERE ${p.id} > ${idFloorAt(now - HOT_WINDOW_MS)} AND ${p.kind} <> 'REPOST'
            AND ${p.visibility} = 'PUBLIC' AND ${p.deletedAt} IS NULL)
        WHERE e > 0 ORDER BY e DESC, id DESC LIMIT ${HOT_POOL_SIZE}`,
    ),
  ],
};
