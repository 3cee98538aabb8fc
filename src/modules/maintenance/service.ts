import type { Bindings } from "../../env";
import { DAY } from "../../lib/clock";
import { logError, logInfo } from "../../lib/log";

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
    statements: (db, now) => [db.prepare("DELETE FROM login_history WHERE created_at < ?").bind(now - 90 * DAY)],
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
      ];
      return [
        ...tables.map(([table, column]) =>
          db.prepare(`DELETE FROM ${table} WHERE ${column} IN (${doomed})`).bind(cutoff),
        ),
        db.prepare("DELETE FROM users WHERE status = 'DELETED' AND deleted_at < ?").bind(cutoff),
      ];
    },
  },
];

export async function runScheduled(env: Bindings, now: number, cron: string): Promise<void> {
  for (const task of TASKS) {
    const started = Date.now();
    try {
      await env.DB.batch(task.statements(env.DB, now));
      logInfo(env, "maintenance", { task: task.name, cron, ms: Date.now() - started });
    } catch (err) {
      logError("maintenance failed", { task: task.name, error: String(err) });
    }
  }
}
