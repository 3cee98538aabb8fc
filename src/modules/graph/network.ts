import { sql } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import { blockedEitherWaySql, networkVisibleSql } from "../../core/access/members";
import type { Db } from "../../core/db";
import { profiles, users } from "../../db/schema";
import { runBatch } from "../../platform/db/batch";
import { AppError } from "../../platform/errors";

/**
 * Who may see a member's followers, following and connections lists: the network rule of policy.ts
 * (`networkVisibleSql`: the member; anyone else who may see the full profile, when showConnections is on).
 * A blocked (either way), deleted or unknown member is 404; a visible member whose lists are private is 403.
 *
 * Returns a query to put in the same db.batch as the list query (one round trip), then `assertNetworkAccess`.
 */
const u = alias(users, "u");
const p = alias(profiles, "p");

export function networkAccessQuery(db: Db, viewerId: string, ownerId: string) {
  const owner = { id: u.id, visibility: p.visibility, showConnections: p.showConnections };
  return db.get<{ access: "OK" | "PRIVATE" | "HIDDEN" } | undefined>(sql`
    SELECT CASE
      WHEN ${blockedEitherWaySql(viewerId, u.id)} THEN 'HIDDEN'
      WHEN ${networkVisibleSql(viewerId, owner)} THEN 'OK'
      ELSE 'PRIVATE' END AS access
    FROM ${users} ${u} LEFT JOIN ${profiles} ${p} ON ${p.userId} = ${u.id}
    WHERE ${u.id} = ${ownerId} AND ${u.status} = 'ACTIVE'`);
}

export function assertNetworkAccess(row: { access: string } | undefined | null): void {
  if (!row || row.access === "HIDDEN") throw new AppError("NOT_FOUND");
  if (row.access !== "OK") throw new AppError("FORBIDDEN");
}

/** Lists of somebody's network: returns a batch with the access check first when the owner is someone else. */
export async function readNetworkList<T>(
  db: Db,
  viewerId: string,
  ownerId: string,
  list: ReturnType<Db["all"]>,
): Promise<T[]> {
  if (ownerId === viewerId) return (await list) as T[];
  const [access, rows] = await runBatch(db, [networkAccessQuery(db, viewerId, ownerId), list]);
  assertNetworkAccess(access as { access: string } | undefined);
  return rows as T[];
}
