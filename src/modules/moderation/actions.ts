import { type SQL, sql } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import type { Db } from "../../core/db";
import type { Deps } from "../../core/deps";
import { publishEvents } from "../../core/events";
import { markSessionsRevoked } from "../../core/identity/auth";
import { disconnectUser } from "../../core/live";
import type { MaintenanceTask } from "../../core/module";
import { type ACTION_KINDS, moderationActions, sessions, users } from "../../db/schema";
import { DAY, isoAt } from "../../platform/clock";
import { type AnyStatement, changed, runBatch } from "../../platform/db/batch";
import { name, statement } from "../../platform/db/statements";
import { AppError } from "../../platform/errors";
import { auditStatement, type Staff } from "./audit";

export type ActionKind = (typeof ACTION_KINDS)[number];

export interface NewAction {
  id: string;
  kind: ActionKind;
  userId: string;
  targetType: string | null;
  targetId: string | null;
  caseId: string | null;
  reason: string | null;
  expiresAt: number | null;
}

/** Kinds that stay in force until they end (revoked, or lifted by the cron at `expiresAt`). */
const LASTING: readonly ActionKind[] = ["MUTE", "SUSPEND", "BAN", "SHADOWBAN"];

/** When an action of `kind` taken at `now` for `days` ends (null: until revoked). */
export function expiryOf(kind: ActionKind, days: number | undefined, now: number): number | null {
  if (!LASTING.includes(kind) || kind === "BAN" || days === undefined) return null;
  return now + days * DAY;
}

/**
 * The statements that put an action in force, for the batch that records it. The action is enforced by
 * the columns of `users` that the access rules read: `status` (SUSPENDED is hidden everywhere by
 * activeUserSql), `shadowbanned` (contentAuthorVisibleSql) and `muted_until` (assertMayPost).
 */
export function applyStatements(db: Db, staff: Staff, now: number, a: NewAction): AnyStatement[] {
  const out: AnyStatement[] = [
    db.insert(moderationActions).values({ ...a, createdBy: staff.id, createdAt: now }),
  ];
  if (a.kind === "MUTE")
    out.push(
      db.run(sql`UPDATE ${users} SET ${name(users.mutedUntil)} = MAX(COALESCE(${users.mutedUntil}, 0), ${a.expiresAt})
        WHERE ${users.id} = ${a.userId}`),
    );
  if (a.kind === "SUSPEND" || a.kind === "BAN")
    out.push(
      db.run(sql`UPDATE ${users} SET ${name(users.status)} = 'SUSPENDED'
        WHERE ${users.id} = ${a.userId} AND ${users.status} = 'ACTIVE'`),
    );
  if (a.kind === "SHADOWBAN")
    out.push(
      db.run(sql`UPDATE ${users} SET ${name(users.shadowbanned)} = 1 WHERE ${users.id} = ${a.userId}`),
    );
  return out;
}

/** SQL boolean: member `userId` is still under an action of one of `kinds` that has not ended. */
function stillUnder(userId: SQL | SQLiteColumn | string, kinds: readonly ActionKind[]): SQL {
  const list = sql.join(
    kinds.map((k) => sql`${k}`),
    sql`, `,
  );
  return sql`EXISTS (SELECT 1 FROM ${moderationActions} WHERE ${moderationActions.userId} = ${userId}
    AND ${moderationActions.kind} IN (${list}) AND ${moderationActions.endedAt} IS NULL)`;
}

/**
 * After actions ended: each member's columns recomputed from the actions still in force (a member under
 * two suspensions stays suspended until both end). `who` selects the members to recompute.
 */
function recomputeStatements(who: SQL): SQL[] {
  return [
    sql`UPDATE ${users} SET ${name(users.status)} = 'ACTIVE'
      WHERE ${users.status} = 'SUSPENDED' AND ${users.id} IN (${who}) AND NOT ${stillUnder(users.id, ["SUSPEND", "BAN"])}`,
    sql`UPDATE ${users} SET ${name(users.shadowbanned)} = 0
      WHERE ${users.shadowbanned} = 1 AND ${users.id} IN (${who}) AND NOT ${stillUnder(users.id, ["SHADOWBAN"])}`,
    sql`UPDATE ${users} SET ${name(users.mutedUntil)} = (SELECT MAX(${moderationActions.expiresAt}) FROM ${moderationActions}
        WHERE ${moderationActions.userId} = ${users.id} AND ${moderationActions.kind} = 'MUTE' AND ${moderationActions.endedAt} IS NULL)
      WHERE ${users.mutedUntil} IS NOT NULL AND ${users.id} IN (${who})`,
  ];
}

