import { and, eq, gt, isNull, or } from "drizzle-orm";
import type { Deps } from "../../core/deps";
import { markSessionsRevoked } from "../../core/identity/auth";
import {
  configuredIterations,
  dummyPasswordHash,
  hashPassword,
  passwordProblems,
  verifyPassword,
} from "../../core/identity/password";
import { ACCESS_TOKEN_TTL_SECONDS, signAccessToken } from "../../core/identity/tokens";
import { disconnectUser } from "../../core/live";
import {
  emailVerifications,
  loginHistory,
  passwordResets,
  profiles,
  refreshTokens,
  sessions,
  userPreferences,
  users,
} from "../../db/schema";
import { DAY, isoAt, MINUTE } from "../../platform/clock";
import { randomDigits, randomToken, sha256Hex, timingSafeEqual } from "../../platform/crypto";
import { isUniqueViolation } from "../../platform/db/errors";
import { AppError } from "../../platform/errors";
import type { Locale } from "../../platform/i18n";
import { newId } from "../../platform/ids";
import { hasRateLimitLeft } from "../../platform/rate-limit";
import { queueEmail } from "../email";
import { queueIndex } from "../search";
import {
  type ClientInfo,
  checkMemberPassword,
  countFailure,
  explainRefusal,
  isLocked,
  lockedError,
  notLockedSql,
} from "./lockout";

export const VERIFICATION_TTL_MS = 15 * MINUTE;
export const VERIFICATION_MAX_ATTEMPTS = 5;
export const RESET_TTL_MS = 15 * MINUTE;
export const REFRESH_TTL_MS = 7 * DAY;
export const LOGIN_HISTORY_TTL_MS = 90 * DAY;
export const ACCOUNT_PURGE_AFTER_MS = 30 * DAY;

type UserRow = typeof users.$inferSelect;

export function toUser(row: UserRow) {
  return {
    id: row.id,
    username: row.username,
    email: row.email,
    displayName: row.displayName,
    locale: row.locale,
    role: row.role,
    emailVerified: row.emailVerifiedAt !== null,
    createdAt: isoAt(row.createdAt),
  };
}

function emailLocale(locale: string): Locale {
  return locale.startsWith("en") ? "en" : "ar";
}

function weakPassword(password: string, identity: { username?: string; email?: string }): void {
  const problems = passwordProblems(password, identity);
  if (problems.length > 0) {
    throw new AppError(
      "WEAK_PASSWORD",
      problems.map((p) => ({ path: "password", code: p, message: PASSWORD_PROBLEM_TEXT[p] })),
    );
  }
}

const PASSWORD_PROBLEM_TEXT = {
  TOO_SHORT: "At least 10 characters",
  TOO_LONG: "At most 128 characters",
  COMMON: "Too common",
  CONTAINS_IDENTITY: "Must not contain your username or email",
} as const;

const codeHash = (userId: string, code: string) => sha256Hex(`verify:${userId}:${code}`);

async function issueVerificationCode(
  deps: Deps,
  user: Pick<UserRow, "id" | "email" | "displayName" | "locale">,
) {
  const code = randomDigits(6);
  await deps.db
    .insert(emailVerifications)
    .values({
      userId: user.id,
      codeHash: await codeHash(user.id, code),
      expiresAt: deps.now + VERIFICATION_TTL_MS,
      attempts: 0,
      createdAt: deps.now,
    })
    .onConflictDoUpdate({
      target: emailVerifications.userId,
      set: {
        codeHash: await codeHash(user.id, code),
        expiresAt: deps.now + VERIFICATION_TTL_MS,
        attempts: 0,
        createdAt: deps.now,
      },
    });
  await queueEmail(deps.env, `verify:${user.id}:${deps.now}`, {
    to: user.email,
    locale: emailLocale(user.locale),
    template: "verify-email",
    data: { name: user.displayName, code },
  });
}

export interface RegisterInput {
  username: string;
  email: string;
  password: string;
  displayName: string;
  locale?: string | undefined;
}

