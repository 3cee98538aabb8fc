import type { Context } from "hono";
import type { AppEnv, Bindings } from "../platform/env";
import type { Locale } from "../platform/i18n";
import { createDb, type Db } from "./db";

/** What a service needs from the outside world; routes, queue consumers and cron build it the same way. */
export interface Deps {
  db: Db;
  env: Bindings;
  now: number;
  locale: Locale;
  /** Work that may finish after the response (never required for correctness of the response). */
  waitUntil: (promise: Promise<unknown>) => void;
}

/**
 * A request's services read and write through its D1 session (`c.var.d1`, set for API routes by
 * `d1Session` in src/platform/middleware.ts): `db` and `env.DB` are both the session. `c.env.DB` stays the
 * plain binding, the primary, for the reads that must be current outside a write (e.g. `requireRole`).
 */
export function depsOf(c: Context<AppEnv>): Deps {
  const d1 = c.var.d1;
  return {
    db: createDb(d1 ?? c.env.DB),
    env: d1 ? sessionEnv(c.env, d1) : c.env,
    now: c.var.clock.now(),
    locale: c.var.locale,
    waitUntil: (p) => {
      try {
        c.executionCtx.waitUntil(p);
      } catch {
        // No execution context (app.request in unit tests): just let the promise run.
        p.catch(() => {});
      }
    },
  };
}

const sessionEnvs = new WeakMap<D1Database, Bindings>();

function sessionEnv(env: Bindings, d1: D1Database): Bindings {
  let withSession = sessionEnvs.get(d1);
  if (!withSession) {
    withSession = { ...env, DB: d1 };
    sessionEnvs.set(d1, withSession);
  }
  return withSession;
}

export function depsForBackground(env: Bindings, now: number, ctx?: ExecutionContext): Deps {
  return {
    db: createDb(env.DB),
    env,
    now,
    locale: "ar",
    waitUntil: (p) => (ctx ? ctx.waitUntil(p) : void p.catch(() => {})),
  };
}
