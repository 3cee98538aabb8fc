import { type Column, eq, type SQL, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import type { Deps } from "../../core/deps";
import { configuredIterations, verifyPassword } from "../../core/identity/password";
import { loginHistory, users } from "../../db/schema";
import { MINUTE } from "../../platform/clock";
import { name, statement } from "../../platform/db/statements";
import { AppError } from "../../platform/errors";
import { newId } from "../../platform/ids";

/**
 * The account lockout, the one owner of `users.failed_logins` and `users.locked_until`.
 *
 * Rules:
 * - every check of a member's password (sign-in, change password, delete account) counts its failures
 *   toward one lockout, and every such check is refused while the account is locked, even with the
 *   right password (`429 ACCOUNT_LOCKED` + `Retry-After`);
 * - the 5th consecutive failure locks the account for 15 minutes and starts a fresh count for after;
 * - a failure is counted by ONE conditional UPDATE (the database serializes them), so failures sent at
 *   the same time are each counted once and the 5th always locks; failures while locked change nothing;
 * - a success forgets the count only when the account is not locked at that moment: the statement that
 *   acts on the success (session insert, password change, deletion) carries the `notLocked` guard, so a
 *   lock taken by a concurrent failure while the hash was being checked still holds.
 */
export const LOCKOUT_THRESHOLD = 5;
export const LOCKOUT_MS = 15 * MINUTE;

export interface ClientInfo {
  ip: string | null;
  userAgent: string | null;
}

/** SQL: the `users` row whose `locked_until` column is `lockedUntil` is not locked at `now`. */
export const notLocked = (lockedUntil: Column, now: number): SQL =>
  sql`(${lockedUntil} IS NULL OR ${lockedUntil} <= ${now})`;

export function isLocked(user: { lockedUntil: number | null }, now: number): boolean {
  return user.lockedUntil !== null && user.lockedUntil > now;
}

export function lockedError(lockedUntil: number, now: number): AppError {
  return new AppError("ACCOUNT_LOCKED", undefined, {
    "Retry-After": String(Math.max(1, Math.ceil((lockedUntil - now) / 1000))),
  });
}

/**
 * Counts one failed password check and throws: `ACCOUNT_LOCKED` when the account is locked after it
 * (by this failure or a concurrent one), otherwise `INVALID_CREDENTIALS`. The count and the history row
 * are one batch; the count is a single UPDATE whose new values depend only on the row it updates.
 * `via` names the route in the history row (null for sign-in).
 */
export async function countFailure(
  deps: Deps,
  userId: string,
  client: ClientInfo,
  via: string | null,
): Promise<never> {
  const db = deps.env.DB;
  const { now } = deps;
  const suffix = via ? `:${via}` : "";
  const locked = sql`NOT ${notLocked(users.lockedUntil, now)}`;
  const lockingNow = sql`${users.failedLogins} + 1 >= ${LOCKOUT_THRESHOLD}`;
  const u = alias(users, "u");
  const [counted] = await db.batch<{ lockedUntil: number | null }>([
    statement(
      db,
      sql`UPDATE ${users} SET
        ${name(users.failedLogins)} = CASE WHEN ${locked} THEN ${users.failedLogins}
          WHEN ${lockingNow} THEN 0 ELSE ${users.failedLogins} + 1 END,
        ${name(users.lockedUntil)} = CASE WHEN ${locked} THEN ${users.lockedUntil}
          WHEN ${lockingNow} THEN ${now} + ${LOCKOUT_MS} ELSE NULL END
      WHERE ${users.id} = ${userId}
      RETURNING ${name(users.lockedUntil)} AS lockedUntil`,
    ),
    statement(
      db,
      sql`INSERT INTO ${loginHistory} (${name(loginHistory.id)}, ${name(loginHistory.userId)},
        ${name(loginHistory.success)}, ${name(loginHistory.reason)}, ${name(loginHistory.ip)},
        ${name(loginHistory.userAgent)}, ${name(loginHistory.createdAt)})
      SELECT ${newId(now)}, ${userId}, 0,
        CASE WHEN ${notLocked(u.lockedUntil, now)} THEN ${`BAD_PASSWORD${suffix}`} ELSE ${`LOCKED_NOW${suffix}`} END,
        ${client.ip}, ${client.userAgent?.slice(0, 300) ?? null}, ${now}
      FROM ${users} ${u} WHERE ${u.id} = ${userId}`,
    ),
  ]);
  const lockedUntil = counted?.results[0]?.lockedUntil ?? null;
  if (lockedUntil !== null && lockedUntil > deps.now) throw lockedError(lockedUntil, deps.now);
  throw new AppError("INVALID_CREDENTIALS");
}

/**
 * The password check of a signed-in member (change password, delete account): refused while locked,
 * a wrong password counts toward the lockout. The write that follows a success must itself require
 * `notLocked` and the checked hash unchanged in its statement (a lock or a reset may land meanwhile).
 */
export async function checkMemberPassword(
  deps: Deps,
  user: { id: string; passwordHash: string; lockedUntil: number | null },
  password: string,
  client: ClientInfo,
  via: string,
): Promise<void> {
  if (isLocked(user, deps.now)) throw lockedError(user.lockedUntil!, deps.now);
  const iterations = configuredIterations(deps.env.PASSWORD_PBKDF2_ITERATIONS);
  if (!(await verifyPassword(password, user.passwordHash, iterations)).ok) {
    await countFailure(deps, user.id, client, via);
  }
}

/** After a guarded write changed nothing: the lock (if one was taken meanwhile) or `otherwise`. */
export async function explainRefusal(deps: Deps, userId: string, otherwise: AppError): Promise<never> {
  const row = await deps.db
    .select({ lockedUntil: users.lockedUntil })
    .from(users)
    .where(eq(users.id, userId))
    .get();
  if (row && isLocked(row, deps.now)) throw lockedError(row.lockedUntil!, deps.now);
  throw otherwise;
}
