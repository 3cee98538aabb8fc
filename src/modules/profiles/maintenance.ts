import { type SQL, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import type { MaintenanceTask } from "../../core/module";
import { endorsements, profiles, profileViews, skills } from "../../db/schema";
import { DAY } from "../../platform/clock";
import { name, statement } from "../../platform/db/statements";

/**
 * Counters of the members who stay, before the rows of purged accounts go (`doomed` selects their ids
 * ): endorsement counts of skills they endorsed, view counts of profiles
 * they viewed.
 */
export function purgeProfileCounters(db: D1Database, doomed: SQL): D1PreparedStatement[] {
  const d = doomed;
  const e = alias(endorsements, "e");
  const v = alias(profileViews, "v");
  return [
    statement(
      db,
      sql`UPDATE ${skills} SET ${name(skills.endorsementCount)} = (SELECT COUNT(*) FROM ${endorsements} ${e}
          WHERE ${e.skillId} = ${skills.id} AND ${e.endorserId} NOT IN (${d}))
        WHERE ${skills.id} IN (SELECT ${endorsements.skillId} FROM ${endorsements} WHERE ${endorsements.endorserId} IN (${d}))`,
    ),
    statement(
      db,
      sql`UPDATE ${profiles} SET ${name(profiles.viewCount)} = ${name(profiles.viewCount)} - (SELECT COUNT(*)
          FROM ${profileViews} ${v} WHERE ${v.viewedId} = ${profiles.userId} AND ${v.viewerId} IN (${d}))
        WHERE ${profiles.userId} IN (SELECT ${profileViews.viewedId} FROM ${profileViews} WHERE ${profileViews.viewerId} IN (${d}))`,
    ),
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
      ? [statement(db, sql`DELETE FROM ${profileViews} WHERE ${profileViews.createdAt} < ${now - 90 * DAY}`)]
      : [],
};
