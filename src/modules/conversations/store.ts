import { sql } from "drizzle-orm";
import { activeUserSql, blockedEitherWaySql, connectedSql } from "../../core/access/members";
import { type BlockPair, isActiveStatus } from "../../core/access/twins";
import {
  blocks,
  conversationMembers,
  conversations,
  media,
  messageAttachments,
  profiles,
  users,
} from "../../db/schema";
import { name, statement } from "../../platform/db/statements";
import { ID_PATTERN } from "../../platform/ids";
import type { AllowMessages, ConversationType, PairFacts, Role } from "./rules";
import type { Attachment } from "./schemas";

/**
 * The D1 reads and writes the chat room needs (D1 statements built with `statement`, so the room can
 * batch them), next to the service that owns the tables; the statements of group membership and
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
  const m = conversationMembers;
  const [conv, members, found] = await db.batch([
    statement(
      db,
      sql`SELECT ${conversations.type} AS type FROM ${conversations} WHERE ${conversations.id} = ${conversationId}`,
    ),
    statement(
      db,
      sql`SELECT ${m.userId} AS userId, ${m.role} AS role, ${m.joinedSeq} AS joinedSeq, ${users.username} AS username,
          ${users.status} AS status, ${m.mutedUntil} AS mutedUntil, ${m.lastReadSeq} AS readSeq,
          ${m.lastDeliveredSeq} AS deliveredSeq
        FROM ${m} JOIN ${users} ON ${users.id} = ${m.userId} WHERE ${m.conversationId} = ${conversationId}`,
    ),
    statement(
      db,
      sql`SELECT ${blocks.blockerId} AS a, ${blocks.blockedId} AS b FROM ${m}
          JOIN ${blocks} ON ${blocks.blockerId} = ${m.userId} WHERE ${m.conversationId} = ${conversationId}
        UNION SELECT ${blocks.blockerId}, ${blocks.blockedId} FROM ${m}
          JOIN ${blocks} ON ${blocks.blockedId} = ${m.userId} WHERE ${m.conversationId} = ${conversationId}`,
    ),
  ]);
  const type = (conv?.results[0] as { type: ConversationType } | undefined)?.type;
  if (!type) return null;
  return {
    type,
    // The room keeps the account status as the twin of `activeUserSql` (src/core/access/twins.ts).
    members: ((members?.results ?? []) as (Omit<RoomMember, "active"> & { status: string })[]).map(
      ({ status, ...member }) => ({ ...member, active: isActiveStatus(status) }),
    ),
    blocks: ((found?.results ?? []) as { a: string; b: string }[]).map((r): BlockPair => [r.a, r.b]),
  };
}

/** Everything that decides whether `senderId` may message `recipientId`, in one query. */
export async function pairFacts(db: D1Database, senderId: string, recipientId: string): Promise<PairFacts> {
  const row = await statement(
    db,
    sql`SELECT ${blockedEitherWaySql(senderId, recipientId)} AS blocked, ${activeUserSql(recipientId)} AS active,
        COALESCE((SELECT ${profiles.allowMessages} FROM ${profiles} WHERE ${profiles.userId} = ${recipientId}), 'EVERYONE') AS allows,
        ${connectedSql(senderId, recipientId)} AS connected`,
  ).first<{ blocked: number; active: number; allows: AllowMessages; connected: number }>();
  return {
    blocked: row?.blocked === 1,
    recipientActive: row?.active === 1,
    recipientAllows: row?.allows ?? "EVERYONE",
    connected: row?.connected === 1,
  };
}

