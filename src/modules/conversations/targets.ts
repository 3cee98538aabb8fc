import { sql } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import { viewerRef } from "../../core/access/posts";
import { defineTargets, type TargetSpec } from "../../core/targets";
import { conversationMembers, conversations } from "../../db/schema";

const tm = alias(conversationMembers, "tm");

/** A conversation is visible to its members only. */
export const conversationTarget: TargetSpec<typeof conversations> = {
  type: "conversation",
  code: "CONVERSATION",
  table: conversations,
  id: conversations.id,
  visibleTo: (viewerId, c) =>
    viewerId
      ? sql`EXISTS (SELECT 1 FROM ${conversationMembers} ${tm} WHERE ${tm.conversationId} = ${c.id}
          AND ${tm.userId} = ${viewerRef(viewerId)})`
      : sql`0`,
  link: (id) => `/messages/${id}`,
};

export const conversationTargets = defineTargets([conversationTarget]);
