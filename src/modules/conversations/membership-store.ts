import { type SQL, sql } from "drizzle-orm";
import { alias, type SQLiteColumn } from "drizzle-orm/sqlite-core";
import { activeUserSql, blockedEitherWaySql, connectedSql } from "../../core/access/members";
import {
  conversationInvitations,
  conversationMembers,
  conversations,
  profiles,
  users,
} from "../../db/schema";
import { name, statement } from "../../platform/db/statements";
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

/** An invitation row as a query names it: the table itself or a copy made with `alias()`. */
export type InvitationRef = Record<
  "conversationId" | "userId" | "invitedBy" | "status" | "updatedAt",
  SQLiteColumn
>;

/** The inviter's membership, a copy of the table that never captures the query's own members. */
const inviterMember = alias(conversationMembers, "inv_m");

/**
 * SQL condition: the invitation row `i` is pending and still valid at `now`: answered within
 * INVITATION_TTL_MS, its inviter still a member of the group and active, and no block between inviter and
 * invitee either way. Every read and write of invitations goes through it.
 */
export function pendingInvitationSql(i: InvitationRef, now: number | SQL): SQL {
  return sql`${i.status} = 'PENDING' AND ${i.updatedAt} > ${now} - ${INVITATION_TTL_MS}
    AND EXISTS (SELECT 1 FROM ${conversationMembers} ${inviterMember}
      WHERE ${inviterMember.conversationId} = ${i.conversationId} AND ${inviterMember.userId} = ${i.invitedBy})
    AND ${activeUserSql(i.invitedBy)}
    AND NOT ${blockedEitherWaySql(i.userId, i.invitedBy)}`;
}

