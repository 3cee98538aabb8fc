import type { Context, MiddlewareHandler } from "hono";
import type { AppEnv } from "./env";
import { AppError } from "./errors";
import type { RateDecision, RateRule } from "./rate-limiter";

/**
 * A policy is one or more rules counted together against one subject: the member (`user`) or the client
 * address (`ip`). Each module declares its policies with `defineRateLimits` in its rate-limits.ts and adds
 * their names to `RateLimitPolicies` by interface merging; a limit shared by several modules (block and
 * report) is declared in the core layer.
 */
type Subject = "user" | "ip";
export interface Policy {
  subject: Subject;
  rules: readonly { limit: number; windowMs: number }[];
}
export type PolicyTable = Record<string, Policy>;
export type PoliciesOf<T extends PolicyTable> = { readonly [K in keyof T]: true };

/** Names of every declared policy (interface merging from each module's rate-limits.ts). */
// biome-ignore lint/suspicious/noEmptyInterface: modules add their policies by interface merging
export interface RateLimitPolicies {}
export type RateLimitName = keyof RateLimitPolicies & string;

const POLICIES = new Map<string, Policy>();

/** Registers a module's policies (when its rate-limits.ts loads) and returns the table. */
export function defineRateLimits<const T extends PolicyTable>(table: T): T {
  for (const [name, policy] of Object.entries(table)) {
    if (POLICIES.has(name) && POLICIES.get(name) !== policy)
      throw new Error(`rate limit ${name} defined twice`);
    POLICIES.set(name, policy);
  }
  return table;
}

/** A declared policy; every name in the type is registered once its module is loaded. */
export function policyOf(name: RateLimitName): Policy {
  const policy = POLICIES.get(name);
  if (!policy) throw new Error(`unregistered rate limit ${name}`);
  return policy;
}

/** Every registered policy, by name (documentation and tests). */
export function registeredRateLimits(): ReadonlyMap<string, Policy> {
  return POLICIES;
}

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
  return policyOf(name).rules.map((r, i) => ({
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
  const policy: Policy = policyOf(name);
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
