import { type SQL, sql } from "drizzle-orm";
import { activeUserSql, notBlocked } from "./members";
import { postVisibleTo } from "./posts";

/**
 * A comment is visible when it is live, its author is active and not blocked either way with the viewer,
 * and its post is visible to the viewer (postVisibleTo). `alias` is the SQL alias of the comments row.
 */
export function commentVisibleTo(viewerId: string | undefined, alias = "c"): SQL {
  const col = (name: string) => sql.raw(`${alias}.${name}`);
  const post = `${alias}_p`;
  return sql`(${col("deleted_at")} IS NULL AND ${activeUserSql(col("author_id"))} AND ${notBlocked(viewerId, col("author_id"))}
    AND EXISTS (SELECT 1 FROM posts ${sql.raw(post)} WHERE ${sql.raw(post)}.id = ${col("post_id")} AND ${postVisibleTo(viewerId, post)}))`;
}