/** The query's own copy of the invitations table, for statements that test a row with `pendingInvitationSql`. */
const invitation = alias(conversationInvitations, "i");

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
  const ci = conversationInvitations;
  return [
    statement(
      db,
      sql`DELETE FROM ${ci} WHERE ${ci.invitedBy} = ${inviterId} AND ${ci.createdAt} < ${now - INVITATION_TTL_MS}`,
    ),
    ...userIds.map((userId) =>
      statement(
        db,
        sql`INSERT INTO ${ci} (${name(ci.conversationId)}, ${name(ci.userId)}, ${name(ci.invitedBy)}, ${name(ci.status)},
            ${name(ci.createdAt)}, ${name(ci.updatedAt)})
          SELECT ${conversationId}, ${userId}, ${inviterId}, 'PENDING', ${now}, ${now}
          WHERE (SELECT count(*) FROM ${ci} WHERE ${ci.invitedBy} = ${inviterId} AND ${ci.createdAt} > ${now} - ${86_400_000})
            < ${INVITATIONS_PER_DAY}
          ON CONFLICT (${name(ci.conversationId)}, ${name(ci.userId)}) DO UPDATE SET
            ${name(ci.invitedBy)} = excluded.${name(ci.invitedBy)}, ${name(ci.status)} = 'PENDING',
            ${name(ci.createdAt)} = excluded.${name(ci.createdAt)}, ${name(ci.updatedAt)} = excluded.${name(ci.updatedAt)}
          WHERE ${ci.status} = 'ACCEPTED' OR ${ci.updatedAt} <= ${now} - ${INVITATION_TTL_MS}`,
      ),
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
  const c = conversations;
  const m = conversationMembers;
  const ci = conversationInvitations;
  const i = invitation;
  const recount = statement(
    db,
    sql`UPDATE ${c} SET ${name(c.memberCount)} = (SELECT count(*) FROM ${m} WHERE ${m.conversationId} = ${conversationId}),
        ${name(c.updatedAt)} = ${change.now}
      WHERE ${c.id} = ${conversationId}`,
  );
  /** A new member's row, guarded by the group's size limit (and `also`); an existing member stays as is. */
  const insertMember = (userId: string, also: SQL) =>
    statement(
      db,
      sql`INSERT INTO ${m} (${name(m.conversationId)}, ${name(m.userId)}, ${name(m.role)}, ${name(m.joinedAt)},
          ${name(m.joinedSeq)}, ${name(m.lastReadSeq)}, ${name(m.readCount)}, ${name(m.lastDeliveredSeq)},
          ${name(m.archived)}, ${name(m.pinned)})
        SELECT ${conversationId}, ${userId}, 'MEMBER', ${change.now}, ${at.seq}, ${at.seq}, ${at.messageCount}, ${at.seq}, 0, 0
        WHERE (SELECT count(*) FROM ${m} WHERE ${m.conversationId} = ${conversationId}) < ${GROUP_MAX_MEMBERS}${also}
        ON CONFLICT DO NOTHING`,
    );
  switch (change.op) {
    case "add": {
      const added = alias(conversationMembers, "m");
      return [
        ...change.userIds.map((userId) => insertMember(userId, sql``)),
        // Added directly: an invitation they had is answered by it.
        statement(
          db,
          sql`UPDATE ${ci} SET ${name(ci.status)} = 'ACCEPTED', ${name(ci.updatedAt)} = ${change.now}
            WHERE ${ci.conversationId} = ${conversationId} AND ${ci.status} = 'PENDING'
              AND ${ci.userId} IN (SELECT value FROM json_each(${JSON.stringify(change.userIds)}))
              AND EXISTS (SELECT 1 FROM ${m} ${added} WHERE ${added.conversationId} = ${conversationId}
                AND ${added.userId} = ${ci.userId})`,
        ),
        recount,
      ];
    }
    case "join":
      return [
        insertMember(
          change.userId,
          sql`
          AND EXISTS (SELECT 1 FROM ${ci} ${i} WHERE ${i.conversationId} = ${conversationId} AND ${i.userId} = ${change.userId}
            AND ${pendingInvitationSql(i, change.now)})`,
        ),
        statement(
          db,
          sql`UPDATE ${ci} SET ${name(ci.status)} = 'ACCEPTED', ${name(ci.updatedAt)} = ${change.now}
            WHERE ${ci.conversationId} = ${conversationId} AND ${ci.userId} = ${change.userId} AND ${ci.status} = 'PENDING'
              AND EXISTS (SELECT 1 FROM ${m} WHERE ${m.conversationId} = ${conversationId} AND ${m.userId} = ${change.userId})`,
        ),
        recount,
      ];
    case "remove": {
      const eldest = alias(conversationMembers, "eldest");
      const admins = alias(conversationMembers, "admins");
      return [
        statement(
          db,
          sql`DELETE FROM ${m} WHERE ${m.conversationId} = ${conversationId} AND ${m.userId} = ${change.userId}`,
        ),
        // A group is never left without an admin: the longest-standing member takes over.
        statement(
          db,
          sql`UPDATE ${m} SET ${name(m.role)} = 'ADMIN' WHERE ${m.conversationId} = ${conversationId} AND ${m.userId} =
              (SELECT ${eldest.userId} FROM ${m} ${eldest} WHERE ${eldest.conversationId} = ${conversationId}
                ORDER BY ${eldest.joinedAt}, ${eldest.userId} LIMIT 1)
            AND NOT EXISTS (SELECT 1 FROM ${m} ${admins} WHERE ${admins.conversationId} = ${conversationId}
              AND ${admins.role} = 'ADMIN')`,
        ),
        recount,
      ];
    }
    case "role": {
      const other = alias(conversationMembers, "other");
      return [
        statement(
          db,
          sql`UPDATE ${m} SET ${name(m.role)} = ${change.role}
            WHERE ${m.conversationId} = ${conversationId} AND ${m.userId} = ${change.userId}
              AND (${change.role} = 'ADMIN' OR EXISTS (SELECT 1 FROM ${m} ${other}
                WHERE ${other.conversationId} = ${conversationId} AND ${other.role} = 'ADMIN'
                  AND ${other.userId} != ${change.userId}))`,
        ),
      ];
    }
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
  const u = alias(users, "u");
  const p = alias(profiles, "p");
  const m = conversationMembers;
  const i = invitation;
  const { results } = await statement(
    db,
    sql`SELECT ${u.id} AS userId, ${u.status} = 'ACTIVE' AS active,
        ${blockedEitherWaySql(actorId, u.id)} AS blocked,
        COALESCE(${p.allowMessages}, 'EVERYONE') AS allows,
        ${connectedSql(actorId, u.id)} AS connected,
        EXISTS (SELECT 1 FROM ${m} WHERE ${m.conversationId} = ${conversationId} AND ${m.userId} = ${u.id}) AS member,
        (SELECT CASE WHEN ${pendingInvitationSql(i, now)} THEN 'PENDING'
                     WHEN ${i.status} = 'DECLINED' AND ${i.updatedAt} > ${now} - ${INVITATION_TTL_MS} THEN 'DECLINED' END
          FROM ${conversationInvitations} ${i} WHERE ${i.conversationId} = ${conversationId} AND ${i.userId} = ${u.id}) AS invitation
      FROM ${users} ${u} LEFT JOIN ${profiles} ${p} ON ${p.userId} = ${u.id}
      WHERE ${u.id} IN (SELECT value FROM json_each(${JSON.stringify(userIds)}))`,
  ).all<{
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
