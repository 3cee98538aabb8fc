import { DAY } from "../../platform/clock";
import { sweepStatements } from "./fts";

/** Hour (UTC) of the daily index sweep: the cron runs hourly, the sweep reads the whole index. */
export const SWEEP_HOUR_UTC = 4;

/**
 * Cron task (declared in the search module's manifest): saved searches of purged accounts go with
 * them; once a day the index drops entries whose entity disappeared without a message, and old tombstones.
 */
export const searchMaintenanceTask = {
  name: "search-maintenance",
  statements: (db: D1Database, now: number): D1PreparedStatement[] => [
    db
      .prepare(
        `DELETE FROM saved_searches WHERE user_id IN (SELECT id FROM users WHERE status = 'DELETED' AND deleted_at < ?)
          OR NOT EXISTS (SELECT 1 FROM users WHERE users.id = saved_searches.user_id)`,
      )
      .bind(now - 30 * DAY),
    ...(new Date(now).getUTCHours() === SWEEP_HOUR_UTC ? sweepStatements(db, now) : []),
  ],
};
