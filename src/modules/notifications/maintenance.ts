import { type SQL, sql } from "drizzle-orm";
import type { MaintenanceTask } from "../../core/module";
import {
  notificationActors,
  notificationPreferences,
  notifications,
  pushSubscriptions,
} from "../../db/schema";
import { DAY } from "../../platform/clock";
import { name, statement } from "../../platform/db/statements";
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
    statement(
      db,
      sql`DELETE FROM ${notificationActors} WHERE ${notificationActors.notificationId} IN
        (SELECT ${notifications.id} FROM ${notifications} WHERE ${notifications.updatedAt} < ${now - RETENTION_MS})`,
    ),
    statement(db, sql`DELETE FROM ${notifications} WHERE ${notifications.updatedAt} < ${now - RETENTION_MS}`),
    statement(
      db,
      sql`UPDATE ${notifications} SET ${name(notifications.pending)} = 0
        WHERE ${notifications.pending} > 0 AND ${notifications.deliverAt} < ${now - GIVE_UP_MS}`,
    ),
  ],
};

/** Rows of accounts deleted for good (`doomed` selects their ids). */
export function purgeNotificationsOf(db: D1Database, doomed: SQL): D1PreparedStatement[] {
  const gone = doomed;
  return [
    sql`DELETE FROM ${notificationActors} WHERE ${notificationActors.notificationId} IN
      (SELECT ${notifications.id} FROM ${notifications} WHERE ${notifications.userId} IN (${gone}))`,
    sql`DELETE FROM ${notificationActors} WHERE ${notificationActors.actorId} IN (${gone})`,
    sql`DELETE FROM ${notifications} WHERE ${notifications.userId} IN (${gone})`,
    sql`DELETE FROM ${notificationPreferences} WHERE ${notificationPreferences.userId} IN (${gone})`,
    sql`DELETE FROM ${pushSubscriptions} WHERE ${pushSubscriptions.userId} IN (${gone})`,
  ].map((query) => statement(db, query));
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
