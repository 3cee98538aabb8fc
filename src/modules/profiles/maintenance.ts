import { type SQL, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import type { MaintenanceTask } from "../../core/module";
import { endorsements, profiles, profileViews, skills } from "../../db/schema";
import { DAY } from "../../platform/clock";
import { name, statement } from "../../platform/db/statements";

/** The purge's `doomed` subquery (text with `?` for the cutoff) as SQL, each `?` bound to `cutoff`. */
function doomedSql(doomed: string, cutoff: number): SQL {
  return sql.join(
    doomed.split("?").map((part) => sql.raw(part)),
    sql`${cutoff}`,
  );
}

/**
 * Counters of the members who stay, before the rows of purged accounts go (`doomed` selects their ids
 * with one `?` bound to the cutoff): endorsement counts of skills they endorsed, view counts of profiles
 * they viewed.
 */
export function purgeProfileCounters(db: D1Database, doomed: string, cutoff: number): D1PreparedStatement[] {
  const d = doomedSql(doomed, cutoff);
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
