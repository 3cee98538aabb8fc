import { pushToUsers } from "../../core/live";
import { isoAt } from "../../platform/clock";
import type { Bindings } from "../../platform/env";
import { type PresenceStatus, presenceEvent } from "./protocol";

/**
 * Presence: a member is online while at least one of their sockets is active, away while every open
 * socket said "away", offline when none is open. The member's UserHub computes it from its sockets and
 * calls `publishPresence` when it changes. Only connections see it, and nobody does when the member
 * turned showActivityStatus off (they appear offline).
 */
const VISIBLE = "COALESCE((SELECT show_activity_status FROM profiles WHERE user_id = ?1), 1) = 1";
const NOT_BLOCKED = `NOT EXISTS (SELECT 1 FROM blocks b WHERE (b.blocker_id = ?1 AND b.blocked_id = c.other_id)
  OR (b.blocker_id = c.other_id AND b.blocked_id = ?1))`;

export async function publishPresence(
  env: Pick<Bindings, "DB" | "USER_HUB">,
  userId: string,
  status: PresenceStatus,
  now: number,
): Promise<void> {
  const db = env.DB;
  const [, audience] = await db.batch<{ id: string }>([
    db
      .prepare(
        `INSERT INTO presence (user_id, status, last_seen_at, updated_at) VALUES (?1, ?2, ?3, ?3)
        ON CONFLICT (user_id) DO UPDATE SET status = ?2, last_seen_at = ?3, updated_at = ?3`,
      )
      .bind(userId, status, now),
    // Connections who are connected right now (the others learn presence from a snapshot when they connect).
    db
      .prepare(
        `SELECT c.other_id AS id FROM connections c JOIN presence p ON p.user_id = c.other_id AND p.status != 'offline'
        WHERE c.user_id = ?1 AND ${VISIBLE} AND ${NOT_BLOCKED}`,
      )
      .bind(userId),
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
  const { results } = await env.DB.prepare(
    `SELECT p.user_id AS userId, p.status, p.last_seen_at AS lastSeenAt FROM connections c
      JOIN presence p ON p.user_id = c.other_id AND p.status != 'offline'
      LEFT JOIN profiles pr ON pr.user_id = c.other_id
    WHERE c.user_id = ?1 AND COALESCE(pr.show_activity_status, 1) = 1 AND ${NOT_BLOCKED}`,
  )
    .bind(userId)
    .all<{ userId: string; status: PresenceStatus; lastSeenAt: number }>();
  return results.map((r) => ({ userId: r.userId, status: r.status, lastSeenAt: isoAt(r.lastSeenAt) }));
}