export async function register(deps: Deps, input: RegisterInput) {
  weakPassword(input.password, input);
  const { db, now } = deps;
  const taken = await db
    .select({ username: users.username, email: users.email })
    .from(users)
    .where(or(eq(users.username, input.username), eq(users.email, input.email)))
    .limit(2);
  if (taken.some((t) => t.username === input.username)) throw new AppError("USERNAME_TAKEN");
  if (taken.length > 0) throw new AppError("EMAIL_TAKEN");

  const id = newId(now);
  const locale = input.locale ?? deps.locale;
  const row: UserRow = {
    id,
    username: input.username,
    email: input.email,
    emailVerifiedAt: null,
    passwordHash: await hashPassword(
      input.password,
      configuredIterations(deps.env.PASSWORD_PBKDF2_ITERATIONS),
    ),
    displayName: input.displayName,
    locale,
    role: "member",
    status: "ACTIVE",
    failedLogins: 0,
    lockedUntil: null,
    deletedAt: null,
    createdAt: now,
    updatedAt: now,
  };
  try {
    await db.batch([
      db.insert(users).values(row),
      db.insert(profiles).values({ userId: id, updatedAt: now }),
      db.insert(userPreferences).values({ userId: id, locale, updatedAt: now }),
    ]);
  } catch (err) {
    // Two registrations racing for the same name: the database's unique index decides.
    if (isUniqueViolation(err)) {
      throw new AppError(String(err).includes("username") ? "USERNAME_TAKEN" : "EMAIL_TAKEN");
    }
    throw err;
  }
  await issueVerificationCode(deps, row);
  deps.waitUntil(queueIndex(deps.env, "people", id));
  return toUser(row);
}

/**
 * The attempt is counted before the code is compared, in one conditional UPDATE (at most
 * VERIFICATION_MAX_ATTEMPTS comparisons per code, whatever arrives at the same time): only an update
 * that found the code unexpired and under the limit gets its hash back to compare with.
 */
export async function verifyEmail(deps: Deps, email: string, code: string) {
  const { db, now } = deps;
  const user = await db.query.users.findFirst({
    where: and(eq(users.email, email), eq(users.status, "ACTIVE")),
  });
  // An address that is already verified answers like an unknown one: the route must not tell who is registered.
  if (!user || user.emailVerifiedAt !== null) throw new AppError("INVALID_CODE");
  const attempt = await deps.env.DB.prepare(
    `UPDATE email_verifications SET attempts = attempts + 1
    WHERE user_id = ?1 AND attempts < ?2 AND expires_at > ?3
    RETURNING code_hash AS codeHash`,
  )
    .bind(user.id, VERIFICATION_MAX_ATTEMPTS, now)
    .first<{ codeHash: string }>();
  if (!attempt || !timingSafeEqual(attempt.codeHash, await codeHash(user.id, code))) {
    throw new AppError("INVALID_CODE");
  }
  await db.batch([
    db.update(users).set({ emailVerifiedAt: now, updatedAt: now }).where(eq(users.id, user.id)),
    db
      .delete(emailVerifications)
      .where(and(eq(emailVerifications.userId, user.id), eq(emailVerifications.codeHash, attempt.codeHash))),
  ]);
  await queueEmail(deps.env, `welcome:${user.id}`, {
    to: user.email,
    locale: emailLocale(user.locale),
    template: "welcome",
    data: { name: user.displayName },
  });
  return { verified: true };
}

/**
 * Same answer whether or not the address is registered. Each code allows VERIFICATION_MAX_ATTEMPTS
 * guesses, so codes are also capped per member and day (`verification-codes`, whatever the client's
 * address): without it, resends from many addresses would buy unlimited guesses at a 6-digit code.
 * Past the cap the answer is the same and nothing is sent.
 */
export async function resendVerification(deps: Deps, email: string): Promise<void> {
  const user = await deps.db.query.users.findFirst({
    where: and(eq(users.email, email), eq(users.status, "ACTIVE")),
  });
  if (!user || user.emailVerifiedAt !== null) return;
  if (!(await hasRateLimitLeft(deps.env, "verification-codes", user.id, deps.now))) return;
  await issueVerificationCode(deps, user);
}

