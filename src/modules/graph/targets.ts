import { sql } from "drizzle-orm";
import { activeUserSql, blockedEitherWaySql } from "../../core/access/members";
import { viewerRef } from "../../core/access/posts";
import { defineTargets, type TargetSpec } from "../../core/targets";
import { profiles, users } from "../../db/schema";

/**
 * A member as a target (followed, reported): visible while active and not blocked either way. A follow
 * counts on both profiles: the followed member's follower count and the follower's following count.
 */
const userSpec: TargetSpec<typeof users> = {
  type: "user",
  code: "USER",
  table: users,
  id: users.id,
  owner: users.id,
  visibleTo: (viewerId, u) =>
    viewerId
      ? sql`(${activeUserSql(u.id)} AND NOT ${blockedEitherWaySql(viewerRef(viewerId), u.id)})`
      : activeUserSql(u.id),
  snapshot: (u) =>
    sql`json_object('id', ${u.id}, 'username', ${u.username}, 'displayName', ${u.displayName},
      'headline', (SELECT ${profiles.headline} FROM ${profiles} WHERE ${profiles.userId} = ${u.id}))`,
  counters: {
    followers: { column: profiles.followerCount, key: profiles.userId },
    following: { column: profiles.followingCount, key: profiles.userId },
  },
};

export const graphTargets = defineTargets([userSpec]);
export const userTarget = graphTargets[0]!;
