import { and, eq, gt, isNull, or } from "drizzle-orm";
import { isUniqueViolation } from "../../db/errors";
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
import { markSessionsRevoked } from "../../lib/auth";
import { DAY, isoAt, MINUTE } from "../../lib/clock";
import { randomDigits, randomToken, sha256Hex, timingSafeEqual } from "../../lib/crypto";
import type { Deps } from "../../lib/deps";
import { AppError } from "../../lib/errors";
import type { Locale } from "../../lib/i18n";
import { newId } from "../../lib/ids";
import {
  configuredIterations,
  dummyPasswordHash,
  hashPassword,
  passwordProblems,
  verifyPassword,
} from "../../lib/password";
import { ACCESS_TOKEN_TTL_SECONDS, signAccessToken } from "../../lib/tokens";
import { queueEmail } from "../email/service";
import { disconnectUser } from "../realtime/hub";
import { queueIndex } from "../search/queue";

export const VERIFICATION_TTL_MS = 15 * MINUTE;
export const VERIFICATION_MAX_ATTEMPTS = 5;
export const RESET_TTL_MS = 15 * MINUTE;
export const REFRESH_TTL_MS = 7 * DAY;
export const LOCKOUT_THRESHOLD = 5;
export const LOCKOUT_MS = 15 * MINUTE;
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

export async function verifyEmail(deps: Deps, email: string, code: string) {
  const { db, now } = deps;
  const user = await db.query.users.findFirst({
    where: and(eq(users.email, email), eq(users.status, "ACTIVE")),
  });
  if (!user) throw new AppError("INVALID_CODE");
  if (user.emailVerifiedAt !== null) return { verified: true };
  const pending = await db.query.emailVerifications.findFirst({
    where: eq(emailVerifications.userId, user.id),
  });
  if (!pending || pending.expiresAt <= now || pending.attempts >= VERIFICATION_MAX_ATTEMPTS) {
    throw new AppError("INVALID_CODE");
  }
  if (!timingSafeEqual(pending.codeHash, await codeHash(user.id, code))) {
    await db
      .update(emailVerifications)
      .set({ attempts: pending.attempts + 1 })
      .where(eq(emailVerifications.userId, user.id));
    throw new AppError("INVALID_CODE");
  }
  await db.batch([
    db.update(users).set({ emailVerifiedAt: now, updatedAt: now }).where(eq(users.id, user.id)),
    db.delete(emailVerifications).where(eq(emailVerifications.userId, user.id)),
  ]);
  await queueEmail(deps.env, `welcome:${user.id}`, {
    to: user.email,
    locale: emailLocale(user.locale),
    template: "welcome",
    data: { name: user.displayName },
  });
  return { verified: true };
}

/** Same answer whether or not the address is registered. */
export async function resendVerification(deps: Deps, email: string): Promise<void> {
  const user = await deps.db.query.users.findFirst({
    where: and(eq(users.email, email), eq(users.status, "ACTIVE")),
  });
  if (user && user.emailVerifiedAt === null) await issueVerificationCode(deps, user);
}

export interface ClientInfo {
  ip: string | null;
  userAgent: string | null;
}