type ActionRow = typeof moderationActions.$inferSelect;

export function toAction(a: ActionRow) {
  return {
    id: a.id,
    kind: a.kind,
    userId: a.userId,
    targetType: a.targetType,
    targetId: a.targetId,
    reportId: a.caseId,
    reason: a.reason,
    createdBy: a.createdBy,
    createdAt: isoAt(a.createdAt),
    expiresAt: a.expiresAt === null ? null : isoAt(a.expiresAt),
    endedAt: a.endedAt === null ? null : isoAt(a.endedAt),
  };
}

/** Revokes an action in force: the member gets back what it took, at once. */
export async function revokeAction(deps: Deps, staff: Staff, id: string, reason: string | undefined) {
  const { db, now } = deps;
  const [action] = await db.select().from(moderationActions).where(sql`${moderationActions.id} = ${id}`);
  if (!action) throw new AppError("ACTION_NOT_FOUND");
  if (!LASTING.includes(action.kind)) throw new AppError("ACTION_NOT_REVERSIBLE");
  if (action.endedAt !== null) throw new AppError("ACTION_ENDED");
  const results = await runBatch(db, [
    db.run(sql`UPDATE ${moderationActions} SET ${name(moderationActions.endedAt)} = ${now},
        ${name(moderationActions.endedBy)} = ${staff.id}
      WHERE ${moderationActions.id} = ${id} AND ${moderationActions.endedAt} IS NULL`),
    ...recomputeStatements(sql`${action.userId}`).map((s) => db.run(s)),
    auditStatement(db, staff, now, {
      action: "action.revoke",
      targetType: "user",
      targetId: action.userId,
      reason: reason ?? null,
      before: { kind: action.kind, endedAt: null },
      after: { kind: action.kind, endedAt: now },
    }),
  ]);
  if (changed(results[0]) === 0) throw new AppError("ACTION_ENDED");
  return toAction({ ...action, endedAt: now, endedBy: staff.id });
}

/** How far back the hourly task looks for ended actions (it runs every hour; this covers failed runs). */
const RECOMPUTE_WINDOW_MS = 2 * DAY;

/** The hourly lift of expired actions: each ends at its `expiresAt`, then the members are recomputed. */
export const expiryTask: MaintenanceTask = {
  name: "moderation-expiry",
  statements: (db, now) => [
    statement(
      db,
      sql`UPDATE ${moderationActions} SET ${name(moderationActions.endedAt)} = ${moderationActions.expiresAt}
        WHERE ${moderationActions.endedAt} IS NULL AND ${moderationActions.expiresAt} <= ${now}`,
    ),
    // Members whose action ended in the last two days are recomputed: idempotent, a failed run is caught
    // up by the next ones, and the work does not grow with the whole history of actions.
    ...recomputeStatements(
      sql`SELECT ${moderationActions.userId} FROM ${moderationActions}
        WHERE ${moderationActions.endedAt} >= ${now - RECOMPUTE_WINDOW_MS}`,
    ).map((s) => statement(db, s)),
  ],
};

/** A suspended or banned member's sessions end: refresh tokens stop, access tokens are refused, sockets close. */
export async function endSessions(deps: Deps, userId: string): Promise<void> {
  const { db, now } = deps;
  const rows = await db.all<{ id: string }>(
    sql`UPDATE ${sessions} SET ${name(sessions.revokedAt)} = ${now}, ${name(sessions.revokedReason)} = 'suspended'
      WHERE ${sessions.userId} = ${userId} AND ${sessions.revokedAt} IS NULL RETURNING ${name(sessions.id)} AS id`,
  );
  await markSessionsRevoked(
    deps.env,
    rows.map((r) => r.id),
  );
  await disconnectUser(deps.env, userId);
}

/** Tells the member acted against (never who reported them, nor which moderator acted). */
export async function tellMember(deps: Deps, staff: Staff, a: NewAction): Promise<void> {
  await publishEvents(deps.env, [
    {
      key: `moderation_action:${a.id}`,
      event: {
        type: "moderation_action",
        actorId: staff.id,
        recipientId: a.userId,
        data: { kind: a.kind, until: a.expiresAt },
        at: deps.now,
      },
    },
  ]);
}
