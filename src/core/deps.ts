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
 * `d1Session` in src/platform/middleware.ts): `db` and `env.DB` are both the session, which starts on the
 * primary for every method but GET and HEAD. `c.env.DB` stays the plain binding, the primary.
 *
 * `"primary"`: the services use the primary even on a GET. For a GET that writes after deciding on what it
 * read (the e-mail unsubscribe link), and for any read that must be current, where a replica's lag would
 * let a stale row decide.
 */
export function depsOf(c: Context<AppEnv>, reads: "session" | "primary" = "session"): Deps {
  const d1 = reads === "session" ? c.var.d1 : undefined;
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
