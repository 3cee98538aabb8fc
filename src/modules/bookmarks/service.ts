import { sql } from "drizzle-orm";
import { postVisibleTo } from "../../core/access/posts";
import type { Deps } from "../../core/deps";
import { isoAt } from "../../platform/clock";
import { changed, runAll } from "../../platform/db/batch";
import { AppError } from "../../platform/errors";
import { newId } from "../../platform/ids";
import { decodeCursor, toPage } from "../../platform/pagination";
import type { Post } from "../posts";
import { actionTargetSql, postJsonSql, toPost } from "../posts";

/**
 * Bookmarks: private saves of a post (jobs and articles join when their modules exist; the table already
 * has their columns and a CHECK that exactly one target is set). posts.bookmark_count moves in the same
 * batch as the row.
 */
export type BookmarkTarget = { postId: string } | { jobId: string } | { articleId: string };

export async function addBookmark(deps: Deps, userId: string, target: BookmarkTarget) {
  if (!("postId" in target)) {
    // No jobs or articles exist yet, so no such id can name one.
    throw new AppError("NOT_FOUND");
  }
  const { db, now } = deps;
  const id = newId(now);
  const postId = actionTargetSql(target.postId);
  const results = await runAll(db, [
    db.run(sql`INSERT INTO bookmarks (id, user_id, post_id, created_at)
      SELECT ${id}, ${userId}, ${postId}, ${now}
      WHERE EXISTS (SELECT 1 FROM posts g WHERE g.id = ${target.postId} AND ${postVisibleTo(userId, "g")})
      ON CONFLICT DO NOTHING`),
    db.run(sql`UPDATE posts SET bookmark_count = bookmark_count + 1 WHERE id = ${postId}
      AND EXISTS (SELECT 1 FROM bookmarks WHERE id = ${id})`),
    db.get<{ visible: number; postId: string | null }>(sql`
      SELECT EXISTS (SELECT 1 FROM posts g WHERE g.id = ${target.postId} AND ${postVisibleTo(userId, "g")}) AS visible,
        ${postId} AS postId`),
  ]);
  const state = results[2] as { visible: number; postId: string };
  if (changed(results[0]) === 0) throw new AppError(state.visible === 1 ? "ALREADY_BOOKMARKED" : "NOT_FOUND");
  return { bookmarkId: id, type: "POST" as const, postId: state.postId, createdAt: isoAt(now) };
}

/** Removes one of your bookmarks (someone else's or unknown: 404). */
export async function removeBookmark(deps: Deps, userId: string, id: string): Promise<void> {
  const { db } = deps;
  // By the bookmark's id or by the saved item's id: a client showing a post knows only the post.
  const mine = sql`user_id = ${userId} AND ${id} IN (id, post_id, job_id, article_id)`;
  const results = await runAll(db, [
    db.run(sql`UPDATE posts SET bookmark_count = bookmark_count - 1
      WHERE id = (SELECT post_id FROM bookmarks WHERE ${mine})`),
    db.run(sql`DELETE FROM bookmarks WHERE ${mine}`),
  ]);
  if (changed(results[1]) === 0) throw new AppError("NOT_FOUND");
}

/** Your bookmarks, newest first. A saved post that is now deleted or hidden from you shows as post: null. */
export async function listBookmarks(
  deps: Deps,
  userId: string,
  page: { cursor?: string | undefined; limit: number },
) {
  const after = decodeCursor(page.cursor, ["id"] as const);
  const rows = await deps.db.all<{
    id: string;
    postId: string | null;
    createdAt: number;
    json: string | null;
  }>(sql`
    SELECT b.id, b.post_id AS postId, b.created_at AS createdAt,
      CASE WHEN ${postVisibleTo(userId, "p")} THEN ${postJsonSql(userId, "p")} END AS json
    FROM bookmarks b LEFT JOIN posts p ON p.id = b.post_id
    WHERE b.user_id = ${userId} ${after ? sql`AND b.id < ${after.id}` : sql``}
    ORDER BY b.id DESC LIMIT ${page.limit + 1}`);
  const { data, nextCursor } = toPage(rows, page.limit, (last) => ({ id: last.id }));
  return {
    data: await Promise.all(
      data.map(async (r) => ({
        bookmarkId: r.id,
        type: "POST" as const,
        postId: r.postId,
        createdAt: isoAt(r.createdAt),
        post: (r.json ? await toPost(deps, r.json, userId) : null) as Post | null,
      })),
    ),
    nextCursor,
  };
}
