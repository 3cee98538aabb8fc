import { sql } from "drizzle-orm";
import { activeUserSql, blockedEitherWaySql } from "../../core/access/members";
import { viewerRef } from "../../core/access/posts";
import { defineTargets, type Target } from "../../core/targets";

/** A member as a target (followed, reported): visible while active and not blocked either way. */
export const userTarget: Target = {
  type: "user",
  code: "USER",
  table: "users",
  ownerColumn: "id",
  visibleTo: (viewerId, alias) => {
    const id = sql.raw(`${alias}.id`);
    return viewerId
      ? sql`(${activeUserSql(id)} AND NOT ${blockedEitherWaySql(viewerRef(viewerId), id)})`
      : activeUserSql(id);
  },
};

export const graphTargets = defineTargets([userTarget]);
