import { sql } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import { userCardJsonSql } from "../../core/cards";
import type { Deps } from "../../core/deps";
import { pushToUsers } from "../../core/live";
import { conversationInvitations, conversations } from "../../db/schema";
import { isoAt } from "../../platform/clock";
import { keyset } from "../../platform/db/keyset";
import { name, statement } from "../../platform/db/statements";
import { AppError } from "../../platform/errors";
import { ID_PATTERN } from "../../platform/ids";
import { events } from "./events";
import { applyChange, memberIds, tellMembers } from "./members";
import { pendingInvitationSql } from "./membership-store";
import { type ConversationDetail, getConversation } from "./read";
import { GROUP_MAX_MEMBERS, INVITATION_TTL_MS, INVITATIONS_PER_DAY } from "./rules";
import type { ConversationInvitation } from "./schemas";

/**
 * Group invitations: who may be put into a group without asking them (`groupEntry` in ./rules.ts).
 * An admin adds their connections directly; anyone else who accepts messages from the admin is invited:
 * they are not a member and see nothing of the group but the invitation (its name and image, who
 * invited them, when it expires) until they accept, and then only what is sent after. Declining is
 * silent (the admin is not told, and the group cannot invite them again for 30 days); an invitation
 * lapses after 30 days, when its inviter leaves the group, or when either blocks the other. A member
 * sends at most INVITATIONS_PER_DAY invitations in any 24 hours.
 */
const DAY_MS = 86_400_000;

/** Throws 429 when `count` more invitations would take `inviterId` over the daily quota. */
export async function assertInvitationQuota(
  deps: Deps,
  inviterId: string,
  count: number,
  path: string,
): Promise<void> {
  if (count === 0) return;
  const ci = conversationInvitations;
  const row = await deps.db.get<{ sent: number; oldest: number | null }>(
    sql`SELECT count(*) AS sent, min(${ci.createdAt}) AS oldest FROM ${ci}
      WHERE ${ci.invitedBy} = ${inviterId} AND ${ci.createdAt} > ${deps.now - DAY_MS}`,
  );
  const sent = row?.sent ?? 0;
  if (sent + count <= INVITATIONS_PER_DAY) return;
  const retryAt = Math.max(deps.now + 1000, (row?.oldest ?? deps.now) + DAY_MS);
  throw new AppError(
    "RATE_LIMITED",
    [
      {
        path,
        message: `at most ${INVITATIONS_PER_DAY} invitations a day to people you are not connected with (${Math.max(0, INVITATIONS_PER_DAY - sent)} left)`,
      },
    ],
    { "Retry-After": String(Math.ceil((retryAt - deps.now) / 1000)) },
  );
}

/** Tells each invitee, on their open sockets, that they were invited (nothing else about the group). */
export function announceInvitations(
  deps: Deps,
  conversationId: string,
  inviterId: string,
  userIds: string[],
): void {
  if (userIds.length === 0) return;
  deps.waitUntil(pushToUsers(deps.env, userIds, events.conversationInvitation(conversationId, inviterId)));
}

/** Withdraws a pending invitation (an admin removing someone who is invited, not a member). */
export async function revokeInvitation(deps: Deps, conversationId: string, userId: string): Promise<boolean> {
  const ci = conversationInvitations;
  const res = await statement(
    deps.env.DB,
    sql`DELETE FROM ${ci} WHERE ${ci.conversationId} = ${conversationId} AND ${ci.userId} = ${userId}
      AND ${ci.status} = 'PENDING'`,
  ).run();
  return (res.meta.changes ?? 0) > 0;
}

interface InvitationRow {
  conversationId: string;
  name: string | null;
  avatarMediaId: string | null;
  invitedBy: string;
  invitedAt: number;
  updatedAt: number;
}

/** The copy of the invitations table that this file's queries name `i`; the list orders by it, newest answer first. */
const listed = alias(conversationInvitations, "i");
const newestInvitations = keyset("desc", {
  t: { column: listed.updatedAt, type: "number", of: (r: InvitationRow) => r.updatedAt },
  id: { column: listed.conversationId, type: "string", of: (r: InvitationRow) => r.conversationId },
});

