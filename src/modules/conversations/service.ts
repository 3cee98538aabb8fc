import type { z } from "@hono/zod-openapi";
import { sql } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import { pairKey } from "../../core/access/members";
import type { Deps } from "../../core/deps";
import { assertEmailVerified } from "../../core/identity/verified";
import { conversationInvitations, conversationMembers, conversations, media } from "../../db/schema";
import { name, statement } from "../../platform/db/statements";
import { AppError, type ErrorCode, type ErrorDetail } from "../../platform/errors";
import { newId } from "../../platform/ids";
import { events } from "./events";
import { announceInvitations, assertInvitationQuota, revokeInvitation } from "./invitations";
import { applyChange, memberIds, membershipOf, notify, requireGroupAdmin, tellMembers } from "./members";
import { candidateFacts, invitationStatements, pendingInvitationSql } from "./membership-store";
import type { Sender } from "./messages";
import { type ConversationDetail, getConversation } from "./read";
import { roomOf } from "./room";
import { GROUP_MAX_MEMBERS, groupEntry, MUTED_FOREVER, messagingRefusal, type Role } from "./rules";
import type {
  AddMembersInput,
  CreateConversationInput,
  SettingsInput,
  UpdateConversationInput,
} from "./schemas";
import { pairFacts } from "./store";

/**
 * Conversations and their membership (D1). Messages go through the chat room (./messages.ts); every
 * membership change also goes through the room, which applies it between two messages.
 */
export async function createConversation(
  deps: Deps,
  user: Sender,
  input: z.output<typeof CreateConversationInput>,
): Promise<{ conversation: ConversationDetail; created: boolean; invited: string[] }> {
  await assertEmailVerified(deps, user);
  const others = input.memberIds.filter((id) => id !== user.id);
  if (others.length === 0) throw new AppError("CANNOT_TARGET_SELF");
  if (others.length === 1 && input.name === undefined)
    return { ...(await startDirect(deps, user.id, others[0]!)), invited: [] };
  if (others.length + 1 > GROUP_MAX_MEMBERS) throw new AppError("GROUP_FULL");
  // The creator's connections become members; everyone else is invited and joins only by accepting.
  const plan = await planEntry(deps, user.id, others, null, "memberIds");
  await assertInvitationQuota(deps, user.id, plan.invite.length, "memberIds");
  const id = newId(deps.now);
  const db = deps.env.DB;
  const c = conversations;
  const m = conversationMembers;
  await db.batch([
    statement(
      db,
      sql`INSERT INTO ${c} (${name(c.id)}, ${name(c.type)}, ${name(c.name)}, ${name(c.createdBy)}, ${name(c.memberCount)},
          ${name(c.lastActivityAt)}, ${name(c.createdAt)}, ${name(c.updatedAt)})
        VALUES (${id}, 'GROUP', ${input.name ?? null}, ${user.id}, ${plan.add.length + 1}, ${deps.now}, ${deps.now}, ${deps.now})`,
    ),
    ...[user.id, ...plan.add].map((memberId) =>
      statement(
        db,
        sql`INSERT INTO ${m} (${name(m.conversationId)}, ${name(m.userId)}, ${name(m.role)}, ${name(m.joinedAt)},
            ${name(m.archived)}, ${name(m.pinned)})
          VALUES (${id}, ${memberId}, ${memberId === user.id ? "ADMIN" : "MEMBER"}, ${deps.now}, 0, 0)`,
      ),
    ),
    ...(plan.invite.length > 0 ? invitationStatements(db, id, user.id, plan.invite, deps.now) : []),
  ]);
  if (plan.add.length > 0) tellMembers(deps, id, plan.add, "created", user.id, plan.add);
  announceInvitations(deps, id, user.id, plan.invite);
  return { conversation: await getConversation(deps, user.id, id), created: true, invited: plan.invite };
}

