import { type BlockPair, isActiveStatus } from "../../core/access/twins";
import { ID_PATTERN } from "../../platform/ids";
import type { AllowMessages, ConversationType, PairFacts, Role } from "./rules";
import type { Attachment } from "./schemas";

/**
 * The D1 reads and writes the chat room needs (raw prepared statements: the room runs them on its hot
 * path and batches them), next to the service that owns the tables; the statements of group membership and
 * invitations are in ./membership-store.ts.
 */

export interface RoomMember {
  userId: string;
  role: Role;
  joinedSeq: number;
  username: string;
  active: boolean;
  mutedUntil: number | null;
  readSeq: number;
  deliveredSeq: number;
}

export interface RoomSnapshot {
  type: ConversationType;
  members: RoomMember[];
  /**
   * Every block with a member on either side, as [blocker, blocked]: the other side may be a former
   * member, whose messages stay in the log and stay hidden from the member (a block hides both sides
   * everywhere).
   */
  blocks: BlockPair[];
}

export async function loadRoom(db: D1Database, conversationId: string): Promise<RoomSnapshot | null> {
  const [conv, members, blocks] = await db.batch([
    db.prepare("SELECT type FROM conversations WHERE id = ?").bind(conversationId),
    db
      .prepare(
        `SELECT m.user_id AS userId, m.role, m.joined_seq AS joinedSeq, u.username, u.status,
          m.muted_until AS mutedUntil, m.last_read_seq AS readSeq, m.last_delivered_seq AS deliveredSeq
        FROM conversation_members m JOIN users u ON u.id = m.user_id WHERE m.conversation_id = ?`,
      )
      .bind(conversationId),
    db
      .prepare(
        `SELECT b.blocker_id AS a, b.blocked_id AS b FROM conversation_members m
          JOIN blocks b ON b.blocker_id = m.user_id WHERE m.conversation_id = ?1
        UNION SELECT b.blocker_id, b.blocked_id FROM conversation_members m
          JOIN blocks b ON b.blocked_id = m.user_id WHERE m.conversation_id = ?1`,
      )
      .bind(conversationId),
  ]);
  const type = (conv?.results[0] as { type: ConversationType } | undefined)?.type;
  if (!type) return null;
  return {
    type,
    // The room keeps the account status as the twin of `activeUserSql` (src/core/access/twins.ts).
    members: ((members?.results ?? []) as (Omit<RoomMember, "active"> & { status: string })[]).map(
      ({ status, ...m }) => ({ ...m, active: isActiveStatus(status) }),
    ),
    blocks: ((blocks?.results ?? []) as { a: string; b: string }[]).map((r): BlockPair => [r.a, r.b]),
  };
}

/** Everything that decides whether `senderId` may message `recipientId`, in one query. */
export async function pairFacts(db: D1Database, senderId: string, recipientId: string): Promise<PairFacts> {
  const row = await db
    .prepare(
      `SELECT EXISTS (SELECT 1 FROM blocks WHERE (blocker_id = ?1 AND blocked_id = ?2) OR (blocker_id = ?2 AND blocked_id = ?1)) AS blocked,
        EXISTS (SELECT 1 FROM users WHERE id = ?2 AND status = 'ACTIVE') AS active,
        COALESCE((SELECT allow_messages FROM profiles WHERE user_id = ?2), 'EVERYONE') AS allows,
        EXISTS (SELECT 1 FROM connections WHERE user_id = ?1 AND other_id = ?2) AS connected`,
    )
    .bind(senderId, recipientId)
    .first<{ blocked: number; active: number; allows: AllowMessages; connected: number }>();
  return {
    blocked: row?.blocked === 1,
    recipientActive: row?.active === 1,
    recipientAllows: row?.allows ?? "EVERYONE",
    connected: row?.connected === 1,
  };
}

/** Members who blocked `viewerId` or whom `viewerId` blocked. */
export async function blockedAround(db: D1Database, viewerId: string): Promise<Set<string>> {
  const { results } = await db
    .prepare(
      "SELECT blocked_id AS id FROM blocks WHERE blocker_id = ?1 UNION SELECT blocker_id FROM blocks WHERE blocked_id = ?1",
    )
    .bind(viewerId)
    .all<{ id: string }>();
  return new Set(results.map((r) => r.id));
}

/**
 * Which of these conversations `userId` is a member of, in one query: a resume asks this before waking
 * any chat room, so made-up ids cost one D1 read and no Durable Object.
 */
export async function membershipsAmong(
  db: D1Database,
  userId: string,
  conversationIds: string[],
): Promise<Set<string>> {
  const ids = conversationIds.filter((id) => ID_PATTERN.test(id));
  if (ids.length === 0) return new Set();
  const { results } = await db
    .prepare(
      `SELECT conversation_id AS id FROM conversation_members
        WHERE user_id = ?1 AND conversation_id IN (SELECT value FROM json_each(?2))`,
    )
    .bind(userId, JSON.stringify(ids))
    .all<{ id: string }>();
  return new Set(results.map((r) => r.id));
}

