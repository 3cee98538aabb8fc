import { sql } from "drizzle-orm";
import type { Context, MiddlewareHandler } from "hono";
import { users } from "../../db/schema";
import type { Clock } from "../../platform/clock";
import { statement } from "../../platform/db/statements";
import type { AppEnv, Bindings } from "../../platform/env";
import { AppError } from "../../platform/errors";
import type { Actor, Role } from "./actor";
import { ACCESS_TOKEN_TTL_SECONDS, verifyAccessToken } from "./tokens";

/**
 * Authentication is stateless on the hot path: the access token is verified with its HMAC key, then a
 * session revocation list in KV is consulted (logout, logout-all, password reset, account deletion write
 * to it). A "not revoked" answer is remembered in the isolate for a few seconds; revocations made in this
 * isolate are seen at once, others within REVOCATION_CACHE_MS (KV itself propagates within about 60 s).
 */
const REVOCATION_CACHE_MS = 10_000;
const notRevokedUntil = new Map<string, number>();

const revokedKey = (sessionId: string) => `revoked-session:${sessionId}`;

export async function markSessionsRevoked(env: Pick<Bindings, "KV">, sessionIds: string[]): Promise<void> {
  await Promise.all(
    sessionIds.map((sid) => {
      notRevokedUntil.delete(sid);
      // An access token lives at most ACCESS_TOKEN_TTL_SECONDS, so the marker can expire after that.
      return env.KV.put(revokedKey(sid), "1", { expirationTtl: ACCESS_TOKEN_TTL_SECONDS + 60 });
    }),
  );
}

async function isRevoked(env: Pick<Bindings, "KV">, sessionId: string, now: number): Promise<boolean> {
  const until = notRevokedUntil.get(sessionId);
  if (until !== undefined && until > now) return false;
  const revoked = (await env.KV.get(revokedKey(sessionId))) !== null;
  if (!revoked) {
    if (notRevokedUntil.size > 10_000) notRevokedUntil.clear();
    notRevokedUntil.set(sessionId, now + REVOCATION_CACHE_MS);
  }
  return revoked;
}

type SessionEnv = Pick<Bindings, "KV" | "JWT_SECRET" | "JWT_SECRET_PREVIOUS" | "ENVIRONMENT">;

/**
 * The one check of an access token, with or without a request: signature and expiry at `clock`'s time,
 * then the session revocation list. HTTP requests (`authenticate`) and sockets renewing their token in
 * the UserHub both call it.
 */
export async function verifySession(env: SessionEnv, clock: Clock, token: string): Promise<Actor> {
  const now = Date.now();
  const user = await verifyAccessToken(env, token, clock.now());
  if (await isRevoked(env, user.sessionId, now)) throw new AppError("INVALID_TOKEN");
  return user;
}

export function authenticate(c: Context<AppEnv>, token: string): Promise<Actor> {
  return verifySession(c.env, c.var.clock, token);
}

/** Global: reads `Authorization: Bearer` when present. A bad or expired token is always a 401. */
export const readAuth: MiddlewareHandler<AppEnv> = async (c, next) => {
  const header = c.req.header("authorization");
  if (header) {
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw new AppError("INVALID_TOKEN");
    c.set("user", await authenticate(c, match[1]!));
  }
  await next();
};

export const requireAuth: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (!c.var.user) throw new AppError("UNAUTHENTICATED");
  await next();
};

export function currentUser(c: Context<AppEnv>): Actor {
  const user = c.var.user;
  if (!user) throw new AppError("UNAUTHENTICATED");
  return user;
}

/**
 * Route middleware: the caller must hold one of `roles`. The token's role claim is not enough for these
 * routes: a role granted or revoked a minute ago would be wrong in a token for up to 15 minutes, so the
 * current role is read from D1 (one indexed read, on administrative routes only) and becomes `c.var.role`.
 * Place it after `requireAuth`.
 */
export function requireRole(...roles: Role[]): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const user = currentUser(c);
    const row = await statement(
      c.env.DB,
      sql`SELECT ${users.role} AS role FROM ${users} WHERE ${users.id} = ${user.id} AND ${users.status} = 'ACTIVE'`,
    ).first<{ role: string }>();
    if (!row || !roles.includes(row.role as Role)) throw new AppError("FORBIDDEN");
    c.set("role", row.role as Role);
    await next();
  };
}