async function createSession(deps: Deps, user: UserRow, client: ClientInfo) {
  const { db, now } = deps;
  const sessionId = newId(now);
  const refreshToken = randomToken(32);
  await db.batch([
    db.insert(sessions).values({
      id: sessionId,
      userId: user.id,
      userAgent: client.userAgent?.slice(0, 300) ?? null,
      ip: client.ip,
      createdAt: now,
      lastUsedAt: now,
      expiresAt: now + REFRESH_TTL_MS,
    }),
    db.insert(refreshTokens).values({ tokenHash: await sha256Hex(refreshToken), sessionId, createdAt: now }),
    db.insert(loginHistory).values({
      id: newId(now),
      userId: user.id,
      success: true,
      ip: client.ip,
      userAgent: client.userAgent?.slice(0, 300) ?? null,
      createdAt: now,
    }),
  ]);
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

function lockedError(lockedUntil: number, now: number): AppError {
  return new AppError("ACCOUNT_LOCKED", undefined, {
    "Retry-After": String(Math.max(1, Math.ceil((lockedUntil - now) / 1000))),
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
  if (user.lockedUntil !== null && user.lockedUntil > now) {
    await recordFailure(deps, user.id, "LOCKED", client);
    throw lockedError(user.lockedUntil, now);
  }
  const result = await verifyPassword(password, user.passwordHash, iterations);
  if (!result.ok) {
    const failures = user.failedLogins + 1;
    const locked = failures >= LOCKOUT_THRESHOLD;
    await db.batch([
      db
        .update(users)
        .set(locked ? { failedLogins: 0, lockedUntil: now + LOCKOUT_MS } : { failedLogins: failures })
        .where(eq(users.id, user.id)),
      db.insert(loginHistory).values({
        id: newId(now),
        userId: user.id,
        success: false,
        reason: locked ? "LOCKED_NOW" : "BAD_PASSWORD",
        ip: client.ip,
        userAgent: client.userAgent?.slice(0, 300) ?? null,
        createdAt: now,
      }),
    ]);
    if (locked) throw lockedError(now + LOCKOUT_MS, now);
    throw new AppError("INVALID_CREDENTIALS");
  }
  if (user.failedLogins > 0 || user.lockedUntil !== null || result.needsRehash) {
    await db
      .update(users)
      .set({
        failedLogins: 0,
        lockedUntil: null,
        ...(result.needsRehash ? { passwordHash: await hashPassword(password, iterations) } : {}),
      })
      .where(eq(users.id, user.id));
  }
  return createSession(deps, user, client);
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
  const claimed = await db
    .update(passwordResets)
    .set({ usedAt: now })
    .where(and(eq(passwordResets.tokenHash, hash), isNull(passwordResets.usedAt)))
    .run();
  if (claimed.meta.changes !== 1) throw new AppError("INVALID_RESET_TOKEN");
  const passwordHash = await hashPassword(
    newPassword,
    configuredIterations(deps.env.PASSWORD_PBKDF2_ITERATIONS),
  );
  await db
    .update(users)
    .set({ passwordHash, failedLogins: 0, lockedUntil: null, updatedAt: now })
    .where(eq(users.id, found.user.id));
  await revokeAllSessions(deps, found.user.id, "PASSWORD_RESET");
}

async function requireActiveUser(deps: Deps, userId: string): Promise<UserRow> {
  const user = await deps.db.query.users.findFirst({
    where: and(eq(users.id, userId), eq(users.status, "ACTIVE")),
  });
  if (!user) throw new AppError("UNAUTHENTICATED");
  return user;
}

export async function changePassword(
  deps: Deps,
  userId: string,
  sessionId: string,
  currentPassword: string,
  newPassword: string,
): Promise<void> {
  const iterations = configuredIterations(deps.env.PASSWORD_PBKDF2_ITERATIONS);
  const user = await requireActiveUser(deps, userId);
  if (!(await verifyPassword(currentPassword, user.passwordHash, iterations)).ok) {
    throw new AppError("INVALID_CREDENTIALS");
  }
  weakPassword(newPassword, user);
  await deps.db
    .update(users)
    .set({ passwordHash: await hashPassword(newPassword, iterations), updatedAt: deps.now })
    .where(eq(users.id, userId));
  // Every other device signs in again; this one keeps working.
  await revokeAllSessions(deps, userId, "PASSWORD_CHANGED", sessionId);
}

export async function getMe(deps: Deps, userId: string) {
  return toUser(await requireActiveUser(deps, userId));
}

/** Soft delete: hidden at once, sessions revoked, rows purged by the daily cron after 30 days. */
export async function deleteAccount(deps: Deps, userId: string, password: string): Promise<void> {
  const iterations = configuredIterations(deps.env.PASSWORD_PBKDF2_ITERATIONS);
  const user = await requireActiveUser(deps, userId);
  if (!(await verifyPassword(password, user.passwordHash, iterations)).ok)
    throw new AppError("INVALID_CREDENTIALS");
  await deps.db
    .update(users)
    .set({ status: "DELETED", deletedAt: deps.now, updatedAt: deps.now })
    .where(eq(users.id, userId));
  deps.waitUntil(queueIndex(deps.env, "people", userId));
  await revokeAllSessions(deps, userId, "ACCOUNT_DELETED");
}

/** Requires a verified email for content creation; the token says so, the database has the last word. */
export async function assertEmailVerified(
  deps: Deps,
  user: { id: string; emailVerified: boolean },
): Promise<void> {
  if (user.emailVerified) return;
  const row = await deps.db.query.users.findFirst({
    columns: { emailVerifiedAt: true },
    where: eq(users.id, user.id),
  });
  if (!row || row.emailVerifiedAt === null) throw new AppError("EMAIL_NOT_VERIFIED");
}
