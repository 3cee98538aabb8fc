import { getTableName, type SQL, sql } from "drizzle-orm";
import { alias, type SQLiteColumn } from "drizzle-orm/sqlite-core";
import { comments, posts } from "../../db/schema";
import { contentAuthorVisibleSql, notBlocked } from "./members";
import { postVisibleTo, viewerRef } from "./posts";

/** The columns of a `comments` row the visibility rule reads. */
export type CommentRow = Record<"id" | "postId" | "authorId" | "deletedAt", SQLiteColumn>;

/**
 * A comment is visible when it is live, its author is active (and not shadowbanned, unless the viewer
 * is the author) and not blocked either way with the viewer,
 * and its post is visible to the viewer (postVisibleTo). `row` is the `comments` row: a drizzle alias of
 * `comments`, or the alias name of a query that still names it as text (a trusted identifier).
 */
export function commentVisibleTo(viewerId: string | undefined, row: CommentRow | string = "c"): SQL {
  const c = typeof row === "string" ? alias(comments, row) : row;
  const name = typeof row === "string" ? row : getTableName((row.id as SQLiteColumn).table);
  const post = alias(posts, `${name}_p`);
  return sql`(${c.deletedAt} IS NULL AND ${contentAuthorVisibleSql(c.authorId, viewerId ? viewerRef(viewerId) : undefined)} AND ${notBlocked(viewerId, c.authorId)}
    AND EXISTS (SELECT 1 FROM ${posts} ${post} WHERE ${post.id} = ${c.postId} AND ${postVisibleTo(viewerId, post)}))`;
}
