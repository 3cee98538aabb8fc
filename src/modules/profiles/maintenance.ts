import type { MaintenanceTask } from "../../core/module";
import { DAY } from "../../platform/clock";

/**
 * Counters of the members who stay, before the rows of purged accounts go (`doomed` selects their ids
 * with one `?` bound to the cutoff): endorsement counts of skills they endorsed, view counts of profiles
 * they viewed.
 */
export function purgeProfileCounters(db: D1Database, doomed: string, cutoff: number): D1PreparedStatement[] {
  return [
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
  ];
}

/**
 * "Who viewed your profile" shows 90 days. There is no index on the time alone (the table is read per
 * viewed member), so the purge scans it: once a day, in the 03:00 UTC run.
 */
export const PROFILE_VIEWS_PURGE: MaintenanceTask = {
  name: "purge-profile-views",
  statements: (db, now) =>
    new Date(now).getUTCHours() === 3
      ? [db.prepare("DELETE FROM profile_views WHERE created_at < ?").bind(now - 90 * DAY)]
      : [],
};