/** Members who blocked `viewerId` or whom `viewerId` blocked. */
export async function blockedAround(db: D1Database, viewerId: string): Promise<Set<string>> {
  const { results } = await statement(
    db,
    sql`SELECT ${blocks.blockedId} AS id FROM ${blocks} WHERE ${blocks.blockerId} = ${viewerId}
      UNION SELECT ${blocks.blockerId} FROM ${blocks} WHERE ${blocks.blockedId} = ${viewerId}`,
  ).all<{ id: string }>();
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
  const m = conversationMembers;
  const { results } = await statement(
    db,
    sql`SELECT ${m.conversationId} AS id FROM ${m}
      WHERE ${m.userId} = ${userId} AND ${m.conversationId} IN (SELECT value FROM json_each(${JSON.stringify(ids)}))`,
  ).all<{ id: string }>();
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
  const a = messageAttachments;
  const kinds = sql.join(
    ATTACHABLE.map((k) => sql`${k}`),
    sql`, `,
  );
  const own = sql`FROM ${media} WHERE ${media.id} IN (SELECT value FROM json_each(${wanted}))
    AND ${media.ownerId} = ${senderId} AND ${media.status} = 'READY' AND ${media.kind} IN (${kinds})`;
  const [, read] = await db.batch([
    statement(
      db,
      sql`INSERT INTO ${a} (${name(a.conversationId)}, ${name(a.mediaId)}, ${name(a.senderId)}, ${name(a.createdAt)})
        SELECT ${conversationId}, ${media.id}, ${media.ownerId}, ${now} ${own}
          AND (SELECT COUNT(*) ${own}) = json_array_length(${wanted})
        ON CONFLICT (${name(a.conversationId)}, ${name(a.mediaId)}) DO NOTHING`,
    ),
    statement(
      db,
      sql`SELECT ${media.id} AS id, ${media.kind} AS kind, ${media.mimeType} AS mimeType, ${media.size} AS size,
        ${media.width} AS width, ${media.height} AS height, ${media.altText} AS altText ${own}`,
    ),
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
  const a = messageAttachments;
  return statement(
    db,
    sql`DELETE FROM ${a} WHERE ${a.conversationId} = ${conversationId}
      AND ${a.mediaId} IN (SELECT value FROM json_each(${JSON.stringify(mediaIds)}))`,
  );
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
  const c = conversations;
  const m = conversationMembers;
  const lastAt = s.last?.at ?? null;
  const out: D1PreparedStatement[] = [
    statement(
      db,
      sql`UPDATE ${c} SET ${name(c.lastSeq)} = max(${c.lastSeq}, ${s.lastSeq}),
          ${name(c.messageCount)} = max(${c.messageCount}, ${s.messageCount}),
          ${name(c.lastMessageSeq)} = ${s.last?.seq ?? null}, ${name(c.lastMessageSenderId)} = ${s.last?.senderId ?? null},
          ${name(c.lastMessagePreview)} = ${s.last?.preview ?? null}, ${name(c.lastMessageAt)} = ${lastAt},
          ${name(c.lastActivityAt)} = max(${c.lastActivityAt}, COALESCE(${lastAt}, 0)), ${name(c.updatedAt)} = ${s.now}
        WHERE ${c.id} = ${conversationId}`,
    ),
  ];
  for (const r of s.reads) out.push(readStatement(db, conversationId, r.userId, r.seq, r.count));
  for (const d of s.delivered) {
    out.push(
      statement(
        db,
        sql`UPDATE ${m} SET ${name(m.lastDeliveredSeq)} = ${d.seq}
          WHERE ${m.conversationId} = ${conversationId} AND ${m.userId} IN (SELECT value FROM json_each(${JSON.stringify(d.userIds)}))
            AND ${m.lastDeliveredSeq} < ${d.seq}`,
      ),
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
  const m = conversationMembers;
  return statement(
    db,
    sql`UPDATE ${m} SET ${name(m.lastReadSeq)} = max(${m.lastReadSeq}, ${seq}),
        ${name(m.readCount)} = max(${m.readCount}, ${count}),
        ${name(m.lastDeliveredSeq)} = max(${m.lastDeliveredSeq}, ${seq})
      WHERE ${m.conversationId} = ${conversationId} AND ${m.userId} = ${userId}`,
  );
}
