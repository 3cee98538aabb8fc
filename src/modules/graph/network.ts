import { sql } from "drizzle-orm";
import { runBatch } from "../../db/batch";
import type { Db } from "../../db/client";
import { AppError } from "../../lib/errors";
import type { UserCard } from "../profiles/card";
import { blockedEitherWaySql, connectedSql } from "./policy";

/**
 * Who may see a member's followers, following and connections lists: the member; anyone else only when
 * the profile is PUBLIC (or CONNECTIONS and the viewer is a connection) AND showConnections is on.
 * A blocked (either way), deleted or unknown member is 404; a visible member whose lists are private is 403.
 *
 * Returns a query to put in the same db.batch as the list query (one round trip), then `assertNetworkAccess`.
 */
export function networkAccessQuery(db: Db, viewerId: string, ownerId: string) {
  return db.get<{ access: "OK" | "PRIVATE" | "HIDDEN" } | undefined>(sql`
    SELECT CASE
      WHEN ${blockedEitherWaySql(viewerId, ownerId)} THEN 'HIDDEN'
      WHEN p.show_connections = 1
        AND (p.visibility = 'PUBLIC' OR (p.visibility = 'CONNECTIONS' AND ${connectedSql(viewerId, ownerId)})) THEN 'OK'
      ELSE 'PRIVATE' END AS access
    FROM users u JOIN profiles p ON p.user_id = u.id
    WHERE u.id = ${ownerId} AND u.status = 'ACTIVE'`);
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

/** Card columns for raw SQL lists: alias users `u` and profiles `p`. */
export const cardColumnsSql = sql.raw(
  "u.id AS id, u.username AS username, u.display_name AS displayName, p.headline AS headline, p.avatar_url AS avatarUrl",
);

export interface CardRow {
  id: string;
  username: string;
  displayName: string;
  headline: string | null;
  avatarUrl: string | null;
}

export function toCard(row: CardRow): UserCard {
  return {
    id: row.id,
    username: row.username,
    displayName: row.displayName,
    headline: row.headline ?? null,
    avatarUrl: row.avatarUrl ?? null,
  };
}
