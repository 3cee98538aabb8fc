import { DurableObject } from "cloudflare:workers";

/**
 * Fixed-window counters for one subject (a member id or a client IP). One object per subject keeps a
 * member's limits in one place near them and makes every check atomic without a database round trip.
 * Windows are aligned to multiples of their length since the epoch, so a 1-day window resets at 00:00 UTC.
 */
export interface RateRule {
  /** Counter name, e.g. "posts" or "auth-login". */
  name: string;
  limit: number;
  windowMs: number;
}

export interface RateDecision {
  allowed: boolean;
  /** The rule that decided: the refusing one, or the one with the least room left. */
  name: string;
  limit: number;
  remaining: number;
  resetAt: number;
}

interface Window {
  start: number;
  count: number;
}

export class RateLimiter extends DurableObject {
  private readonly windows = new Map<string, Window>();

  constructor(ctx: DurableObjectState, env: unknown) {
    super(ctx, env as never);
    ctx.storage.sql.exec(
      "CREATE TABLE IF NOT EXISTS windows (name TEXT PRIMARY KEY, start INTEGER NOT NULL, count INTEGER NOT NULL)",
    );
    for (const row of ctx.storage.sql.exec<{ name: string; start: number; count: number }>(
      "SELECT name, start, count FROM windows",
    )) {
      this.windows.set(row.name, { start: row.start, count: row.count });
    }
  }

  /** Counts one hit against every rule, unless one of them is already exhausted (then nothing is counted). */
  hit(rules: RateRule[], now: number): RateDecision {
    const current = rules.map((rule) => {
      const start = now - (now % rule.windowMs);
      const stored = this.windows.get(rule.name);
      const count = stored && stored.start === start ? stored.count : 0;
      return { rule, start, count };
    });
    const refused = current.find((c) => c.count >= c.rule.limit);
    if (refused) return decision(refused.rule, refused.start, refused.count, false);

    let tightest: RateDecision | undefined;
    for (const c of current) {
      const count = c.count + 1;
      this.windows.set(c.rule.name, { start: c.start, count });
      this.ctx.storage.sql.exec(
        "INSERT INTO windows (name, start, count) VALUES (?, ?, ?) ON CONFLICT(name) DO UPDATE SET start = excluded.start, count = excluded.count",
        c.rule.name,
        c.start,
        count,
      );
      const d = decision(c.rule, c.start, count, true);
      if (!tightest || d.remaining < tightest.remaining) tightest = d;
    }
    return tightest ?? { allowed: true, name: "", limit: 0, remaining: 0, resetAt: now };
  }

  /** Forgets a counter, e.g. failed logins after a successful one. */
  reset(name: string): void {
    this.windows.delete(name);
    this.ctx.storage.sql.exec("DELETE FROM windows WHERE name = ?", name);
  }
}

function decision(rule: RateRule, start: number, count: number, allowed: boolean): RateDecision {
  return {
    allowed,
    name: rule.name,
    limit: rule.limit,
    remaining: Math.max(0, rule.limit - count),
    resetAt: start + rule.windowMs,
  };
}
