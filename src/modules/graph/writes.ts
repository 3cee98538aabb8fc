import { type SQL, sql } from "drizzle-orm";
import { followsSql } from "../../core/access/members";
import type { Db } from "../../core/db";
import { moveCounterSql, type Target } from "../../core/targets";
import { connections, follows, profiles } from "../../db/schema";
import type { Statement } from "../../platform/db/batch";
import { name } from "../../platform/db/statements";
import { userTarget } from "./targets";

/**
 * Statement builders for graph writes. Each returns statements meant for ONE `runBatch` (src/platform/db/batch.ts) (one
 * transaction) together with the row they count: a counter moves only when its row was really inserted
 * or is really there to delete, so counters equal rows even when requests race.
 */

/** The counters a follow of `target` moves (core/targets.ts): the target's followers, the follower's following. */
function followCounters(
  db: Db,
  target: Target,
  followerId: string,
  targetId: string | SQL,
  delta: 1 | -1,
  guard: SQL,
): Statement[] {
  const { followers, following } = target.counters ?? {};
  return [
    ...(followers ? [db.run(moveCounterSql(target, followers, targetId, delta, guard))] : []),
    ...(following ? [db.run(moveCounterSql(target, following, followerId, delta, guard))] : []),
  ];
}

/**
 * Inserts follow `f.id` of `target` when `guard` holds and it does not exist yet, with its counters.
 * `targetId` may be SQL (a hashtag found by its key in the same statement).
 */
export function addFollow(
  db: Db,
  target: Target,
  f: { id: string; followerId: string; targetId: string | SQL; now: number },
  guard: SQL,
): Statement[] {
  return [
    db.run(sql`INSERT INTO ${follows} (${name(follows.id)}, ${name(follows.followerId)}, ${name(follows.targetType)},
        ${name(follows.targetId)}, ${name(follows.createdAt)})
      SELECT ${f.id}, ${f.followerId}, ${target.code}, ${f.targetId}, ${f.now} WHERE ${guard}
      ON CONFLICT DO NOTHING`),
    ...followCounters(
      db,
      target,
      f.followerId,
      f.targetId,
      1,
      sql`EXISTS (SELECT 1 FROM ${follows} WHERE ${follows.id} = ${f.id})`,
    ),
  ];
}

/** Removes the follow `followerId` → `targetId` of `target` if it exists, with its counters. */
export function removeFollow(
  db: Db,
  target: Target,
  followerId: string,
  targetId: string | SQL,
): Statement[] {
  return [
    ...followCounters(db, target, followerId, targetId, -1, followsSql(target.code, followerId, targetId)),
    db.run(
      sql`DELETE FROM ${follows} WHERE ${follows.followerId} = ${followerId} AND ${follows.targetType} = ${target.code}
        AND ${follows.targetId} = ${targetId}`,
    ),
  ];
}

/** Inserts member follow `f.id` when `guard` holds, with both profiles' counters. */
export function addUserFollow(
  db: Db,
  f: { id: string; followerId: string; targetId: string; now: number },
  guard: SQL,
): Statement[] {
  return addFollow(db, userTarget, f, guard);
}

/** Removes the follow `followerId` → member `targetId` if it exists, with both profiles' counters. */
export function removeUserFollow(db: Db, followerId: string, targetId: string): Statement[] {
  return removeFollow(db, userTarget, followerId, targetId);
}

/** Inserts the connection pair (two rows sharing `id`) when `guard` holds, and both connection counts. */
export function addConnection(
  db: Db,
  c: { id: string; a: string; b: string; now: number },
  guard: SQL,
): Statement[] {
  return [
    db.run(sql`INSERT INTO ${connections} (${name(connections.id)}, ${name(connections.userId)}, ${name(connections.otherId)},
        ${name(connections.createdAt)})
      SELECT ${c.id}, pair.u, pair.o, ${c.now} FROM (SELECT ${c.a} AS u, ${c.b} AS o UNION ALL SELECT ${c.b}, ${c.a}) AS pair
      WHERE ${guard}
      ON CONFLICT DO NOTHING`),
    db.run(sql`UPDATE ${profiles} SET ${name(profiles.connectionCount)} = ${name(profiles.connectionCount)} + 1
      WHERE ${profiles.userId} IN (${c.a}, ${c.b})
      AND EXISTS (SELECT 1 FROM ${connections} WHERE ${connections.userId} = ${c.a} AND ${connections.otherId} = ${c.b}
        AND ${connections.id} = ${c.id})`),
  ];
}

export function removeConnection(db: Db, a: string, b: string): Statement[] {
  return [
    db.run(sql`UPDATE ${profiles} SET ${name(profiles.connectionCount)} = ${name(profiles.connectionCount)} - 1
      WHERE ${profiles.userId} IN (${a}, ${b})
      AND EXISTS (SELECT 1 FROM ${connections} WHERE ${connections.userId} = ${a} AND ${connections.otherId} = ${b})`),
    db.run(
      sql`DELETE FROM ${connections} WHERE (${connections.userId} = ${a} AND ${connections.otherId} = ${b})
        OR (${connections.userId} = ${b} AND ${connections.otherId} = ${a})`,
    ),
  ];
}