/** A 1:1: exactly one per pair, whoever starts it; asking again answers the existing one. */
async function startDirect(deps: Deps, userId: string, otherId: string) {
  const db = deps.env.DB;
  const key = pairKey(userId, otherId);
  const c = conversations;
  const m = conversationMembers;
  const stored = () =>
    deps.db.get<{ id: string }>(sql`SELECT ${c.id} AS id FROM ${c} WHERE ${c.pairKey} = ${key}`);
  const [facts, existing] = await Promise.all([pairFacts(db, userId, otherId), stored()]);
  const refusal = messagingRefusal(facts, existing !== undefined);
  if (refusal) throw new AppError(refusal);
  if (existing) return { conversation: await getConversation(deps, userId, existing.id), created: false };
  const id = newId(deps.now);
  await db.batch([
    statement(
      db,
      sql`INSERT INTO ${c} (${name(c.id)}, ${name(c.type)}, ${name(c.pairKey)}, ${name(c.createdBy)}, ${name(c.memberCount)},
          ${name(c.lastActivityAt)}, ${name(c.createdAt)}, ${name(c.updatedAt)})
        VALUES (${id}, 'DIRECT', ${key}, ${userId}, 2, ${deps.now}, ${deps.now}, ${deps.now})
        ON CONFLICT (${name(c.pairKey)}) WHERE ${name(c.pairKey)} IS NOT NULL DO NOTHING`,
    ),
    ...[userId, otherId].map((memberId) =>
      statement(
        db,
        sql`INSERT INTO ${m} (${name(m.conversationId)}, ${name(m.userId)}, ${name(m.role)}, ${name(m.joinedAt)},
            ${name(m.archived)}, ${name(m.pinned)})
          SELECT ${id}, ${memberId}, 'MEMBER', ${deps.now}, 0, 0 WHERE EXISTS (SELECT 1 FROM ${c} WHERE ${c.id} = ${id})`,
      ),
    ),
  ]);
  // Two members may have started it at the same moment: the stored one wins.
  const winner = (await stored())?.id ?? id;
  return { conversation: await getConversation(deps, userId, winner), created: winner === id };
}

interface EntryPlan {
  /** Added at once (the actor's connections). */
  add: string[];
  /** To invite now. */
  invite: string[];
  /** Invited already: pending, or declined (not repeated, and the actor is not told). */
  invited: string[];
}

/**
 * Decides, per candidate, how `actorId` may bring them into a group (`groupEntry`): every candidate must
 * exist, be visible (no block, active) and accept messages from the actor, or the whole request is
 * refused; members already in the group are left out.
 */
async function planEntry(
  deps: Deps,
  actorId: string,
  userIds: string[],
  conversationId: string | null,
  path: string,
): Promise<EntryPlan> {
  const facts = await candidateFacts(deps.env.DB, actorId, userIds, conversationId, deps.now);
  const problems: { code: ErrorCode; detail: ErrorDetail }[] = [];
  const plan: EntryPlan = { add: [], invite: [], invited: [] };
  userIds.forEach((id, i) => {
    const f = facts.get(id);
    const entry = f ? groupEntry(f) : "NOT_FOUND";
    if (entry !== "add" && entry !== "invite") {
      problems.push({
        code: entry,
        detail: { path: `${path}.${i}`, message: entry === "NOT_FOUND" ? "not found" : "does not accept" },
      });
    } else if (!f!.member) {
      if (entry === "add") plan.add.push(id);
      else if (f!.invitation) plan.invited.push(id);
      else plan.invite.push(id);
    }
  });
  if (problems.length === 0) return plan;
  const code = problems.some((p) => p.code === "NOT_FOUND") ? "NOT_FOUND" : problems[0]!.code;
  throw new AppError(
    code,
    problems.filter((p) => p.code === code).map((p) => p.detail),
  );
}

// ---------------------------------------------------------------- group settings and membership

