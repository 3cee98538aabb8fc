import type { z } from "@hono/zod-openapi";
import { type SQL, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import { activeUserSql, notBlocked } from "../../core/access/members";
import { userCardJsonSql } from "../../core/cards";
import type { Deps } from "../../core/deps";
import { blocks, conversationMembers, conversations } from "../../db/schema";
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

// The summary query's copies: the reader's membership `m`, its conversation `c`, the other member of a 1:1 `o`.
const m = alias(conversationMembers, "m");
const c = alias(conversations, "c");
const o = alias(conversationMembers, "o");
const hx = alias(conversationMembers, "hx");

/**
 * Members of the conversation `c` that a block (either way) hides from the reader: walked from the
 * reader's own blocks (usually none), each checked by the membership primary key.
 */
function hiddenMemberCountSql(userId: string): SQL {
  return sql`(SELECT count(*) FROM ${conversationMembers} ${hx} WHERE ${hx.conversationId} = ${c.id} AND ${hx.userId} IN
    (SELECT ${blocks.blockedId} FROM ${blocks} WHERE ${blocks.blockerId} = ${userId}
     UNION SELECT ${blocks.blockerId} FROM ${blocks} WHERE ${blocks.blockedId} = ${userId}))`;
}

/**
 * The member's view of their conversations; a 1:1 with a blocked or inactive member is not there, and
 * `memberCount` counts only the members the reader can see (members hidden by a block are not counted).
 */
function summarySql(userId: string, where: SQL): SQL {
  return sql`SELECT ${c.id} AS id, ${c.type} AS type, ${c.name} AS name, ${c.avatarMediaId} AS avatarMediaId,
      ${c.memberCount} - ${hiddenMemberCountSql(userId)} AS memberCount,
      ${c.lastSeq} AS lastSeq, ${c.messageCount} AS messageCount, ${c.lastMessageSeq} AS lastMessageSeq,
      ${c.lastMessageSenderId} AS lastMessageSenderId, ${c.lastMessagePreview} AS lastMessagePreview,
      ${c.lastMessageAt} AS lastMessageAt, ${c.lastActivityAt} AS lastActivityAt, ${c.createdAt} AS createdAt,
      ${m.role} AS role, ${m.lastReadSeq} AS readSeq, ${m.readCount} AS readCount, ${m.mutedUntil} AS mutedUntil,
      ${m.archived} AS archived, ${m.pinned} AS pinned, ${userCardJsonSql(o.userId)} AS peer
    FROM ${conversationMembers} ${m} JOIN ${conversations} ${c} ON ${c.id} = ${m.conversationId}
    LEFT JOIN ${conversationMembers} ${o} ON ${c.type} = 'DIRECT' AND ${o.conversationId} = ${c.id} AND ${o.userId} != ${m.userId}
    WHERE ${m.userId} = ${userId}
      AND (${c.type} = 'GROUP' OR (${activeUserSql(o.userId)} AND ${notBlocked(userId, o.userId)}))
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

/** The list's order: pinned first, then latest activity. */
const listOrder = keyset("desc", {
  p: { column: m.pinned, type: "number", of: (r: SummaryRow) => r.pinned },
  t: { column: c.lastActivityAt, type: "number", of: (r: SummaryRow) => r.lastActivityAt },
  id: { column: c.id, type: "string", of: (r: SummaryRow) => r.id },
});

export async function listConversations(
  deps: Deps,
  userId: string,
  query: { cursor?: string | undefined; limit: number; archived: boolean },
) {
  const rows = await deps.db.all<SummaryRow>(
    sql`${summarySql(
      userId,
      sql`${m.archived} = ${query.archived ? 1 : 0} AND (${c.type} = 'GROUP' OR ${c.messageCount} > 0 OR ${c.createdBy} = ${userId})
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
  const x = alias(conversationMembers, "x");
  const members = sql`(SELECT json_group_array(json_object('user', json(${userCardJsonSql(x.userId)}),
      'role', ${x.role}, 'joinedAt', ${x.joinedAt}, 'readSeq', ${x.lastReadSeq}, 'deliveredSeq', ${x.lastDeliveredSeq}))
    FROM (SELECT * FROM ${conversationMembers} WHERE ${conversationMembers.conversationId} = ${c.id}
      ORDER BY ${conversationMembers.joinedAt}, ${conversationMembers.userId}) ${x}
    WHERE ${activeUserSql(x.userId)} AND ${notBlocked(userId, x.userId)})`;
  const row = await deps.db.get<SummaryRow & { members: string }>(
    sql`SELECT * FROM (${summarySql(userId, sql`${c.id} = ${conversationId}`)}) s,
      (SELECT ${members} AS members FROM ${conversations} ${c} WHERE ${c.id} = ${conversationId})`,
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