/**
 * Signs in after a right password: the session, its refresh token, the history row and the reset of the
 * failure count are one batch, and the session is inserted only if the member is still active and not
 * locked at that moment (a concurrent failure may have locked the account while this hash was checked);
 * the other statements follow the session. `rehash` replaces a hash made with fewer iterations.
 */
async function createSession(deps: Deps, user: UserRow, client: ClientInfo, rehash: string | null) {
  const { now } = deps;
  const db = deps.env.DB;
  const sessionId = newId(now);
  const refreshToken = randomToken(32);
  const userAgent = client.userAgent?.slice(0, 300) ?? null;
  const sessionMade = "EXISTS (SELECT 1 FROM sessions WHERE id = ?2)";
  const [made] = await db.batch([
    db
      .prepare(
        `INSERT INTO sessions (id, user_id, user_agent, ip, created_at, last_used_at, expires_at)
        SELECT ?2, ?1, ?3, ?4, ?5, ?5, ?6 FROM users u
        WHERE u.id = ?1 AND u.status = 'ACTIVE' AND ${notLockedSql("u", "?5")}`,
      )
      .bind(user.id, sessionId, userAgent, client.ip, now, now + REFRESH_TTL_MS),
    db
      .prepare(
        `INSERT INTO refresh_tokens (token_hash, session_id, created_at) SELECT ?1, ?2, ?3 WHERE ${sessionMade}`,
      )
      .bind(await sha256Hex(refreshToken), sessionId, now),
    db
      .prepare(
        `INSERT INTO login_history (id, user_id, success, reason, ip, user_agent, created_at)
        SELECT ?1, ?3, 1, NULL, ?4, ?5, ?6 WHERE ${sessionMade}`,
      )
      .bind(newId(now), sessionId, user.id, client.ip, userAgent, now),
    db
      .prepare(
        `UPDATE users SET failed_logins = 0, locked_until = NULL, password_hash = COALESCE(?3, password_hash)
        WHERE id = ?1 AND ${sessionMade} AND (failed_logins <> 0 OR locked_until IS NOT NULL OR ?3 IS NOT NULL)`,
      )
      .bind(user.id, sessionId, rehash),
  ]);
  if (made!.meta.changes !== 1) {
    await recordFailure(deps, user.id, "LOCKED", client);
    await explainRefusal(deps, user.id, new AppError("INVALID_CREDENTIALS"));
  }
  return tokenPair(deps, user, sessionId, refreshToken);
}

async function tokenPair(deps: Deps, user: UserRow, sessionId: string, refreshToken: string) {
  const accessToken = await signAccessToken(
    deps.env,
    { id: user.id, sessionId, role: user.role, emailVerified: user.emailVerifiedAt !== null },
    deps.now,
  );
  return { accessToken, refreshToken, expiresIn: ACCESS_TOKEN_TTL_SECONDS, user: toUser(user) };
}

async function recordFailure(deps: Deps, userId: string | null, reason: string, client: ClientInfo) {
  await deps.db.insert(loginHistory).values({
    id: newId(deps.now),
    userId,
    success: false,
    reason,
    ip: client.ip,
    userAgent: client.userAgent?.slice(0, 300) ?? null,
    createdAt: deps.now,
  });
}

export async function login(deps: Deps, identifier: string, password: string, client: ClientInfo) {
  const { db, now } = deps;
  const iterations = configuredIterations(deps.env.PASSWORD_PBKDF2_ITERATIONS);
  const user = await db.query.users.findFirst({
    where: and(or(eq(users.username, identifier), eq(users.email, identifier)), eq(users.status, "ACTIVE")),
  });
  if (!user) {
    // Spend the same time as a real check so the answer does not reveal whether the account exists.
    await verifyPassword(password, await dummyPasswordHash(iterations), iterations);
    await recordFailure(deps, null, "UNKNOWN_ACCOUNT", client);
    throw new AppError("INVALID_CREDENTIALS");
  }
  if (isLocked(user, now)) {
    await recordFailure(deps, user.id, "LOCKED", client);
    throw lockedError(user.lockedUntil!, now);
  }
  const result = await verifyPassword(password, user.passwordHash, iterations);
  if (!result.ok) return countFailure(deps, user.id, client, null);
  const rehash = result.needsRehash ? await hashPassword(password, iterations) : null;
  return createSession(deps, user, client, rehash);
}