export async function updateConversation(
  deps: Deps,
  userId: string,
  conversationId: string,
  input: z.output<typeof UpdateConversationInput>,
): Promise<ConversationDetail> {
  await requireGroupAdmin(deps, conversationId, userId);
  if (input.avatarMediaId) {
    const ok = await deps.db.get<{ ok: number }>(
      sql`SELECT 1 AS ok FROM ${media} WHERE ${media.id} = ${input.avatarMediaId} AND ${media.ownerId} = ${userId}
        AND ${media.status} = 'READY' AND ${media.kind} IN ('POST_IMAGE', 'AVATAR')`,
    );
    if (!ok)
      throw new AppError("INVALID_MEDIA", [{ path: "avatarMediaId", message: "your own READY image" }]);
  }
  const c = conversations;
  await deps.db.run(
    sql`UPDATE ${c} SET ${name(c.name)} = CASE WHEN ${input.name !== undefined ? 1 : 0} THEN ${input.name ?? null} ELSE ${c.name} END,
        ${name(c.avatarMediaId)} = CASE WHEN ${input.avatarMediaId !== undefined ? 1 : 0} THEN ${input.avatarMediaId ?? null}
          ELSE ${c.avatarMediaId} END,
        ${name(c.updatedAt)} = ${deps.now}
      WHERE ${c.id} = ${conversationId}`,
  );
  tellMembers(deps, conversationId, await memberIds(deps, conversationId), "details", userId);
  return getConversation(deps, userId, conversationId);
}

export async function updateSettings(
  deps: Deps,
  userId: string,
  conversationId: string,
  input: z.output<typeof SettingsInput>,
): Promise<ConversationDetail> {
  await membershipOf(deps, conversationId, userId);
  let mutedUntil: number | null | undefined;
  if (input.muted === false) mutedUntil = null;
  else if (input.muted === true) {
    mutedUntil = input.mutedUntil ? Date.parse(input.mutedUntil) : MUTED_FOREVER;
    if (mutedUntil <= deps.now) {
      throw new AppError("VALIDATION_ERROR", [{ path: "mutedUntil", message: "must be in the future" }]);
    }
  }
  const m = conversationMembers;
  const archived = input.archived === undefined ? null : input.archived ? 1 : 0;
  const pinned = input.pinned === undefined ? null : input.pinned ? 1 : 0;
  await deps.db.run(
    sql`UPDATE ${m} SET ${name(m.mutedUntil)} = CASE WHEN ${mutedUntil !== undefined ? 1 : 0} THEN ${mutedUntil ?? null}
          ELSE ${m.mutedUntil} END,
        ${name(m.archived)} = COALESCE(${archived}, ${m.archived}), ${name(m.pinned)} = COALESCE(${pinned}, ${m.pinned})
      WHERE ${m.conversationId} = ${conversationId} AND ${m.userId} = ${userId}`,
  );
  // The room decides who gets notified of new messages: it must know about a mute at once.
  if (mutedUntil !== undefined) await roomOf(deps.env, conversationId).refresh(conversationId);
  return getConversation(deps, userId, conversationId);
}

/**
 * Admins add their connections at once and invite everyone else (they join only by accepting). Pending
 * invitations count towards the group's size.
 */
export async function addMembers(
  deps: Deps,
  userId: string,
  conversationId: string,
  input: z.output<typeof AddMembersInput>,
): Promise<{ conversation: ConversationDetail; invited: string[] }> {
  const me = await requireGroupAdmin(deps, conversationId, userId);
  const plan = await planEntry(deps, userId, input.userIds, conversationId, "userIds");
  if (plan.add.length + plan.invite.length > 0) {
    const i = alias(conversationInvitations, "i");
    const pending = await deps.db.get<{ n: number }>(
      sql`SELECT count(*) AS n FROM ${conversationInvitations} ${i} WHERE ${i.conversationId} = ${conversationId}
        AND ${pendingInvitationSql(i, deps.now)}`,
    );
    if (me.memberCount + (pending?.n ?? 0) + plan.add.length + plan.invite.length > GROUP_MAX_MEMBERS)
      throw new AppError("GROUP_FULL");
  }
  await assertInvitationQuota(deps, userId, plan.invite.length, "userIds");
  if (plan.add.length > 0) {
    await applyChange(deps, conversationId, { op: "add", userIds: plan.add, now: deps.now });
    tellMembers(
      deps,
      conversationId,
      await memberIds(deps, conversationId),
      "members_added",
      userId,
      plan.add,
    );
  }
  if (plan.invite.length > 0) {
    await deps.env.DB.batch(invitationStatements(deps.env.DB, conversationId, userId, plan.invite, deps.now));
    announceInvitations(deps, conversationId, userId, plan.invite);
  }
  return {
    conversation: await getConversation(deps, userId, conversationId),
    invited: [...plan.invite, ...plan.invited],
  };
}

