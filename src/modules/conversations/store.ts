import { ID_PATTERN } from "../../platform/ids";
import {
  type AllowMessages,
  type ConversationType,
  GROUP_MAX_MEMBERS,
  INVITATION_TTL_MS,
  INVITATIONS_PER_DAY,
  type PairFacts,
  type Role,
} from "./rules";
import type { Attachment } from "./schemas";

/**
 * The D1 reads and writes the chat room needs (raw prepared statements: the room runs them on its hot
 * path and batches them). Everything that touches messaging tables in D1 from inside a Durable Object is
 * here, next to the service that owns the tables.
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
  /** Block pairs among the members, either direction, as [blocker, blocked]. */
  blocks: [string, string][];
}

export async function loadRoom(db: D1Database, conversationId: string): Promise<RoomSnapshot | null> {
  const [conv, members, blocks] = await db.batch([
    db.prepare("SELECT type FROM conversations WHERE id = ?").bind(conversationId),
    db
      .prepare(
        `SELECT m.user_id AS userId, m.role, m.joined_seq AS joinedSeq, u.username, u.status = 'ACTIVE' AS active,
          m.muted_until AS mutedUntil, m.last_read_seq AS readSeq, m.last_delivered_seq AS deliveredSeq
        FROM conversation_members m JOIN users u ON u.id = m.user_id WHERE m.conversation_id = ?`,
      )
      .bind(conversationId),
    db
      .prepare(
        `SELECT b.blocker_id AS a, b.blocked_id AS b FROM conversation_members m
          JOIN blocks b ON b.blocker_id = m.user_id
          JOIN conversation_members o ON o.conversation_id = m.conversation_id AND o.user_id = b.blocked_id
        WHERE m.conversation_id = ?`,
      )
      .bind(conversationId),
  ]);
  const type = (conv?.results[0] as { type: ConversationType } | undefined)?.type;
  if (!type) return null;
  return {
    type,
    members: ((members?.results ?? []) as (Omit<RoomMember, "active"> & { active: number })[]).map((m) => ({
      ...m,
      active: m.active === 1,
    })),
    blocks: ((blocks?.results ?? []) as { a: string; b: string }[]).map((r) => [r.a, r.b]),
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

/**
 * SQL condition: the invitation row `i` is pending and still valid at `now` (a parameter such as "?3"):
 * answered within INVITATION_TTL_MS, its inviter still a member of the group and active, and no block
 * between inviter and invitee either way. Every read and write of invitations goes through it.
 */
export function pendingInvitationSql(i: string, now: string): string {
  return `${i}.status = 'PENDING' AND ${i}.updated_at > ${now} - ${INVITATION_TTL_MS}
    AND EXISTS (SELECT 1 FROM conversation_members inv_m WHERE inv_m.conversation_id = ${i}.conversation_id AND inv_m.user_id = ${i}.invited_by)
    AND EXISTS (SELECT 1 FROM users inv_u WHERE inv_u.id = ${i}.invited_by AND inv_u.status = 'ACTIVE')
    AND NOT EXISTS (SELECT 1 FROM blocks WHERE (blocker_id = ${i}.user_id AND blocked_id = ${i}.invited_by)
                                            OR (blocker_id = ${i}.invited_by AND blocked_id = ${i}.user_id))`;
}

/**
 * Statements inviting `userIds` to a group. An existing row is renewed only when it was accepted (the
 * member left since) or is older than the TTL: a pending invitation stays as it is, and a declined one is
 * silently not repeated. Each insert is guarded by the inviter's daily quota, so concurrent requests
 * cannot exceed it; the inviter's rows older than the TTL go in the same batch.
 */
export function invitationStatements(
  db: D1Database,
  conversationId: string,
  inviterId: string,
  userIds: string[],
  now: number,
): D1PreparedStatement[] {
  return [
    db
      .prepare("DELETE FROM conversation_invitations WHERE invited_by = ?1 AND created_at < ?2")
      .bind(inviterId, now - INVITATION_TTL_MS),
    ...userIds.map((userId) =>
      db
        .prepare(
          `INSERT INTO conversation_invitations (conversation_id, user_id, invited_by, status, created_at, updated_at)
          SELECT ?1, ?2, ?3, 'PENDING', ?4, ?4
          WHERE (SELECT count(*) FROM conversation_invitations WHERE invited_by = ?3 AND created_at > ?4 - ?5) < ?6
          ON CONFLICT (conversation_id, user_id) DO UPDATE SET invited_by = excluded.invited_by, status = 'PENDING',
            created_at = excluded.created_at, updated_at = excluded.updated_at
          WHERE conversation_invitations.status = 'ACCEPTED' OR conversation_invitations.updated_at <= ?4 - ?7`,
        )
        .bind(conversationId, userId, inviterId, now, 86_400_000, INVITATIONS_PER_DAY, INVITATION_TTL_MS),
    ),
  ];
}

export type MembershipChange =
  | { op: "add"; userIds: string[]; now: number }
  /** An invited member accepting: joins only while their invitation is pending and valid. */
  | { op: "join"; userId: string; now: number }
  | { op: "remove"; userId: string; now: number }
  | { op: "role"; userId: string; role: Role; now: number };

/**
 * Statements for a membership change. The room runs them while no message can be sequenced, so a new
 * member's history starts exactly after `seq` and their unread count starts at zero.
 */
export function membershipStatements(
  db: D1Database,
  conversationId: string,
  change: MembershipChange,
  at: { seq: number; messageCount: number },
): D1PreparedStatement[] {
  const recount = db
    .prepare(
      "UPDATE conversations SET member_count = (SELECT count(*) FROM conversation_members WHERE conversation_id = ?1), updated_at = ?2 WHERE id = ?1",
    )
    .bind(conversationId, change.now);
  switch (change.op) {
    case "add":
      return [
        ...change.userIds.map((userId) =>
          db
            .prepare(
              `INSERT INTO conversation_members (conversation_id, user_id, role, joined_at, joined_seq, last_read_seq,
                read_count, last_delivered_seq, archived, pinned)
              SELECT ?1, ?2, 'MEMBER', ?3, ?4, ?4, ?5, ?4, 0, 0
              WHERE (SELECT count(*) FROM conversation_members WHERE conversation_id = ?1) < ?6
              ON CONFLICT DO NOTHING`,
            )
            .bind(conversationId, userId, change.now, at.seq, at.messageCount, GROUP_MAX_MEMBERS),
        ),
        // Added directly: an invitation they had is answered by it.
        db
          .prepare(
            `UPDATE conversation_invitations SET status = 'ACCEPTED', updated_at = ?2
            WHERE conversation_id = ?1 AND status = 'PENDING' AND user_id IN (SELECT value FROM json_each(?3))
              AND EXISTS (SELECT 1 FROM conversation_members m WHERE m.conversation_id = ?1 AND m.user_id = conversation_invitations.user_id)`,
          )
          .bind(conversationId, change.now, JSON.stringify(change.userIds)),
        recount,
      ];
    case "join":
      return [
        db
          .prepare(
            `INSERT INTO conversation_members (conversation_id, user_id, role, joined_at, joined_seq, last_read_seq,
              read_count, last_delivered_seq, archived, pinned)
            SELECT ?1, ?2, 'MEMBER', ?3, ?4, ?4, ?5, ?4, 0, 0
            WHERE (SELECT count(*) FROM conversation_members WHERE conversation_id = ?1) < ?6
              AND EXISTS (SELECT 1 FROM conversation_invitations i WHERE i.conversation_id = ?1 AND i.user_id = ?2
                AND ${pendingInvitationSql("i", "?3")})
            ON CONFLICT DO NOTHING`,
          )
          .bind(conversationId, change.userId, change.now, at.seq, at.messageCount, GROUP_MAX_MEMBERS),
        db
          .prepare(
            `UPDATE conversation_invitations SET status = 'ACCEPTED', updated_at = ?3
            WHERE conversation_id = ?1 AND user_id = ?2 AND status = 'PENDING'
              AND EXISTS (SELECT 1 FROM conversation_members WHERE conversation_id = ?1 AND user_id = ?2)`,
          )
          .bind(conversationId, change.userId, change.now),
        recount,
      ];
    case "remove":
      return [
        db
          .prepare("DELETE FROM conversation_members WHERE conversation_id = ? AND user_id = ?")
          .bind(conversationId, change.userId),
        // A group is never left without an admin: the longest-standing member takes over.
        db
          .prepare(
            `UPDATE conversation_members SET role = 'ADMIN' WHERE conversation_id = ?1 AND user_id =
              (SELECT user_id FROM conversation_members WHERE conversation_id = ?1 ORDER BY joined_at, user_id LIMIT 1)
            AND NOT EXISTS (SELECT 1 FROM conversation_members WHERE conversation_id = ?1 AND role = 'ADMIN')`,
          )
          .bind(conversationId),
        recount,
      ];
    case "role":
      return [
        db
          .prepare(
            `UPDATE conversation_members SET role = ?3 WHERE conversation_id = ?1 AND user_id = ?2
              AND (?3 = 'ADMIN' OR EXISTS (SELECT 1 FROM conversation_members WHERE conversation_id = ?1 AND role = 'ADMIN' AND user_id != ?2))`,
          )
          .bind(conversationId, change.userId, change.role),
      ];
  }
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

export interface Candidate extends PairFacts {
  userId: string;
  member: boolean;
  /** An invitation to this group still in force: pending (valid) or declined within the TTL. */
  invitation: "PENDING" | "DECLINED" | null;
}

/** For adding members: what decides, per candidate, whether `actorId` may add them (one query). */
export async function candidateFacts(
  db: D1Database,
  actorId: string,
  userIds: string[],
  conversationId: string | null,
  now: number,
): Promise<Map<string, Candidate>> {
  const { results } = await db
    .prepare(
      `SELECT u.id AS userId, u.status = 'ACTIVE' AS active,
        EXISTS (SELECT 1 FROM blocks WHERE (blocker_id = ?1 AND blocked_id = u.id) OR (blocker_id = u.id AND blocked_id = ?1)) AS blocked,
        COALESCE(p.allow_messages, 'EVERYONE') AS allows,
        EXISTS (SELECT 1 FROM connections WHERE user_id = ?1 AND other_id = u.id) AS connected,
        EXISTS (SELECT 1 FROM conversation_members WHERE conversation_id = ?3 AND user_id = u.id) AS member,
        (SELECT CASE WHEN ${pendingInvitationSql("i", "?4")} THEN 'PENDING'
                     WHEN i.status = 'DECLINED' AND i.updated_at > ?4 - ${INVITATION_TTL_MS} THEN 'DECLINED' END
          FROM conversation_invitations i WHERE i.conversation_id = ?3 AND i.user_id = u.id) AS invitation
      FROM users u LEFT JOIN profiles p ON p.user_id = u.id WHERE u.id IN (SELECT value FROM json_each(?2))`,
    )
    .bind(actorId, JSON.stringify(userIds), conversationId, now)
    .all<{
      userId: string;
      active: number;
      blocked: number;
      allows: AllowMessages;
      connected: number;
      member: number;
      invitation: "PENDING" | "DECLINED" | null;
    }>();
  return new Map(
    results.map((r) => [
      r.userId,
      {
        userId: r.userId,
        blocked: r.blocked === 1,
        recipientActive: r.active === 1,
        recipientAllows: r.allows,
        connected: r.connected === 1,
        member: r.member === 1,
        invitation: r.invitation ?? null,
      },
    ]),
  );
}