const ATTACHABLE = ["POST_IMAGE", "VIDEO", "DOCUMENT", "RESUME"];

/**
 * Checks and records a message's attachments in one round trip: the attachments in the order given when
 * every one is the sender's own READY media (else null). Each is recorded in `message_attachments` for the
 * conversation before the message exists, so a member who receives the message can open the file at once
 * (media/policy.ts admits members who joined before the attachment was recorded).
 */
export async function recordAttachments(
  db: D1Database,
  conversationId: string,
  senderId: string,
  ids: string[],
  now: number,
): Promise<Attachment[] | null> {
  if (ids.length === 0) return [];
  const wanted = JSON.stringify(ids);
  const own = `FROM media WHERE id IN (SELECT value FROM json_each(?1)) AND owner_id = ?2 AND status = 'READY'
    AND kind IN (${ATTACHABLE.map((k) => `'${k}'`).join(", ")})`;
  const [, read] = await db.batch([
    db
      .prepare(
        `INSERT INTO message_attachments (conversation_id, media_id, sender_id, created_at)
          SELECT ?3, id, owner_id, ?4 ${own} AND (SELECT COUNT(*) ${own}) = json_array_length(?1)
          ON CONFLICT (conversation_id, media_id) DO NOTHING`,
      )
      .bind(wanted, senderId, conversationId, now),
    db
      .prepare(`SELECT id, kind, mime_type AS mimeType, size, width, height, alt_text AS altText ${own}`)
      .bind(wanted, senderId),
  ]);
  const byId = new Map(((read?.results ?? []) as Attachment[]).map((m) => [m.id, m]));
  const ordered = ids.map((id) => byId.get(id));
  return ordered.every((m) => m !== undefined) ? (ordered as Attachment[]) : null;
}

/** Forgets the attachments of a message deleted for everyone: its files are the sender's alone again. */
export function forgetAttachments(
  db: D1Database,
  conversationId: string,
  mediaIds: string[],
): D1PreparedStatement {
  return db
    .prepare(
      "DELETE FROM message_attachments WHERE conversation_id = ?1 AND media_id IN (SELECT value FROM json_each(?2))",
    )
    .bind(conversationId, JSON.stringify(mediaIds));
}

/** What the room writes back to D1 after messages were stored: the list summary and receipt positions. */
export interface RoomSummary {
  lastSeq: number;
  messageCount: number;
  last: { seq: number; senderId: string; preview: string | null; at: number } | null;
  /** Senders' own read positions (sending a message reads everything before it). */
  reads: { userId: string; seq: number; count: number }[];
  /** Delivered positions, grouped by value. */
  delivered: { seq: number; userIds: string[] }[];
  now: number;
}

export function summaryStatements(
  db: D1Database,
  conversationId: string,
  s: RoomSummary,
): D1PreparedStatement[] {
  const out: D1PreparedStatement[] = [
    db
      .prepare(
        `UPDATE conversations SET last_seq = max(last_seq, ?2), message_count = max(message_count, ?3),
          last_message_seq = ?4, last_message_sender_id = ?5, last_message_preview = ?6, last_message_at = ?7,
          last_activity_at = max(last_activity_at, COALESCE(?7, 0)), updated_at = ?8
        WHERE id = ?1`,
      )
      .bind(
        conversationId,
        s.lastSeq,
        s.messageCount,
        s.last?.seq ?? null,
        s.last?.senderId ?? null,
        s.last?.preview ?? null,
        s.last?.at ?? null,
        s.now,
      ),
  ];
  for (const r of s.reads) out.push(readStatement(db, conversationId, r.userId, r.seq, r.count));
  for (const d of s.delivered) {
    out.push(
      db
        .prepare(
          `UPDATE conversation_members SET last_delivered_seq = ?2
          WHERE conversation_id = ?1 AND user_id IN (SELECT value FROM json_each(?3)) AND last_delivered_seq < ?2`,
        )
        .bind(conversationId, d.seq, JSON.stringify(d.userIds)),
    );
  }
  return out;
}

export function readStatement(
  db: D1Database,
  conversationId: string,
  userId: string,
  seq: number,
  count: number,
): D1PreparedStatement {
  return db
    .prepare(
      `UPDATE conversation_members SET last_read_seq = max(last_read_seq, ?3), read_count = max(read_count, ?4),
        last_delivered_seq = max(last_delivered_seq, ?3)
      WHERE conversation_id = ?1 AND user_id = ?2`,
    )
    .bind(conversationId, userId, seq, count);
}