export async function refresh(deps: Deps, refreshToken: string) {
  const { db, now } = deps;
  const hash = await sha256Hex(refreshToken);
  const found = await db
    .select({ token: refreshTokens, session: sessions, user: users })
    .from(refreshTokens)
    .innerJoin(sessions, eq(sessions.id, refreshTokens.sessionId))
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(eq(refreshTokens.tokenHash, hash))
    .get();
  if (!found) throw new AppError("INVALID_TOKEN");
  const { token, session, user } = found;
  if (session.revokedAt !== null || session.expiresAt <= now || user.status !== "ACTIVE") {
    throw new AppError("INVALID_TOKEN");
  }
  if (token.rotatedAt !== null) {
    // A rotated token came back: someone holds a copy. End the whole session.
    await revokeSessions(deps, user.id, [session.id], "REFRESH_TOKEN_REUSE");
    throw new AppError("INVALID_TOKEN");
  }
  const rotated = await db
    .update(refreshTokens)
    .set({ rotatedAt: now })
    .where(and(eq(refreshTokens.tokenHash, hash), isNull(refreshTokens.rotatedAt)))
    .run();
  if (rotated.meta.changes !== 1) {
    // Lost a race with a concurrent refresh of the same token: that is reuse too.
    await revokeSessions(deps, user.id, [session.id], "REFRESH_TOKEN_REUSE");
    throw new AppError("INVALID_TOKEN");
  }
  const next = randomToken(32);
  await db.batch([
    db
      .insert(refreshTokens)
      .values({ tokenHash: await sha256Hex(next), sessionId: session.id, createdAt: now }),
    db
      .update(sessions)
      .set({ lastUsedAt: now, expiresAt: now + REFRESH_TTL_MS })
      .where(eq(sessions.id, session.id)),
  ]);
  return tokenPair(deps, user, session.id, next);
}

/** Ends sessions: refresh tokens stop working, access tokens are refused, open WebSockets are closed. */
export async function revokeSessions(
  deps: Deps,
  userId: string,
  sessionIds: string[],
  reason: string,
): Promise<void> {
  if (sessionIds.length === 0) return;
  const { db, now } = deps;
  await db.batch([
    db
      .update(sessions)
      .set({ revokedAt: now, revokedReason: reason })
      .where(and(or(...sessionIds.map((id) => eq(sessions.id, id))), isNull(sessions.revokedAt))),
  ]);
  await markSessionsRevoked(deps.env, sessionIds);
  await disconnectUser(deps.env, userId, sessionIds);
}

async function activeSessionIds(deps: Deps, userId: string): Promise<string[]> {
  const rows = await deps.db
    .select({ id: sessions.id })
    .from(sessions)
    .where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt), gt(sessions.expiresAt, deps.now)));
  return rows.map((r) => r.id);
}

export async function revokeAllSessions(deps: Deps, userId: string, reason: string, except?: string) {
  const ids = (await activeSessionIds(deps, userId)).filter((id) => id !== except);
  await revokeSessions(deps, userId, ids, reason);
}

export async function listSessions(deps: Deps, userId: string, currentSessionId: string) {
  const rows = await deps.db
    .select()
    .from(sessions)
    .where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt), gt(sessions.expiresAt, deps.now)))
    .orderBy(sessions.id)
    .limit(100);
  return rows.reverse().map((s) => ({
    id: s.id,
    userAgent: s.userAgent,
    ip: s.ip,
    createdAt: isoAt(s.createdAt),
    lastUsedAt: isoAt(s.lastUsedAt),
    expiresAt: isoAt(s.expiresAt),
    current: s.id === currentSessionId,
  }));
}

