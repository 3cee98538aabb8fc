import { depsForBackground } from "../../core/deps";
import { publishEvents } from "../../core/events";
import { DAY, MINUTE } from "../../platform/clock";
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

export async function runSearchAlerts(
  env: Bindings,
  now: number,
): Promise<{ checked: number; sent: number }> {
  const { results } = await env.DB.prepare(
    `SELECT s.id, s.user_id AS userId, s.name, s.query, s.type, s.filters, s.alert_since AS since
     FROM saved_searches s JOIN users u ON u.id = s.user_id AND u.status = 'ACTIVE'
     WHERE s.alert_since IS NOT NULL AND (s.alert_frequency = 'INSTANT'
       OR (s.alert_frequency = 'DAILY' AND s.alert_checked_at <= ?1)
       OR (s.alert_frequency = 'WEEKLY' AND s.alert_checked_at <= ?2))
     ORDER BY s.alert_checked_at LIMIT ?3`,
  )
    .bind(now - DAY + SLACK, now - 7 * DAY + SLACK, ALERTS_PER_RUN)
    .all<DueAlert>();
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
    await env.DB.prepare(
      `UPDATE saved_searches SET alert_since = ?1, alert_checked_at = ?1,
         alert_sent_at = CASE WHEN ?2 THEN ?1 ELSE alert_sent_at END
       WHERE id = ?3 AND alert_since = ?4`,
    )
      .bind(now, found > 0 ? 1 : 0, alert.id, alert.since)
      .run();
  }
  return { checked: results.length, sent };
}
