import { and, eq, isNull, sql } from "drizzle-orm";
import type { Db } from "../../core/db";
import type { Deps } from "../../core/deps";
import { configuredIterations, hashPassword } from "../../core/identity/password";
import { passwordResets, users } from "../../db/schema";
import { MINUTE } from "../../platform/clock";
import { randomToken, sha256Hex } from "../../platform/crypto";
import { changed, runBatch } from "../../platform/db/batch";
import { AppError } from "../../platform/errors";
import { queueEmail } from "../email";
import { emailLocale, requireActiveUser, weakPassword } from "./account";
import { type ClientInfo, checkMemberPassword, explainRefusal, notLocked } from "./lockout";
import { revokeAllSessions } from "./sessions";

/** Forgotten-password links and password changes; both void every outstanding reset link. */
export const RESET_TTL_MS = 15 * MINUTE;

/** Same answer whether or not the address is registered. */
export async function forgotPassword(deps: Deps, email: string): Promise<void> {
  const { db, now } = deps;
  const user = await db.query.users.findFirst({
    where: and(eq(users.email, email), eq(users.status, "ACTIVE")),
  });
  if (!user) return;
  const token = randomToken(32);
  await db.insert(passwordResets).values({
    tokenHash: await sha256Hex(token),
    userId: user.id,
    expiresAt: now + RESET_TTL_MS,
    createdAt: now,
  });
  const link = `${deps.env.APP_URL}/reset-password?token=${encodeURIComponent(token)}`;
  await queueEmail(deps.env, `reset:${user.id}:${now}`, {
    to: user.email,
    locale: emailLocale(user.locale),
    template: "reset-password",
    data: { name: user.displayName, link, token },
  });
}

/**
 * A reset link works once, and a successful reset voids every other outstanding link of the member.
 * The password write is guarded by the token being unused and unexpired; the claim that follows in the
 * same batch marks every unused token of the member used, guarded by the new hash being in place (a
 * fresh random salt makes it unique to this request). Of two links used at once, only one resets.
 */
export async function resetPassword(deps: Deps, token: string, newPassword: string): Promise<void> {
  const { db, now } = deps;
  const hash = await sha256Hex(token);
  const found = await db
    .select({ reset: passwordResets, user: users })
    .from(passwordResets)
    .innerJoin(users, eq(users.id, passwordResets.userId))
    .where(eq(passwordResets.tokenHash, hash))
    .get();
  if (
    !found ||
    found.reset.usedAt !== null ||
    found.reset.expiresAt <= now ||
    found.user.status !== "ACTIVE"
  ) {
    throw new AppError("INVALID_RESET_TOKEN");
  }
  weakPassword(newPassword, found.user);
  const passwordHash = await hashPassword(
    newPassword,
    configuredIterations(deps.env.PASSWORD_PBKDF2_ITERATIONS),
  );
  const userId = found.user.id;
  const [written] = await runBatch(db, [
    db
      // Proving control of the email also lifts a lock.
      .update(users)
      .set({ passwordHash, failedLogins: 0, lockedUntil: null, updatedAt: now })
      .where(
        and(
          eq(users.id, userId),
          eq(users.status, "ACTIVE"),
          sql`EXISTS (SELECT 1 FROM ${passwordResets} WHERE ${passwordResets.tokenHash} = ${hash}
            AND ${passwordResets.userId} = ${userId} AND ${passwordResets.usedAt} IS NULL
            AND ${passwordResets.expiresAt} > ${now})`,
        ),
      ),
    voidResetTokens(db, userId, passwordHash, now),
  ]);
  if (changed(written) !== 1) throw new AppError("INVALID_RESET_TOKEN");
  await revokeAllSessions(deps, userId, "PASSWORD_RESET");
}

/** Marks every unused reset token of the member used, if the member's hash is now `newHash`. */
function voidResetTokens(db: Db, userId: string, newHash: string, now: number) {
  return db
    .update(passwordResets)
    .set({ usedAt: now })
    .where(
      and(
        eq(passwordResets.userId, userId),
        isNull(passwordResets.usedAt),
        sql`EXISTS (SELECT 1 FROM ${users} WHERE ${users.id} = ${userId} AND ${users.passwordHash} = ${newHash})`,
      ),
    );
}

/**
 * Needs the current password (refused while locked; a wrong one counts toward the lockout). The new hash
 * is written only if the account is still unlocked and its hash is still the one checked (a reset or
 * another change may have landed meanwhile); in the same batch every outstanding reset link is voided.
 */
export async function changePassword(
  deps: Deps,
  userId: string,
  sessionId: string,
  currentPassword: string,
  newPassword: string,
  client: ClientInfo,
): Promise<void> {
  const iterations = configuredIterations(deps.env.PASSWORD_PBKDF2_ITERATIONS);
  const user = await requireActiveUser(deps, userId);
  await checkMemberPassword(deps, user, currentPassword, client, "CHANGE_PASSWORD");
  weakPassword(newPassword, user);
  const passwordHash = await hashPassword(newPassword, iterations);
  const { db, now } = deps;
  const [written] = await runBatch(db, [
    db
      .update(users)
      .set({ passwordHash, failedLogins: 0, lockedUntil: null, updatedAt: now })
      .where(
        and(
          eq(users.id, userId),
          eq(users.status, "ACTIVE"),
          eq(users.passwordHash, user.passwordHash),
          notLocked(users.lockedUntil, now),
        ),
      ),
    voidResetTokens(db, userId, passwordHash, now),
  ]);
  if (changed(written) !== 1) await explainRefusal(deps, userId, new AppError("INVALID_CREDENTIALS"));
  // Every other device signs in again; this one keeps working.
  await revokeAllSessions(deps, userId, "PASSWORD_CHANGED", sessionId);
}
