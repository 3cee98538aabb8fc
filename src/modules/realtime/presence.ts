import { type SQL, sql } from "drizzle-orm";
import { alias, type SQLiteColumn } from "drizzle-orm/sqlite-core";
import { blockedEitherWaySql } from "../../core/access/members";
import { pushToUsers } from "../../core/live";
import { connections, presence, profiles } from "../../db/schema";
import { isoAt } from "../../platform/clock";
import { name, statement } from "../../platform/db/statements";
import type { Bindings } from "../../platform/env";
import { type PresenceStatus, presenceEvent } from "./protocol";

/**
 * Presence: a member is online while at least one of their sockets is active, away while every open
 * socket said "away", offline when none is open. The member's UserHub computes it from its sockets and
 * calls `publishPresence` when it changes. Only connections see it, and nobody does when the member
 * turned showActivityStatus off (they appear offline).
 */
const c = alias(connections, "c");
const p = alias(presence, "p");
const pr = alias(profiles, "pr");

/** SQL boolean: the member `other` lets others see their activity status (on unless turned off). */
const showsActivity = (other: string | SQL | SQLiteColumn) =>
  sql`COALESCE((SELECT ${profiles.showActivityStatus} FROM ${profiles} WHERE ${profiles.userId} = ${other}), 1) = 1`;

export async function publishPresence(
  env: Pick<Bindings, "DB" | "USER_HUB">,
  userId: string,
  status: PresenceStatus,
  now: number,
): Promise<void> {
  const db = env.DB;
  const [, audience] = await db.batch<{ id: string }>([
    statement(
      db,
      sql`INSERT INTO ${presence} (${name(presence.userId)}, ${name(presence.status)}, ${name(presence.lastSeenAt)}, ${name(presence.updatedAt)})
        VALUES (${userId}, ${status}, ${now}, ${now})
        ON CONFLICT (${name(presence.userId)}) DO UPDATE SET ${name(presence.status)} = ${status},
          ${name(presence.lastSeenAt)} = ${now}, ${name(presence.updatedAt)} = ${now}`,
    ),
    // Connections who are connected right now (the others learn presence from a snapshot when they connect).
    statement(
      db,
      sql`SELECT ${c.otherId} AS id FROM ${connections} ${c}
        JOIN ${presence} ${p} ON ${p.userId} = ${c.otherId} AND ${p.status} != 'offline'
        WHERE ${c.userId} = ${userId} AND ${showsActivity(userId)}
          AND NOT ${blockedEitherWaySql(userId, c.otherId)}`,
    ),
  ]);
  const ids = (audience?.results ?? []).map((r) => r.id);
  if (ids.length > 0) await pushToUsers(env, ids, presenceEvent(userId, status, now));
}

export interface PresenceEntry {
  userId: string;
  status: PresenceStatus;
  lastSeenAt: string;
}

/** The connections of `userId` who are online or away and let others see it. */
export async function presenceSnapshot(env: Pick<Bindings, "DB">, userId: string): Promise<PresenceEntry[]> {
  const { results } = await statement(
    env.DB,
    sql`SELECT ${p.userId} AS userId, ${p.status} AS status, ${p.lastSeenAt} AS lastSeenAt FROM ${connections} ${c}
      JOIN ${presence} ${p} ON ${p.userId} = ${c.otherId} AND ${p.status} != 'offline'
      LEFT JOIN ${profiles} ${pr} ON ${pr.userId} = ${c.otherId}
    WHERE ${c.userId} = ${userId} AND COALESCE(${pr.showActivityStatus}, 1) = 1
      AND NOT ${blockedEitherWaySql(userId, c.otherId)}`,
  ).all<{ userId: string; status: PresenceStatus; lastSeenAt: number }>();
  return results.map((r) => ({ userId: r.userId, status: r.status, lastSeenAt: isoAt(r.lastSeenAt) }));
}
