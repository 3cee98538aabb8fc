import { and, eq, gt, isNull, or, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import type { Deps } from "../../core/deps";
import { markSessionsRevoked } from "../../core/identity/auth";
import {
  configuredIterations,
  dummyPasswordHash,
  hashPassword,
  verifyPassword,
} from "../../core/identity/password";
import { ACCESS_TOKEN_TTL_SECONDS, signAccessToken } from "../../core/identity/tokens";
import { disconnectUser } from "../../core/live";
import { loginHistory, refreshTokens, sessions, users } from "../../db/schema";
import { DAY, isoAt } from "../../platform/clock";
import { randomToken, sha256Hex } from "../../platform/crypto";
import { changed, runBatch } from "../../platform/db/batch";
import { name } from "../../platform/db/statements";
import { AppError } from "../../platform/errors";
import { newId } from "../../platform/ids";
import { toUser, type UserRow } from "./account";
import { type ClientInfo, countFailure, explainRefusal, isLocked, lockedError, notLocked } from "./lockout";

/** Sign-in, refresh-token rotation and sessions (listing and revoking them). */
export const REFRESH_TTL_MS = 7 * DAY;
export const LOGIN_HISTORY_TTL_MS = 90 * DAY;

/**
 * Signs in after a right password: the session, its refresh token, the history row and the reset of the
 * failure count are one batch, and the session is inserted only if the member is still active and not
 * locked at that moment (a concurrent failure may have locked the account while this hash was checked);
 * the other statements follow the session. `rehash` replaces a hash made with fewer iterations.
 */
async function createSession(deps: Deps, user: UserRow, client: ClientInfo, rehash: string | null) {
  const { db, now } = deps;
  const sessionId = newId(now);
  const refreshToken = randomToken(32);
  const userAgent = client.userAgent?.slice(0, 300) ?? null;
  const sessionMade = sql`EXISTS (SELECT 1 FROM ${sessions} WHERE ${sessions.id} = ${sessionId})`;
  const u = alias(users, "u");
  const [made] = await runBatch(db, [
    db.run(sql`INSERT INTO ${sessions} (${name(sessions.id)}, ${name(sessions.userId)}, ${name(sessions.userAgent)},
        ${name(sessions.ip)}, ${name(sessions.createdAt)}, ${name(sessions.lastUsedAt)}, ${name(sessions.expiresAt)})
      SELECT ${sessionId}, ${user.id}, ${userAgent}, ${client.ip}, ${now}, ${now}, ${now + REFRESH_TTL_MS}
      FROM ${users} ${u}
      WHERE ${u.id} = ${user.id} AND ${u.status} = 'ACTIVE' AND ${notLocked(u.lockedUntil, now)}`),
    db.run(sql`INSERT INTO ${refreshTokens} (${name(refreshTokens.tokenHash)}, ${name(refreshTokens.sessionId)},
        ${name(refreshTokens.createdAt)})
      SELECT ${await sha256Hex(refreshToken)}, ${sessionId}, ${now} WHERE ${sessionMade}`),
    db.run(sql`INSERT INTO ${loginHistory} (${name(loginHistory.id)}, ${name(loginHistory.userId)},
        ${name(loginHistory.success)}, ${name(loginHistory.reason)}, ${name(loginHistory.ip)},
        ${name(loginHistory.userAgent)}, ${name(loginHistory.createdAt)})
      SELECT ${newId(now)}, ${user.id}, 1, NULL, ${client.ip}, ${userAgent}, ${now} WHERE ${sessionMade}`),
    db.run(sql`UPDATE ${users} SET ${name(users.failedLogins)} = 0, ${name(users.lockedUntil)} = NULL,
        ${name(users.passwordHash)} = COALESCE(${rehash}, ${users.passwordHash})
      WHERE ${users.id} = ${user.id} AND ${sessionMade}
        AND (${users.failedLogins} <> 0 OR ${users.lockedUntil} IS NOT NULL OR ${rehash} IS NOT NULL)`),
  ]);
  if (changed(made) !== 1) {
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
