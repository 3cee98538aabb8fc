import { sql } from "drizzle-orm";
import { viewerRef } from "../../core/access/posts";
import { defineTargets, type TargetSpec } from "../../core/targets";
import { conversations } from "../../db/schema";

/** A conversation is visible to its members only. */
export const conversationTarget: TargetSpec = {
  type: "conversation",
  code: "CONVERSATION",
  id: conversations.id,
  visibleTo: (viewerId, alias) =>
    viewerId
      ? sql`EXISTS (SELECT 1 FROM conversation_members tm WHERE tm.conversation_id = ${sql.raw(alias)}.id
          AND tm.user_id = ${viewerRef(viewerId)})`
      : sql`0`,
  link: (id) => `/messages/${id}`,
};

export const conversationTargets = defineTargets([conversationTarget]);
