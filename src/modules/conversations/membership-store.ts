import {
  type AllowMessages,
  GROUP_MAX_MEMBERS,
  INVITATION_TTL_MS,
  INVITATIONS_PER_DAY,
  type PairFacts,
  type Role,
} from "./rules";

/**
 * The D1 statements of group membership: who is invited (and whether the invitation still holds), who
 * may be added, and the membership changes the chat room runs while it holds every message back.
 */

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
