import type { Context, MiddlewareHandler } from "hono";
import { DAY, HOUR, MINUTE } from "./clock";
import type { AppEnv } from "./env";
import { AppError } from "./errors";
import type { RateDecision, RateRule } from "./rate-limiter";

/**
 * Every rate limit in one table (PRODUCT.md, seed 000 §7.3). A policy is one or more rules counted
 * together against one subject: the member (`user`) or the client address (`ip`).
 */
type Subject = "user" | "ip";
interface Policy {
  subject: Subject;
  rules: { limit: number; windowMs: number }[];
}

export const RATE_LIMITS = {
  // Auth endpoints, per client IP.
  "auth-register": {
    subject: "ip",
    rules: [
      { limit: 10, windowMs: HOUR },
      { limit: 50, windowMs: DAY },
    ],
  },
  "auth-login": {
    subject: "ip",
    rules: [
      { limit: 20, windowMs: MINUTE },
      { limit: 300, windowMs: DAY },
    ],
  },
  "auth-refresh": { subject: "ip", rules: [{ limit: 60, windowMs: MINUTE }] },
  "auth-email": {
    subject: "ip",
    rules: [
      { limit: 5, windowMs: 15 * MINUTE },
      { limit: 30, windowMs: DAY },
    ],
  },
  "auth-code": { subject: "ip", rules: [{ limit: 20, windowMs: 15 * MINUTE }] },
  // Verification codes resent to one member, whatever the client's address (each code allows 5 guesses).
  "verification-codes": { subject: "user", rules: [{ limit: 10, windowMs: DAY }] },
  // Routes that check a signed-in member's password (change password, delete account), per member.
  "auth-password": {
    subject: "user",
    rules: [
      { limit: 5, windowMs: 15 * MINUTE },
      { limit: 20, windowMs: DAY },
    ],
  },
  // Per member.
  posts: { subject: "user", rules: [{ limit: 100, windowMs: 15 * MINUTE }] },
  reactions: { subject: "user", rules: [{ limit: 60, windowMs: MINUTE }] },
  reposts: { subject: "user", rules: [{ limit: 10, windowMs: HOUR }] },
  bookmarks: { subject: "user", rules: [{ limit: 50, windowMs: HOUR }] },
  comments: { subject: "user", rules: [{ limit: 60, windowMs: 15 * MINUTE }] },
  follow: { subject: "user", rules: [{ limit: 50, windowMs: HOUR }] },
  connections: { subject: "user", rules: [{ limit: 100, windowMs: DAY }] },
  "block-report": { subject: "user", rules: [{ limit: 10, windowMs: DAY }] },
  endorsements: { subject: "user", rules: [{ limit: 20, windowMs: DAY }] },
  // Seed 000 says 10/h, but "My network" loads suggestions on every visit and the query is one statement.
  suggestions: { subject: "user", rules: [{ limit: 60, windowMs: HOUR }] },
  search: { subject: "user", rules: [{ limit: 30, windowMs: MINUTE }] },
  "saved-search": { subject: "user", rules: [{ limit: 10, windowMs: DAY }] },
  media: { subject: "user", rules: [{ limit: 20, windowMs: HOUR }] },
  messages: { subject: "user", rules: [{ limit: 50, windowMs: MINUTE }] },
  // Starting conversations (1:1 or group); sending is counted by "messages".
  conversations: { subject: "user", rules: [{ limit: 30, windowMs: HOUR }] },
  // Web Push subscriptions (a browser registers once per sign-in) and unsubscribe links (per IP, no auth).
  push: { subject: "user", rules: [{ limit: 20, windowMs: HOUR }] },
  unsubscribe: { subject: "ip", rules: [{ limit: 30, windowMs: 15 * MINUTE }] },
} as const satisfies Record<string, Policy>;

export type RateLimitName = keyof typeof RATE_LIMITS;

/**
 * The client's address as the platform reports it: CF-Connecting-IP, which Cloudflare sets on every request
 * (replacing any value the client sent) and Miniflare/wrangler dev set from the socket. No header a client
 * can choose (X-Real-IP, X-Forwarded-For) is read: it would give every request a fresh per-IP budget.
 * Absent only when a local runtime has no entry worker in front (the bench); those requests share one budget.
 */
export function clientIp(c: Context<AppEnv>): string {
  return c.req.header("cf-connecting-ip") ?? "local";
}

function rulesOf(name: RateLimitName): RateRule[] {
  return RATE_LIMITS[name].rules.map((r, i) => ({
    name: `${name}:${i}`,
    limit: r.limit,
    windowMs: r.windowMs,
  }));
}

/** Counts one hit for `name` against `subjectKey` and throws 429 RATE_LIMITED when refused. */
export async function enforceRateLimit(
  c: Context<AppEnv>,
  name: RateLimitName,
  subjectKey?: string,
): Promise<RateDecision> {
  const policy: Policy = RATE_LIMITS[name];
  const key = subjectKey ?? (policy.subject === "user" ? c.var.user?.id : undefined) ?? `ip:${clientIp(c)}`;
  const now = c.var.clock.now();
  const stub = c.env.RATE_LIMITER.get(c.env.RATE_LIMITER.idFromName(key));
  const decision = await stub.hit(rulesOf(name), now);
  const resetSeconds = Math.max(1, Math.ceil((decision.resetAt - now) / 1000));
  const headers = {
    "RateLimit-Limit": String(decision.limit),
    "RateLimit-Remaining": String(decision.remaining),
    "RateLimit-Reset": String(resetSeconds),
  };
  if (!decision.allowed) {
    throw new AppError("RATE_LIMITED", undefined, { ...headers, "Retry-After": String(resetSeconds) });
  }
  for (const [k, v] of Object.entries(headers)) c.header(k, v);
  return decision;
}

/**
 * The same count outside an HTTP request (WebSocket frames handled in a Durable Object, services shared
 * by HTTP and WebSocket paths): counts one hit for `name` against `subjectKey`, throws 429 when refused.
 */
export async function enforceRateLimitFor(
  env: Pick<AppEnv["Bindings"], "RATE_LIMITER">,
  name: RateLimitName,
  subjectKey: string,
  now: number,
): Promise<RateDecision> {
  const decision = await env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName(subjectKey)).hit(
    rulesOf(name),
    now,
  );
  if (!decision.allowed) {
    const resetSeconds = Math.max(1, Math.ceil((decision.resetAt - now) / 1000));
    throw new AppError("RATE_LIMITED", undefined, { "Retry-After": String(resetSeconds) });
  }
  return decision;
}

/** Counts one hit like enforceRateLimitFor, answering whether it was allowed instead of throwing. */
export async function hasRateLimitLeft(
  env: Pick<AppEnv["Bindings"], "RATE_LIMITER">,
  name: RateLimitName,
  subjectKey: string,
  now: number,
): Promise<boolean> {
  const decision = await env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName(subjectKey)).hit(
    rulesOf(name),
    now,
  );
  return decision.allowed;
}

/** Route middleware form of enforceRateLimit. Place it after authentication for per-member limits. */
export function rateLimit(name: RateLimitName): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    await enforceRateLimit(c, name);
    await next();
  };
}
