import { type SQL, sql } from "drizzle-orm";
import { followsUserSql } from "../../core/access/members";
import type { Db } from "../../core/db";
import type { Statement } from "../../platform/db/batch";

/**
 * Statement builders for graph writes. Each returns statements meant for ONE `runBatch` (src/platform/db/batch.ts) (one
 * transaction) together with the row they count: a counter moves only when its row was really inserted
 * or is really there to delete, so counters equal rows even when requests race.
 */

/** A member follow: profiles.following_count of the follower and follower_count of the followed. */
function userFollowCounters(
  db: Db,
  followerId: string,
  targetId: string,
  delta: 1 | -1,
  guard: SQL,
): Statement[] {
  return [
    db.run(
      sql`UPDATE profiles SET follower_count = follower_count + ${delta} WHERE user_id = ${targetId} AND ${guard}`,
    ),
    db.run(
      sql`UPDATE profiles SET following_count = following_count + ${delta} WHERE user_id = ${followerId} AND ${guard}`,
    ),
  ];
}

/** Inserts member follow `followId` when `guard` holds and it does not exist yet, with its counters. */
export function addUserFollow(
  db: Db,
  f: { id: string; followerId: string; targetId: string; now: number },
  guard: SQL,
): Statement[] {
  return [
    db.run(sql`INSERT INTO follows (id, follower_id, target_type, target_id, created_at)
      SELECT ${f.id}, ${f.followerId}, 'USER', ${f.targetId}, ${f.now} WHERE ${guard}
      ON CONFLICT DO NOTHING`),
    ...userFollowCounters(
      db,
      f.followerId,
      f.targetId,
      1,
      sql`EXISTS (SELECT 1 FROM follows WHERE id = ${f.id})`,
    ),
  ];
}

/** Removes the follow `followerId` → member `targetId` if it exists, with its counters. */
export function removeUserFollow(db: Db, followerId: string, targetId: string): Statement[] {
  return [
    ...userFollowCounters(db, followerId, targetId, -1, followsUserSql(followerId, targetId)),
    db.run(
      sql`DELETE FROM follows WHERE follower_id = ${followerId} AND target_type = 'USER' AND target_id = ${targetId}`,
    ),
  ];
}

/** Inserts the connection pair (two rows sharing `id`) when `guard` holds, and both connection counts. */
export function addConnection(
  db: Db,
  c: { id: string; a: string; b: string; now: number },
  guard: SQL,
): Statement[] {
  return [
    db.run(sql`INSERT INTO connections (id, user_id, other_id, created_at)
      SELECT ${c.id}, pair.u, pair.o, ${c.now} FROM (SELECT ${c.a} AS u, ${c.b} AS o UNION ALL SELECT ${c.b}, ${c.a}) AS pair
      WHERE ${guard}
      ON CONFLICT DO NOTHING`),
    db.run(sql`UPDATE profiles SET connection_count = connection_count + 1 WHERE user_id IN (${c.a}, ${c.b})
      AND EXISTS (SELECT 1 FROM connections WHERE user_id = ${c.a} AND other_id = ${c.b} AND id = ${c.id})`),
  ];
}

export function removeConnection(db: Db, a: string, b: string): Statement[] {
  return [
    db.run(sql`UPDATE profiles SET connection_count = connection_count - 1 WHERE user_id IN (${a}, ${b})
      AND EXISTS (SELECT 1 FROM connections WHERE user_id = ${a} AND other_id = ${b})`),
    db.run(
      sql`DELETE FROM connections WHERE (user_id = ${a} AND other_id = ${b}) OR (user_id = ${b} AND other_id = ${a})`,
    ),
  ];
}
