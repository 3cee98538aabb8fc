import type { Bindings } from "../../env";
import { DAY } from "../../lib/clock";
import { logError, logInfo } from "../../lib/log";
import { purgeMessagingOf } from "../conversations/maintenance";
import { refreshHotPostsTask } from "../feed/service";
import { expireConnectionRequests, purgeGraphOf } from "../graph/maintenance";
import { refreshTrendingTask } from "../hashtags/trending";
import { purgeMedia } from "../media/maintenance";
import {
  purgeNotificationsOf,
  purgeNotificationsTask,
  runNotificationsCron,
} from "../notifications/maintenance";
import { purgeContentOf } from "../posts/maintenance";
import { runSearchAlerts } from "../search/alerts";
import { searchMaintenanceTask, upgradeSearchIndex } from "../search/maintenance";

/**
 * Housekeeping run by the cron trigger. Each task is a set of idempotent SQL statements, so a run that is
 * repeated or overlaps with another does no harm. Modules add their own tasks to TASKS.
 */
export interface MaintenanceTask {
  name: string;
  statements: (db: D1Database, now: number) => D1PreparedStatement[];
}

export const TASKS: MaintenanceTask[] = [
  {
    name: "purge-login-history",
    statements: (db, now) => [
      db.prepare("DELETE FROM login_history WHERE created_at < ?").bind(now - 90 * DAY),
    ],
  },
  {
    // "Who viewed your profile" shows 90 days. There is no index on the time alone (the table is read per
    // viewed member), so the purge scans it: once a day, in the 03:00 UTC run.
    name: "purge-profile-views",
    statements: (db, now) =>
      new Date(now).getUTCHours() === 3
        ? [db.prepare("DELETE FROM profile_views WHERE created_at < ?").bind(now - 90 * DAY)]
        : [],
  },
  {
    name: "purge-expired-credentials",
    statements: (db, now) => [
      db.prepare("DELETE FROM password_resets WHERE expires_at < ?").bind(now - DAY),
      db.prepare("DELETE FROM email_verifications WHERE expires_at < ?").bind(now - DAY),
      db
        .prepare(
          "DELETE FROM refresh_tokens WHERE session_id IN (SELECT id FROM sessions WHERE expires_at < ? OR revoked_at < ?)",
        )
        .bind(now - DAY, now - DAY),
      db.prepare("DELETE FROM sessions WHERE expires_at < ? OR revoked_at < ?").bind(now - DAY, now - DAY),
      db.prepare("DELETE FROM queue_receipts WHERE processed_at < ?").bind(now - 7 * DAY),
    ],
  },
  refreshTrendingTask,
  refreshHotPostsTask,
  purgeNotificationsTask,
  searchMaintenanceTask,
  {
    name: "expire-connection-requests",
    statements: (db, now) => expireConnectionRequests(db, now),
  },
  {
    // Accounts deleted more than 30 days ago lose every row that belongs to them.
    name: "purge-deleted-accounts",
    statements: (db, now) => {
      const cutoff = now - 30 * DAY;
      const doomed = "SELECT id FROM users WHERE status = 'DELETED' AND deleted_at < ?";
      const tables: [string, string][] = [
        ["profiles", "user_id"],
        ["user_preferences", "user_id"],
        ["experiences", "user_id"],
        ["educations", "user_id"],
        ["skills", "user_id"],
        ["sessions", "user_id"],
        ["login_history", "user_id"],
        ["email_verifications", "user_id"],
        ["password_resets", "user_id"],
        ["profile_views", "viewer_id"],
        ["profile_views", "viewed_id"],
        ["endorsements", "endorser_id"],
        ["endorsements", "owner_id"],
      ];
      return [
        // Content first: it decrements hashtag follower counts from follows rows the graph purge deletes.
        ...purgeContentOf(db, doomed, cutoff),
        ...purgeGraphOf(db, doomed, cutoff),
        ...purgeMessagingOf(db, doomed, cutoff),
        ...purgeNotificationsOf(db, doomed, cutoff),
        // Counters of the members who stay must still equal their rows once the doomed rows are gone.
        db
          .prepare(
            `UPDATE skills SET endorsement_count = (SELECT COUNT(*) FROM endorsements e WHERE e.skill_id = skills.id
              AND e.endorser_id NOT IN (${doomed})) WHERE id IN (SELECT skill_id FROM endorsements WHERE endorser_id IN (${doomed}))`,
          )
          .bind(cutoff, cutoff),
        db
          .prepare(
            `UPDATE profiles SET view_count = view_count - (SELECT COUNT(*) FROM profile_views v WHERE v.viewed_id = profiles.user_id
              AND v.viewer_id IN (${doomed})) WHERE user_id IN (SELECT viewed_id FROM profile_views WHERE viewer_id IN (${doomed}))`,
          )
          .bind(cutoff, cutoff),
        ...tables.map(([table, column]) =>
          db.prepare(`DELETE FROM ${table} WHERE ${column} IN (${doomed})`).bind(cutoff),
        ),
        db.prepare("DELETE FROM users WHERE status = 'DELETED' AND deleted_at < ?").bind(cutoff),
      ];
    },
  },
];

export async function runScheduled(env: Bindings, now: number, cron: string): Promise<void> {
  // Media first: it needs the deleted accounts' rows that "purge-deleted-accounts" removes (R2 too, so not SQL-only).
  try {
    const started = Date.now();
    const purged = await purgeMedia(env, now);
    logInfo(env, "maintenance", { task: "purge-media", cron, ...purged, ms: Date.now() - started });
  } catch (err) {
    logError("maintenance failed", { task: "purge-media", error: String(err) });
  }
  // Overdue push/email deliveries and the digests (queue work, so not SQL-only).
  await runNotificationsCron(env, now, cron);
  // Saved-search alerts (runs searches, so not SQL-only).
  try {
    const started = Date.now();
    const alerts = await runSearchAlerts(env, now);
    logInfo(env, "maintenance", { task: "search-alerts", cron, ...alerts, ms: Date.now() - started });
  } catch (err) {
    logError("maintenance failed", { task: "search-alerts", error: String(err) });
  }
  // An index written by an older analyzer is rebuilt through the search queue (queue work, so not SQL-only).
  try {
    if (await upgradeSearchIndex(env)) logInfo(env, "maintenance", { task: "search-index-upgrade", cron });
  } catch (err) {
    logError("maintenance failed", { task: "search-index-upgrade", error: String(err) });
  }
  for (const task of TASKS) {
    const started = Date.now();
    try {
      const statements = task.statements(env.DB, now);
      if (statements.length === 0) continue; // not this task's hour
      await env.DB.batch(statements);
      logInfo(env, "maintenance", { task: task.name, cron, ms: Date.now() - started });
    } catch (err) {
      logError("maintenance failed", { task: task.name, error: String(err) });
    }
  }
}
