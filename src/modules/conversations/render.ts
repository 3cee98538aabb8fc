import { isoAt } from "../../platform/clock";
import { type MessageFacts, preview, seesMember, type Viewer } from "./rules";
import type { Attachment, Message } from "./schemas";

/** A message as the chat room stores it (its SQLite row). */
export interface MessageRow {
  seq: number;
  n: number;
  sender_id: string;
  client_id: string;
  text: string | null;
  attachments: string;
  mentions: string;
  reply_to: number | null;
  created_at: number;
  edited_at: number | null;
  deleted_at: number | null;
}

export interface ReactionRow {
  message_seq: number;
  user_id: string;
  emoji: string;
}

/** The facts the edit and delete rules (./rules.ts) read of a stored message. */
export function messageFacts(row: Pick<MessageRow, "sender_id" | "created_at" | "deleted_at">): MessageFacts {
  return { senderId: row.sender_id, createdAt: row.created_at, deletedAt: row.deleted_at };
}

export type ReplyTarget = Pick<MessageRow, "seq" | "sender_id" | "text" | "edited_at" | "deleted_at">;

function stateOf(row: Pick<MessageRow, "edited_at" | "deleted_at">): Message["state"] {
  return row.deleted_at !== null ? "DELETED" : row.edited_at !== null ? "EDITED" : "SENT";
}

function groupReactions(rows: ReactionRow[]): Message["reactions"] {
  const byEmoji = new Map<string, string[]>();
  for (const r of rows) {
    const list = byEmoji.get(r.emoji);
    if (list) list.push(r.user_id);
    else byEmoji.set(r.emoji, [r.user_id]);
  }
  return [...byEmoji].map(([emoji, userIds]) => ({ emoji, count: userIds.length, userIds }));
}

/**
 * The one representation of a message, for HTTP answers, acks and live events alike, as `viewer` sees it:
 * `quoted` is the message it replies to only when the viewer may see that one (`maySee`), else null, and
 * reactions and mentions leave out members hidden from the viewer.
 */
export function renderMessage(
  conversationId: string,
  row: MessageRow,
  reactions: ReactionRow[],
  quoted: ReplyTarget | null | undefined,
  viewer: Viewer,
): Message {
  const deleted = row.deleted_at !== null;
  const reply = row.reply_to === null ? null : quoted;
  return {
    conversationId,
    seq: row.seq,
    clientId: row.client_id,
    senderId: row.sender_id,
    state: stateOf(row),
    text: deleted ? null : row.text,
    attachments: deleted ? [] : (JSON.parse(row.attachments) as Attachment[]),
    mentions: deleted ? [] : (JSON.parse(row.mentions) as string[]).filter((id) => seesMember(viewer, id)),
    replyTo: reply
      ? {
          seq: reply.seq,
          senderId: reply.sender_id,
          preview: preview(reply.text, reply.deleted_at !== null),
          state: stateOf(reply),
        }
      : null,
    reactions: deleted ? [] : groupReactions(reactions.filter((r) => seesMember(viewer, r.user_id))),
    createdAt: isoAt(row.created_at),
    editedAt: row.edited_at === null ? null : isoAt(row.edited_at),
    deletedAt: row.deleted_at === null ? null : isoAt(row.deleted_at),
  };
}
