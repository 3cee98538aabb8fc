import { type SQL, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import { postVisibleTo } from "../../core/access/posts";
import type { Deps } from "../../core/deps";
import {
  findTarget,
  moveCounterSql,
  registeredTargets,
  resolvedId,
  type Target,
  targetVisibleSql,
} from "../../core/targets";
import { bookmarks, posts } from "../../db/schema";
import { isoAt } from "../../platform/clock";
import { changed, runBatch } from "../../platform/db/batch";
import { keyset } from "../../platform/db/keyset";
import { name } from "../../platform/db/statements";
import { AppError } from "../../platform/errors";
import { newId } from "../../platform/ids";
import type { Post } from "../posts";
import { postJsonSql, toPost } from "../posts";

/**
 * Bookmarks: private saves of any target that declares a bookmarks counter in the target registry
 * (core/targets.ts; today posts, jobs and articles join when their modules register them). A row is
 * (target_type, target_id); the target's visibility rule decides whether it may be saved, the id saved is
 * the one the target resolves to (a plain repost saves its original), and the counter moves in the same
 * batch as the row.
 */
export interface BookmarkTarget {
  /** A target type of the registry ("post", "job", "article"). */
  type: string;
  id: string;
}

export type BookmarkType = "POST" | "JOB" | "ARTICLE";

export async function addBookmark(deps: Deps, userId: string, given: BookmarkTarget) {
  // An unknown or unbookmarkable type (no jobs or articles exist yet) names nothing that can be saved.
  const target = findTarget(given.type);
  const counter = target?.counters?.bookmarks;
  if (!target || !counter) throw new AppError("NOT_FOUND");
  const { db, now } = deps;
  const id = newId(now);
  const targetId = resolvedId(target, given.id);
  const visible = targetVisibleSql(target, userId, given.id);
  const results = await runBatch(db, [
    db.run(sql`INSERT INTO ${bookmarks} (${name(bookmarks.id)}, ${name(bookmarks.userId)}, ${name(bookmarks.targetType)},
        ${name(bookmarks.targetId)}, ${name(bookmarks.createdAt)})
      SELECT ${id}, ${userId}, ${target.code}, ${targetId}, ${now}
      WHERE ${visible}
      ON CONFLICT DO NOTHING`),
    db.run(
      moveCounterSql(
        target,
        counter,
        targetId,
        1,
        sql`EXISTS (SELECT 1 FROM ${bookmarks} WHERE ${bookmarks.id} = ${id})`,
      ),
    ),
    db.get<{ visible: number; targetId: string | null }>(
      sql`SELECT ${visible} AS visible, ${targetId} AS targetId`,
    ),
  ]);
  const state = results[2] as { visible: number; targetId: string };
  if (changed(results[0]) === 0) throw new AppError(state.visible === 1 ? "ALREADY_BOOKMARKED" : "NOT_FOUND");
  const type = target.code as BookmarkType;
  return { bookmarkId: id, type, postId: type === "POST" ? state.targetId : null, createdAt: isoAt(now) };
}

/** Removes one of your bookmarks (someone else's or unknown: 404). */
export async function removeBookmark(deps: Deps, userId: string, id: string): Promise<void> {
  const { db } = deps;
  // By the bookmark's id or by the saved target's id: a client showing a post knows only the post.
  const mine = sql`${bookmarks.userId} = ${userId} AND ${id} IN (${bookmarks.id}, ${bookmarks.targetId})`;
  const savedOf = (target: Target): SQL =>
    sql`(SELECT ${bookmarks.targetId} FROM ${bookmarks} WHERE ${mine} AND ${bookmarks.targetType} = ${target.code})`;
  const counters = registeredTargets().flatMap((target) => {
    const counter = target.counters?.bookmarks;
    return counter ? [db.run(moveCounterSql(target, counter, savedOf(target), -1, sql`1 = 1`))] : [];
  });
  const results = await runBatch(db, [...counters, db.run(sql`DELETE FROM ${bookmarks} WHERE ${mine}`)]);
  if (changed(results[results.length - 1]) === 0) throw new AppError("NOT_FOUND");
}

/** Bookmark lists page by the bookmark's id (time-sortable), newest first. */
const byNewest = keyset("desc", {
  id: { column: bookmarks.id, type: "string", of: (r: { id: string }) => r.id },
});

/** Your bookmarks, newest first. A saved post that is now deleted or hidden from you shows as post: null. */
export async function listBookmarks(
  deps: Deps,
  userId: string,
  page: { cursor?: string | undefined; limit: number },
) {
  const p = alias(posts, "p");
  const rows = await deps.db.all<{
    id: string;
    targetType: BookmarkType;
    targetId: string;
    createdAt: number;
    json: string | null;
  }>(sql`
    SELECT ${bookmarks.id} AS id, ${bookmarks.targetType} AS targetType, ${bookmarks.targetId} AS targetId,
      ${bookmarks.createdAt} AS createdAt,
      CASE WHEN ${postVisibleTo(userId, "p")} THEN ${postJsonSql(userId, "p")} END AS json
    FROM ${bookmarks} LEFT JOIN ${posts} ${p} ON ${bookmarks.targetType} = 'POST' AND ${p.id} = ${bookmarks.targetId}
    WHERE ${bookmarks.userId} = ${userId} AND ${byNewest.after(page.cursor)}
    ORDER BY ${byNewest.orderBy} LIMIT ${page.limit + 1}`);
  const { data, nextCursor } = byNewest.page(rows, page.limit);
  return {
    data: await Promise.all(
      data.map(async (r) => ({
        bookmarkId: r.id,
        type: r.targetType,
        postId: r.targetType === "POST" ? r.targetId : null,
        createdAt: isoAt(r.createdAt),
        post: (r.json ? await toPost(deps, r.json, userId) : null) as Post | null,
      })),
    ),
    nextCursor,
  };
}