export async function revokeOwnSession(deps: Deps, userId: string, sessionId: string): Promise<void> {
  const session = await deps.db.query.sessions.findFirst({
    where: and(eq(sessions.id, sessionId), eq(sessions.userId, userId), isNull(sessions.revokedAt)),
  });
  if (!session) throw new AppError("NOT_FOUND");
  await revokeSessions(deps, userId, [sessionId], "USER_REVOKED");
}

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
  const d1 = deps.env.DB;
  const [written] = await d1.batch([
    d1
      .prepare(
        // Proving control of the email also lifts a lock.
        `UPDATE users SET password_hash = ?2, failed_logins = 0, locked_until = NULL, updated_at = ?4
        WHERE id = ?1 AND status = 'ACTIVE' AND EXISTS (SELECT 1 FROM password_resets r
          WHERE r.token_hash = ?3 AND r.user_id = ?1 AND r.used_at IS NULL AND r.expires_at > ?4)`,
      )
      .bind(userId, passwordHash, hash, now),
    voidResetTokens(d1, userId, passwordHash, now),
  ]);
  if (written!.meta.changes !== 1) throw new AppError("INVALID_RESET_TOKEN");
  await revokeAllSessions(deps, userId, "PASSWORD_RESET");
}

/** Marks every unused reset token of the member used, if the member's hash is now `newHash`. */
function voidResetTokens(d1: D1Database, userId: string, newHash: string, now: number) {
  return d1
    .prepare(
      `UPDATE password_resets SET used_at = ?3 WHERE user_id = ?1 AND used_at IS NULL
      AND EXISTS (SELECT 1 FROM users WHERE id = ?1 AND password_hash = ?2)`,
    )
    .bind(userId, newHash, now);
}

async function requireActiveUser(deps: Deps, userId: string): Promise<UserRow> {
  const user = await deps.db.query.users.findFirst({
    where: and(eq(users.id, userId), eq(users.status, "ACTIVE")),
  });
  if (!user) throw new AppError("UNAUTHENTICATED");
  return user;
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
  const d1 = deps.env.DB;
  const [written] = await d1.batch([
    d1
      .prepare(
        `UPDATE users SET password_hash = ?2, failed_logins = 0, locked_until = NULL, updated_at = ?4
        WHERE id = ?1 AND status = 'ACTIVE' AND password_hash = ?3 AND ${notLockedSql("users", "?4")}`,
      )
      .bind(userId, passwordHash, user.passwordHash, deps.now),
    voidResetTokens(d1, userId, passwordHash, deps.now),
  ]);
  if (written!.meta.changes !== 1) await explainRefusal(deps, userId, new AppError("INVALID_CREDENTIALS"));
  // Every other device signs in again; this one keeps working.
  await revokeAllSessions(deps, userId, "PASSWORD_CHANGED", sessionId);
}

export async function getMe(deps: Deps, userId: string) {
  return toUser(await requireActiveUser(deps, userId));
}

/**
 * Soft delete: hidden at once, sessions revoked, rows purged by the daily cron after 30 days. The
 * password check is the same as for changing the password (refused while locked, failures counted);
 * the route limits attempts per member.
 */
export async function deleteAccount(
  deps: Deps,
  userId: string,
  password: string,
  client: ClientInfo,
): Promise<void> {
  const user = await requireActiveUser(deps, userId);
  await checkMemberPassword(deps, user, password, client, "DELETE_ACCOUNT");
  const deleted = await deps.env.DB.prepare(
    `UPDATE users SET status = 'DELETED', deleted_at = ?3, updated_at = ?3
    WHERE id = ?1 AND status = 'ACTIVE' AND password_hash = ?2 AND ${notLockedSql("users", "?3")}`,
  )
    .bind(userId, user.passwordHash, deps.now)
    .run();
  if (deleted.meta.changes !== 1) await explainRefusal(deps, userId, new AppError("INVALID_CREDENTIALS"));
  deps.waitUntil(queueIndex(deps.env, "people", userId));
  await revokeAllSessions(deps, userId, "ACCOUNT_DELETED");
}
