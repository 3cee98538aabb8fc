import type { MaintenanceTask } from "../../core/module";
import { DAY } from "../../platform/clock";
import type { Bindings } from "../../platform/env";
import { logError, logInfo } from "../../platform/log";
import { sweepPendingDeliveries } from "./delivery";
import { runDigests } from "./digests";
import { RETENTION_MS } from "./types";

/** Deliveries that could not go out for this long are given up (the notification stays in the list). */
const GIVE_UP_MS = 3 * DAY;

/** Notifications are kept 90 days after their last update; stale pending deliveries are dropped. */
export const purgeNotificationsTask: MaintenanceTask = {
  name: "purge-notifications",
  statements: (db, now) => [
    db
      .prepare(
        "DELETE FROM notification_actors WHERE notification_id IN (SELECT id FROM notifications WHERE updated_at < ?)",
      )
      .bind(now - RETENTION_MS),
    db.prepare("DELETE FROM notifications WHERE updated_at < ?").bind(now - RETENTION_MS),
    db
      .prepare("UPDATE notifications SET pending = 0 WHERE pending > 0 AND deliver_at < ?")
      .bind(now - GIVE_UP_MS),
  ],
};

/** Rows of accounts deleted for good (`doomed` is a subquery with one `?` bound to `cutoff`). */
export function purgeNotificationsOf(db: D1Database, doomed: string, cutoff: number): D1PreparedStatement[] {
  return [
    db
      .prepare(
        `DELETE FROM notification_actors WHERE notification_id IN (SELECT id FROM notifications WHERE user_id IN (${doomed}))`,
      )
      .bind(cutoff),
    db.prepare(`DELETE FROM notification_actors WHERE actor_id IN (${doomed})`).bind(cutoff),
    db.prepare(`DELETE FROM notifications WHERE user_id IN (${doomed})`).bind(cutoff),
    db.prepare(`DELETE FROM notification_preferences WHERE user_id IN (${doomed})`).bind(cutoff),
    db.prepare(`DELETE FROM push_subscriptions WHERE user_id IN (${doomed})`).bind(cutoff),
  ];
}

/** The cron's notification work that is not plain SQL: overdue deliveries and the email digests. */
export async function runNotificationsCron(env: Bindings, now: number, cron: string): Promise<void> {
  for (const [task, run] of [
    ["notification-deliveries", () => sweepPendingDeliveries(env, now).then((queued) => ({ queued }))],
    ["notification-digests", () => runDigests(env, now)],
  ] as const) {
    const started = Date.now();
    try {
      const result = await run();
      logInfo(env, "maintenance", { task, cron, ...result, ms: Date.now() - started });
    } catch (err) {
      logError("maintenance failed", { task, error: String(err) });
    }
  }
}