/** The member's pending invitations, newest first. */
export async function listInvitations(
  deps: Deps,
  userId: string,
  query: { cursor?: string | undefined; limit: number },
): Promise<{ data: ConversationInvitation[]; nextCursor: string | null }> {
  const i = listed;
  const c = conversations;
  const rows = await deps.db.all<InvitationRow>(
    sql`SELECT ${i.conversationId} AS conversationId, ${c.name} AS name, ${c.avatarMediaId} AS avatarMediaId,
        ${userCardJsonSql(i.invitedBy)} AS invitedBy, ${i.createdAt} AS invitedAt, ${i.updatedAt} AS updatedAt
      FROM ${conversationInvitations} ${i} JOIN ${c} ON ${c.id} = ${i.conversationId}
      WHERE ${i.userId} = ${userId} AND ${pendingInvitationSql(i, Math.trunc(deps.now))}
        AND ${newestInvitations.after(query.cursor)}
      ORDER BY ${newestInvitations.orderBy} LIMIT ${query.limit + 1}`,
  );
  const page = newestInvitations.page(rows, query.limit);
  return {
    data: page.data.map((r) => ({
      conversationId: r.conversationId,
      name: r.name,
      avatarMediaId: r.avatarMediaId,
      invitedBy: JSON.parse(r.invitedBy),
      invitedAt: isoAt(r.invitedAt),
      expiresAt: isoAt(r.updatedAt + INVITATION_TTL_MS),
    })),
    nextCursor: page.nextCursor,
  };
}

async function pendingInvitation(deps: Deps, conversationId: string, userId: string): Promise<boolean> {
  if (!ID_PATTERN.test(conversationId)) return false;
  const i = listed;
  const row = await deps.db.get<{ ok: number }>(
    sql`SELECT 1 AS ok FROM ${conversationInvitations} ${i}
      WHERE ${i.conversationId} = ${conversationId} AND ${i.userId} = ${userId} AND ${pendingInvitationSql(i, deps.now)}`,
  );
  return row !== undefined;
}

/**
 * Accepting makes the invitee a member from now on (they see only what is sent after), through the
 * chat room like every membership change; the members are told. 404 when there is no valid invitation.
 */
export async function acceptInvitation(
  deps: Deps,
  userId: string,
  conversationId: string,
): Promise<ConversationDetail> {
  if (!(await pendingInvitation(deps, conversationId, userId))) throw new AppError("NOT_FOUND");
  await applyChange(deps, conversationId, { op: "join", userId, now: deps.now });
  const members = await memberIds(deps, conversationId);
  if (!members.includes(userId)) {
    // The group filled up, or the invitation lapsed, between the check and the join.
    throw new AppError(members.length >= GROUP_MAX_MEMBERS ? "GROUP_FULL" : "NOT_FOUND");
  }
  tellMembers(
    deps,
    conversationId,
    members.filter((id) => id !== userId),
    "member_joined",
    userId,
    [userId],
  );
  return getConversation(deps, userId, conversationId);
}

/** Declining is silent: the inviter is not told, and the group cannot invite them again for 30 days. */
export async function declineInvitation(deps: Deps, userId: string, conversationId: string): Promise<void> {
  if (!ID_PATTERN.test(conversationId)) throw new AppError("NOT_FOUND");
  const ci = conversationInvitations;
  const i = listed;
  const res = await deps.db.run(
    sql`UPDATE ${ci} AS ${i} SET ${name(ci.status)} = 'DECLINED', ${name(ci.updatedAt)} = ${deps.now}
      WHERE ${i.conversationId} = ${conversationId} AND ${i.userId} = ${userId} AND ${pendingInvitationSql(i, deps.now)}`,
  );
  if ((res.meta.changes ?? 0) === 0) throw new AppError("NOT_FOUND");
}
