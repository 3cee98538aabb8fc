import { z } from "@hono/zod-openapi";
import { sql } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import { postVisibleTo } from "../../core/access/posts";
import { defineSearchable, MAX_CANDIDATES_RANKED, type SearchSource } from "../../core/searchables";
import { pollOptions, polls, posts } from "../../db/schema";
import { parseJsonColumn } from "../../platform/encoding";
import { postJsonSql, toPosts } from "./read";
import { type Post, PostSchema } from "./schemas";

/**
 * Posts in search: `tags` (hashtags) and `body` (content, poll options). Plain reposts have no text of
 * their own and are never indexed nor hits; deleted posts leave the index. The page applies the post
 * visibility rule (postVisibleTo), so a search never returns a CONNECTIONS post to a stranger, a PRIVATE
 * or deleted post, or a post of a blocked member.
 */
export interface PostHit {
  type: "posts";
  post: Post;
}

declare module "../../core/searchables" {
  interface SearchHits {
    posts: PostHit;
  }
}

export const PostHitSchema = z.object({ type: z.literal("posts"), post: PostSchema }).openapi("PostHit");

interface PostRow {
  id: string;
  authorId: string;
  kind: string;
  content: string;
  visibility: string;
  hashtags: string | null;
  rev: string;
  createdAt: number;
  deletedAt: number | null;
  pollOptions: string | null;
}

const p = alias(posts, "p");
const pl = alias(polls, "pl");
const o = alias(pollOptions, "o");

// Raw D1 statements (no drizzle client), so the rebuild script can run the loader in Node.
const POSTS_SQL = sql`SELECT ${p.id}, ${p.authorId} AS authorId, ${p.kind}, ${p.content}, ${p.visibility}, ${p.hashtags},
    ${p.rev}, ${p.createdAt} AS createdAt, ${p.deletedAt} AS deletedAt,
    CASE WHEN ${p.hasPoll} THEN (SELECT group_concat(${o.text}, ' , ') FROM ${polls} ${pl}
      JOIN ${pollOptions} ${o} ON ${o.pollId} = ${pl.id} WHERE ${pl.postId} = ${p.id}) END AS pollOptions
  FROM ${posts} ${p}`;

function postOf(row: PostRow): SearchSource {
  // posts.rev orders versions of one post (every edit, visibility change and deletion moves it).
  if (row.deletedAt !== null || row.kind === "REPOST") return { id: row.id, version: row.rev, removed: true };
  return {
    id: row.id,
    version: row.rev,
    createdAt: row.createdAt,
    text: { tags: parseJsonColumn<string[]>(row.hashtags, []), body: [row.content, row.pollOptions] },
    attributes: { visibility: row.visibility, authorId: row.authorId },
  };
}

export const postsSearch = defineSearchable({
  type: "posts",
  table: "search_posts",
  columns: [
    { name: "tags", weight: 3 },
    { name: "body", weight: 1 },
  ],
  filterable: ["visibility", "authorId", "createdAt"],
  dates: true,
  load: { select: POSTS_SQL, id: p.id, row: postOf as (row: never) => SearchSource },
  exists: (id) => sql`SELECT 1 FROM ${posts} WHERE ${posts.id} = ${id} AND ${posts.deletedAt} IS NULL`,
  branches: [
    {
      engineFilter: (viewer) => `visibility = "PUBLIC" OR visibility = "CONNECTIONS" OR authorId = ${viewer}`,
    },
  ],
  page: async ({ deps, viewerId, candidates, branchRule, from, to, offset, limit }) => {
    // The page is chosen first (ids only, walking the candidates best first until it is full), then only
    // its posts are rendered.
    const rows = await deps.db.all<{ json: string }>(sql`WITH m AS (${candidates}),
      page AS (SELECT ${p.id}, m.score
        FROM (SELECT id, branch, score FROM m ORDER BY score, id DESC LIMIT ${MAX_CANDIDATES_RANKED}) m
          CROSS JOIN ${posts} ${p} ON ${p.id} = m.id
        WHERE ${postVisibleTo(viewerId, "p")} AND ${p.kind} <> 'REPOST' AND ${branchRule}
          ${from !== undefined ? sql`AND ${p.createdAt} >= ${from}` : sql``}
          ${to !== undefined ? sql`AND ${p.createdAt} < ${to}` : sql``}
        LIMIT ${limit + 1} OFFSET ${offset})
      SELECT ${postJsonSql(viewerId, "p")} AS json FROM page JOIN ${posts} ${p} ON ${p.id} = page.id
      ORDER BY page.score, ${p.id} DESC`);
    const list = await toPosts(deps, rows, viewerId);
    return list.map((post) => ({ type: "posts" as const, post }));
  },
  hit: PostHitSchema,
});
