import { type SQL, sql } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import type { Db } from "../../db/client";

/**
 * The block filter: the one place that decides whether two members are hidden from each other.
 * A block in either direction hides both sides everywhere, and hidden things answer 404.
 *
 * Use `notBlocked(viewerId, column)` inside any query that returns rows owned by other members (it
 * compiles to two index lookups on `blocks`, no extra round trip), and `isBlockedEitherWay` for a single
 * pair. Anonymous viewers (undefined) are never blocked.
 */
export function notBlocked(viewerId: string | undefined, otherUserColumn: SQLiteColumn | SQL): SQL {
  if (!viewerId) return sql`1 = 1`;
  return sql`NOT EXISTS (SELECT 1 FROM blocks WHERE blocker_id = ${viewerId} AND blocked_id = ${otherUserColumn})
    AND NOT EXISTS (SELECT 1 FROM blocks WHERE blocker_id = ${otherUserColumn} AND blocked_id = ${viewerId})`;
}

/** SQL boolean: true when the two members have blocked each other in either direction. */
export function blockedEitherWaySql(a: string | SQL | SQLiteColumn, b: string | SQL | SQLiteColumn): SQL {
  return sql`EXISTS (SELECT 1 FROM blocks WHERE (blocker_id = ${a} AND blocked_id = ${b}) OR (blocker_id = ${b} AND blocked_id = ${a}))`;
}

export async function isBlockedEitherWay(db: Db, a: string, b: string): Promise<boolean> {
  if (a === b) return false;
  const row = await db.get<{ blocked: number }>(sql`SELECT ${blockedEitherWaySql(a, b)} AS blocked`);
  return row?.blocked === 1;
}

/** SQL boolean: the two members are connected. */
export function connectedSql(a: string | SQL | SQLiteColumn, b: string | SQL | SQLiteColumn): SQL {
  return sql`EXISTS (SELECT 1 FROM connections WHERE user_id = ${a} AND other_id = ${b})`;
}

/** SQL boolean: the member exists and is active (deleted and suspended accounts are hidden everywhere). */
export function activeUserSql(userColumn: SQL | SQLiteColumn | string): SQL {
  return sql`EXISTS (SELECT 1 FROM users WHERE users.id = ${userColumn} AND users.status = 'ACTIVE')`;
}

/** SQL boolean: member `follower` follows member `target`. */
export function followsUserSql(
  follower: string | SQL | SQLiteColumn,
  target: string | SQL | SQLiteColumn,
): SQL {
  return sql`EXISTS (SELECT 1 FROM follows WHERE follower_id = ${follower} AND target_type = 'USER' AND target_id = ${target})`;
}