export async function removeMember(
  deps: Deps,
  userId: string,
  conversationId: string,
  targetId: string,
): Promise<void> {
  if (targetId === userId) return leaveConversation(deps, userId, conversationId);
  await requireGroupAdmin(deps, conversationId, userId);
  const members = await memberIds(deps, conversationId);
  if (!members.includes(targetId)) {
    // Someone invited, not yet a member: removing them withdraws the invitation.
    if (await revokeInvitation(deps, conversationId, targetId)) return;
    throw new AppError("NOT_FOUND");
  }
  await applyChange(deps, conversationId, { op: "remove", userId: targetId, now: deps.now });
  notify(deps, [targetId], events.conversationRemoved(conversationId, "removed"));
  tellMembers(
    deps,
    conversationId,
    members.filter((id) => id !== targetId),
    "member_removed",
    userId,
    [targetId],
  );
}

export async function leaveConversation(deps: Deps, userId: string, conversationId: string): Promise<void> {
  const me = await membershipOf(deps, conversationId, userId);
  if (me.type !== "GROUP") throw new AppError("NOT_A_GROUP");
  await applyChange(deps, conversationId, { op: "remove", userId, now: deps.now });
  notify(deps, [userId], events.conversationRemoved(conversationId, "left"));
  tellMembers(deps, conversationId, await memberIds(deps, conversationId), "member_left", userId, [userId]);
}

export async function setMemberRole(
  deps: Deps,
  userId: string,
  conversationId: string,
  targetId: string,
  role: Role,
): Promise<ConversationDetail> {
  await requireGroupAdmin(deps, conversationId, userId);
  const m = conversationMembers;
  const results = await deps.db.all<{ id: string; role: Role }>(
    sql`SELECT ${m.userId} AS id, ${m.role} AS role FROM ${m} WHERE ${m.conversationId} = ${conversationId}`,
  );
  const target = results.find((r) => r.id === targetId);
  if (!target) throw new AppError("NOT_FOUND");
  if (target.role !== role) {
    if (role === "MEMBER" && results.filter((r) => r.role === "ADMIN").length <= 1)
      throw new AppError("LAST_ADMIN");
    await applyChange(deps, conversationId, { op: "role", userId: targetId, role, now: deps.now });
    tellMembers(
      deps,
      conversationId,
      results.map((r) => r.id),
      "role_changed",
      userId,
      [targetId],
    );
  }
  return getConversation(deps, userId, conversationId);
}

/**
 * Call after a block between `a` and `b` is created or removed: rooms of the groups they share re-read
 * their block pairs at once (otherwise they do within a minute). 1:1s check blocks on every write anyway.
 */
export async function refreshAfterBlock(deps: Pick<Deps, "env">, a: string, b: string): Promise<void> {
  const m = alias(conversationMembers, "m");
  const o = alias(conversationMembers, "o");
  const c = conversations;
  const { results } = await statement(
    deps.env.DB,
    sql`SELECT ${m.conversationId} AS id FROM ${conversationMembers} ${m}
        JOIN ${conversationMembers} ${o} ON ${o.conversationId} = ${m.conversationId} AND ${o.userId} = ${b}
        JOIN ${c} ON ${c.id} = ${m.conversationId} AND ${c.type} = 'GROUP'
      WHERE ${m.userId} = ${a}`,
  ).all<{ id: string }>();
  await Promise.all(results.map((r) => roomOf(deps.env, r.id).refresh(r.id)));
}
