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

export function depsOf(c: Context<AppEnv>): Deps {
  return {
    db: createDb(c.env.DB),
    env: c.env,
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

export function depsForBackground(env: Bindings, now: number, ctx?: ExecutionContext): Deps {
  return {
    db: createDb(env.DB),
    env,
    now,
    locale: "ar",
    waitUntil: (p) => (ctx ? ctx.waitUntil(p) : void p.catch(() => {})),
  };
}
