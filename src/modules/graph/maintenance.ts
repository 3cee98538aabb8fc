import { type SQL, sql } from "drizzle-orm";
import { alias, type SQLiteColumn } from "drizzle-orm/sqlite-core";
import { blocks, connectionRequests, connections, follows, profiles } from "../../db/schema";
import { DAY } from "../../platform/clock";
import { name, statement } from "../../platform/db/statements";

/** How long finished requests (accepted, ignored, withdrawn, expired) are kept after they expire. */
export const FINISHED_REQUEST_RETENTION_MS = 90 * DAY;

/**
 * Pending (and ignored) requests past expires_at become EXPIRED. Every read already treats them as gone;
 * this keeps the "pending" indexes small and frees the pair for a new request. Old finished rows go.
 */
export function expireConnectionRequests(db: D1Database, now: number): D1PreparedStatement[] {
  const r = connectionRequests;
  return [
    statement(
      db,
      sql`UPDATE ${r} SET ${name(r.status)} = 'EXPIRED' WHERE ${r.status} IN ('PENDING', 'IGNORED') AND ${r.expiresAt} <= ${now}`,
    ),
    statement(
      db,
      sql`DELETE FROM ${r} WHERE ${r.status} IN ('ACCEPTED', 'IGNORED', 'WITHDRAWN', 'EXPIRED')
        AND ${r.expiresAt} < ${now - FINISHED_REQUEST_RETENTION_MS}`,
    ),
  ];
}

/**
 * Graph rows of purged accounts (`doomed` selects their ids ). The other
 * members' counters lose exactly the rows being deleted, in the same batch, before the rows go.
 */
export function purgeGraphOf(db: D1Database, doomed: SQL): D1PreparedStatement[] {
  const d = doomed;
  const f = alias(follows, "f");
  const c = alias(connections, "c");
  const count = (column: SQLiteColumn) => sql`${name(column)} = ${name(column)}`;
  const statements = [
    sql`UPDATE ${profiles} SET ${count(profiles.followerCount)} - (SELECT COUNT(*) FROM ${follows} ${f}
       WHERE ${f.targetType} = 'USER' AND ${f.targetId} = ${profiles.userId} AND ${f.followerId} IN (${d}))
     WHERE ${profiles.userId} IN (SELECT ${follows.targetId} FROM ${follows} WHERE ${follows.targetType} = 'USER'
       AND ${follows.followerId} IN (${d}))`,
    sql`UPDATE ${profiles} SET ${count(profiles.followingCount)} - (SELECT COUNT(*) FROM ${follows} ${f}
       WHERE ${f.targetType} = 'USER' AND ${f.followerId} = ${profiles.userId} AND ${f.targetId} IN (${d}))
     WHERE ${profiles.userId} IN (SELECT ${follows.followerId} FROM ${follows} WHERE ${follows.targetType} = 'USER'
       AND ${follows.targetId} IN (${d}))`,
    sql`UPDATE ${profiles} SET ${count(profiles.connectionCount)} - (SELECT COUNT(*) FROM ${connections} ${c}
       WHERE ${c.userId} = ${profiles.userId} AND ${c.otherId} IN (${d}))
     WHERE ${profiles.userId} IN (SELECT ${connections.userId} FROM ${connections} WHERE ${connections.otherId} IN (${d}))`,
    sql`DELETE FROM ${follows} WHERE ${follows.followerId} IN (${d})
      OR (${follows.targetType} = 'USER' AND ${follows.targetId} IN (${d}))`,
    sql`DELETE FROM ${connections} WHERE ${connections.userId} IN (${d}) OR ${connections.otherId} IN (${d})`,
    sql`DELETE FROM ${connectionRequests} WHERE ${connectionRequests.requesterId} IN (${d})
      OR ${connectionRequests.addresseeId} IN (${d})`,
    sql`DELETE FROM ${blocks} WHERE ${blocks.blockerId} IN (${d}) OR ${blocks.blockedId} IN (${d})`,
  ];
  return statements.map((q) => statement(db, q));
}
