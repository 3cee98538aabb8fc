import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

/**
 * Messaging in D1: conversations, membership and the conversation list. Messages themselves
 * live in each conversation's ChatRoom Durable Object, which is their authority; the room writes the
 * summary columns here (last_* , message_count, receipts) after it has stored and fanned out a message.
 *
 * Sequence numbers: every change in a conversation (new message, edit, delete, reaction) gets the next
 * number of that conversation's log (`seq`, gap-free). A message is identified by the seq of the event
 * that created it. Unread counts use message ordinals: unread = message_count - read_count.
 */
export const conversations = sqliteTable(
  "conversations",
  {
    id: text("id").primaryKey(),
    type: text("type", { enum: ["DIRECT", "GROUP"] }).notNull(),
    /** DIRECT only: min(a, b) + ":" + max(a, b), unique, so a pair has exactly one conversation. */
    pairKey: text("pair_key"),
    name: text("name"),
    avatarMediaId: text("avatar_media_id"),
    createdBy: text("created_by").notNull(),
    memberCount: integer("member_count").notNull().default(0),
    /** Last log sequence written back by the room. */
    lastSeq: integer("last_seq").notNull().default(0),
    /** Number of messages ever sent (tombstones included). */
    messageCount: integer("message_count").notNull().default(0),
    lastMessageSeq: integer("last_message_seq"),
    lastMessageSenderId: text("last_message_sender_id"),
    /** First characters of the latest message ("" for attachments only, null when deleted). */
    lastMessagePreview: text("last_message_preview"),
    lastMessageAt: integer("last_message_at"),
    /** Sort key of the conversation list: the latest message, or the creation time. */
    lastActivityAt: integer("last_activity_at").notNull(),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [uniqueIndex("conversations_pair_unique").on(t.pairKey).where(sql`pair_key IS NOT NULL`)],
);

export const conversationMembers = sqliteTable(
  "conversation_members",
  {
    conversationId: text("conversation_id").notNull(),
    userId: text("user_id").notNull(),
    role: text("role", { enum: ["ADMIN", "MEMBER"] })
      .notNull()
      .default("MEMBER"),
    joinedAt: integer("joined_at").notNull(),
    /** History is visible to this member after this sequence (0 = from the start). */
    joinedSeq: integer("joined_seq").notNull().default(0),
    lastReadSeq: integer("last_read_seq").notNull().default(0),
    /** Message ordinal at last_read_seq (unread = conversations.message_count - read_count). */
    readCount: integer("read_count").notNull().default(0),
    lastDeliveredSeq: integer("last_delivered_seq").notNull().default(0),
    /** Muted until this time (ms); a far-future value means "until unmuted". */
    mutedUntil: integer("muted_until"),
    archived: integer("archived", { mode: "boolean" }).notNull().default(false),
    pinned: integer("pinned", { mode: "boolean" }).notNull().default(false),
  },
  (t) => [
    primaryKey({ columns: [t.conversationId, t.userId] }),
    index("conversation_members_user_idx").on(t.userId, t.archived, t.pinned),
  ],
);

/**
 * Group invitations: an admin adds their connections to a group directly; anyone else is invited and
 * becomes a member only by accepting. A row stays after it is answered (ACCEPTED, DECLINED), so a declined
 * invitation is not repeated for 30 days and the inviter's daily quota counts every invitation sent.
 */
export const conversationInvitations = sqliteTable(
  "conversation_invitations",
  {
    conversationId: text("conversation_id").notNull(),
    userId: text("user_id").notNull(),
    invitedBy: text("invited_by").notNull(),
    status: text("status", { enum: ["PENDING", "ACCEPTED", "DECLINED"] }).notNull(),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.conversationId, t.userId] }),
    index("conversation_invitations_user_idx").on(t.userId, t.status, t.updatedAt),
    index("conversation_invitations_inviter_idx").on(t.invitedBy, t.createdAt),
  ],
);

/**
 * Media attached to chat messages. Messages live in the chat room, so this is what lets the media rule
 * (media/policy.ts) admit a conversation's members to an attachment: members who joined before it was
 * sent. Written before the message is stored, removed when the message is deleted for everyone.
 */
export const messageAttachments = sqliteTable(
  "message_attachments",
  {
    conversationId: text("conversation_id").notNull(),
    mediaId: text("media_id").notNull(),
    senderId: text("sender_id").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.conversationId, t.mediaId] }),
    index("message_attachments_media_idx").on(t.mediaId),
    index("message_attachments_sender_idx").on(t.senderId),
  ],
);

/** Last known presence of each member, written by their UserHub when it changes (online/away/offline). */
export const presence = sqliteTable("presence", {
  userId: text("user_id").primaryKey(),
  status: text("status", { enum: ["online", "away", "offline"] }).notNull(),
  lastSeenAt: integer("last_seen_at").notNull(),
  updatedAt: integer("updated_at").notNull(),
});
