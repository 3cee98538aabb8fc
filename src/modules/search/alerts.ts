import { sql } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import { depsForBackground } from "../../core/deps";
import { publishEvents } from "../../core/events";
import { savedSearches, users } from "../../db/schema";
import { DAY, MINUTE } from "../../platform/clock";
import { name, statement } from "../../platform/db/statements";
import type { Bindings } from "../../platform/env";
import { logError } from "../../platform/log";
import { runSearch } from "./query";
import type { SearchFilters } from "./schemas";
import type { SearchType } from "./types";

/**
 * Saved-search alerts, run by the hourly cron (src/core/cron.ts). INSTANT alerts are
 * checked on every run, DAILY ones when a day has passed since their last check, WEEKLY ones after a week
 * (a few minutes of slack absorb cron jitter). A check runs the saved search as its owner (same engine,
 * same visibility and blocks), restricted to results created after the watermark; if there are any,
 * the owner gets one `system` notification. The watermark then moves to the time of the check.
 * The event key names the window, so a check repeated after a crash does not notify twice.
 */
export const ALERTS_PER_RUN = 200;
const SLACK = 10 * MINUTE;
const SHOWN = 20;

interface DueAlert {
  id: string;
  userId: string;
  name: string;
  query: string;
  type: SearchType;
  filters: string;
  since: number;
}

const s = alias(savedSearches, "s");
const u = alias(users, "u");

export async function runSearchAlerts(
  env: Bindings,
  now: number,
): Promise<{ checked: number; sent: number }> {
  const { results } = await statement(
    env.DB,
    sql`SELECT ${s.id}, ${s.userId} AS userId, ${s.name}, ${s.query}, ${s.type}, ${s.filters}, ${s.alertSince} AS since
      FROM ${savedSearches} ${s} JOIN ${users} ${u} ON ${u.id} = ${s.userId} AND ${u.status} = 'ACTIVE'
      WHERE ${s.alertSince} IS NOT NULL AND (${s.alertFrequency} = 'INSTANT'
        OR (${s.alertFrequency} = 'DAILY' AND ${s.alertCheckedAt} <= ${now - DAY + SLACK})
        OR (${s.alertFrequency} = 'WEEKLY' AND ${s.alertCheckedAt} <= ${now - 7 * DAY + SLACK}))
      ORDER BY ${s.alertCheckedAt} LIMIT ${ALERTS_PER_RUN}`,
  ).all<DueAlert>();
  const deps = depsForBackground(env, now);
  let sent = 0;
  for (const alert of results) {
    let found = 0;
    let more = false;
    try {
      const page = await runSearch(deps, alert.userId, {
        q: alert.query,
        type: alert.type,
        filters: JSON.parse(alert.filters) as SearchFilters,
        page: 1,
        limit: SHOWN,
        prefix: true,
        createdAfter: alert.since,
        createdUntil: now,
      });
      found = page.data.length;
      more = page.hasMore;
      if (found > 0) {
        const count = more ? `${found}+` : String(found);
        await publishEvents(env, [
          {
            key: `search_alert:${alert.id}:${alert.since}`,
            event: {
              type: "system",
              actorId: "system",
              recipientId: alert.userId,
              target: { type: "saved_search", id: alert.id },
              data: {
                kind: "search_alert",
                savedSearchId: alert.id,
                name: alert.name,
                q: alert.query,
                searchType: alert.type,
                count: found,
                more,
                textEn: `${count} new results for your saved search "${alert.name}"`,
                textAr: `نتائج جديدة (${count}) لبحثك المحفوظ «${alert.name}»`,
                link: `/search?saved=${alert.id}`,
              },
              at: now,
            },
          },
        ]);
        sent++;
      }
    } catch (err) {
      // The watermark stays, so the window is checked again on the next run.
      logError("search alert failed", { id: alert.id, error: String(err) });
      continue;
    }
    // Moves the watermark only if the alert was not changed or removed meanwhile.
    const t = savedSearches;
    await statement(
      env.DB,
      sql`UPDATE ${t} SET ${name(t.alertSince)} = ${now}, ${name(t.alertCheckedAt)} = ${now},
          ${name(t.alertSentAt)} = CASE WHEN ${found > 0 ? 1 : 0} THEN ${now} ELSE ${t.alertSentAt} END
        WHERE ${t.id} = ${alert.id} AND ${t.alertSince} = ${alert.since}`,
    ).run();
  }
  return { checked: results.length, sent };
}
