import { sql } from "drizzle-orm";
import { viewerRef } from "../../core/access/posts";
import { defineTargets, type Target } from "../../core/targets";

/** A conversation is visible to its members only. */
export const conversationTarget: Target = {
  type: "conversation",
  code: "CONVERSATION",
  table: "conversations",
  visibleTo: (viewerId, alias) =>
    viewerId
      ? sql`EXISTS (SELECT 1 FROM conversation_members tm WHERE tm.conversation_id = ${sql.raw(alias)}.id
          AND tm.user_id = ${viewerRef(viewerId)})`
      : sql`0`,
  link: (id) => `/messages/${id}`,
};

export const conversationTargets = defineTargets([conversationTarget]);
