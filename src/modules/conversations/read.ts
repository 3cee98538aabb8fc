import type { z } from "@hono/zod-openapi";
import { type SQL, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import { activeUserSql, notBlocked } from "../../core/access/members";
import { userCardJsonSql } from "../../core/cards";
import type { Deps } from "../../core/deps";
import { conversationMembers, conversations } from "../../db/schema";
import { isoAt } from "../../platform/clock";
import { keyset } from "../../platform/db/keyset";
import { AppError } from "../../platform/errors";
import { ID_PATTERN } from "../../platform/ids";
import { isMuted, MUTED_FOREVER, type Role } from "./rules";
import type { Conversation, ConversationDetailSchema } from "./schemas";

/** Reading conversations: the list, one conversation with its members, and member ids. */
export type ConversationDetail = z.infer<typeof ConversationDetailSchema>;

interface SummaryRow {
  id: string;
  type: "DIRECT" | "GROUP";
  name: string | null;
  avatarMediaId: string | null;
  memberCount: number;
  lastSeq: number;
  messageCount: number;
  lastMessageSeq: number | null;
  lastMessageSenderId: string | null;
  lastMessagePreview: string | null;
  lastMessageAt: number | null;
  lastActivityAt: number;
  createdAt: number;
  role: Role;
  readSeq: number;
  readCount: number;
  mutedUntil: number | null;
  archived: number;
  pinned: number;
  peer: string | null;
}

/**
 * Members of the conversation `c` that a block (either way) hides from the reader: walked from the
 * reader's own blocks (usually none), each checked by the membership primary key.
 */
function hiddenMemberCountSql(userId: string): SQL {
  return sql`(SELECT count(*) FROM conversation_members hx WHERE hx.conversation_id = c.id AND hx.user_id IN
    (SELECT blocked_id FROM blocks WHERE blocker_id = ${userId} UNION SELECT blocker_id FROM blocks WHERE blocked_id = ${userId}))`;
}

/**
 * The member's view of their conversations; a 1:1 with a blocked or inactive member is not there, and
 * `memberCount` counts only the members the reader can see (members hidden by a block are not counted).
 */
function summarySql(userId: string, where: SQL): SQL {
  return sql`SELECT c.id, c.type, c.name, c.avatar_media_id AS avatarMediaId,
      c.member_count - ${hiddenMemberCountSql(userId)} AS memberCount,
      c.last_seq AS lastSeq, c.message_count AS messageCount, c.last_message_seq AS lastMessageSeq,
      c.last_message_sender_id AS lastMessageSenderId, c.last_message_preview AS lastMessagePreview,
      c.last_message_at AS lastMessageAt, c.last_activity_at AS lastActivityAt, c.created_at AS createdAt,
      m.role, m.last_read_seq AS readSeq, m.read_count AS readCount, m.muted_until AS mutedUntil,
      m.archived, m.pinned, ${userCardJsonSql(sql`o.user_id`)} AS peer
    FROM conversation_members m JOIN conversations c ON c.id = m.conversation_id
    LEFT JOIN conversation_members o ON c.type = 'DIRECT' AND o.conversation_id = c.id AND o.user_id != m.user_id
    WHERE m.user_id = ${userId}
      AND (c.type = 'GROUP' OR (${activeUserSql(sql`o.user_id`)} AND ${notBlocked(userId, sql`o.user_id`)}))
      AND ${where}`;
}

function toConversation(r: SummaryRow, now: number): Conversation {
  const muted = isMuted(r.mutedUntil, now);
  return {
    id: r.id,
    type: r.type,
    name: r.name,
    avatarMediaId: r.avatarMediaId,
    memberCount: r.memberCount,
    peer: r.peer ? JSON.parse(r.peer) : null,
    lastSeq: r.lastSeq,
    lastMessage:
      r.lastMessageSeq !== null && r.lastMessageSenderId !== null && r.lastMessageAt !== null
        ? {
            seq: r.lastMessageSeq,
            senderId: r.lastMessageSenderId,
            preview: r.lastMessagePreview,
            at: isoAt(r.lastMessageAt),
          }
        : null,
    unreadCount: Math.max(0, r.messageCount - r.readCount),
    role: r.role,
    readSeq: r.readSeq,
    muted,
    mutedUntil: muted && r.mutedUntil !== MUTED_FOREVER ? isoAt(r.mutedUntil!) : null,
    archived: r.archived === 1,
    pinned: r.pinned === 1,
    lastActivityAt: isoAt(r.lastActivityAt),
    createdAt: isoAt(r.createdAt),
  };
}

/** The list's order: pinned first, then latest activity (`m` and `c` are the summary query's copies). */
const listedMember = alias(conversationMembers, "m");
const listedConversation = alias(conversations, "c");
const listOrder = keyset("desc", {
  p: { column: listedMember.pinned, type: "number", of: (r: SummaryRow) => r.pinned },
  t: { column: listedConversation.lastActivityAt, type: "number", of: (r: SummaryRow) => r.lastActivityAt },
  id: { column: listedConversation.id, type: "string", of: (r: SummaryRow) => r.id },
});

export async function listConversations(
  deps: Deps,
  userId: string,
  query: { cursor?: string | undefined; limit: number; archived: boolean },
) {
  const rows = await deps.db.all<SummaryRow>(
    sql`${summarySql(
      userId,
      sql`m.archived = ${query.archived ? 1 : 0} AND (c.type = 'GROUP' OR c.message_count > 0 OR c.created_by = ${userId})
        AND ${listOrder.after(query.cursor)}`,
    )} ORDER BY ${listOrder.orderBy} LIMIT ${query.limit + 1}`,
  );
  const page = listOrder.page(rows, query.limit);
  return { data: page.data.map((r) => toConversation(r, deps.now)), nextCursor: page.nextCursor };
}

export async function getConversation(
  deps: Deps,
  userId: string,
  conversationId: string,
): Promise<ConversationDetail> {
  if (!ID_PATTERN.test(conversationId)) throw new AppError("NOT_FOUND");
  // One round trip: the summary row carries its members as a JSON array.
  const members = sql`(SELECT json_group_array(json_object('user', json(${userCardJsonSql(sql`x.user_id`)}),
      'role', x.role, 'joinedAt', x.joined_at, 'readSeq', x.last_read_seq, 'deliveredSeq', x.last_delivered_seq))
    FROM (SELECT * FROM conversation_members WHERE conversation_id = c.id ORDER BY joined_at, user_id) x
    WHERE ${activeUserSql(sql`x.user_id`)} AND ${notBlocked(userId, sql`x.user_id`)})`;
  const row = await deps.db.get<SummaryRow & { members: string }>(
    sql`SELECT * FROM (${summarySql(userId, sql`c.id = ${conversationId}`)}) s, (SELECT ${members} AS members FROM conversations c WHERE c.id = ${conversationId})`,
  );
  if (!row) throw new AppError("NOT_FOUND");
  const list = JSON.parse(row.members) as {
    user: Conversation["peer"];
    role: Role;
    joinedAt: number;
    readSeq: number;
    deliveredSeq: number;
  }[];
  return {
    ...toConversation(row, deps.now),
    members: list.map((m) => ({ ...m, user: m.user!, joinedAt: isoAt(m.joinedAt) })),
  };
}

// ---------------------------------------------------------------- create
