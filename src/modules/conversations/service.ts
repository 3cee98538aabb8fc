import type { z } from "@hono/zod-openapi";
import { pairKey } from "../../core/access/members";
import type { Deps } from "../../core/deps";
import { assertEmailVerified } from "../../core/identity/verified";
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
  await db.batch([
    db
      .prepare(
        `INSERT INTO conversations (id, type, name, created_by, member_count, last_activity_at, created_at, updated_at)
        VALUES (?1, 'GROUP', ?2, ?3, ?4, ?5, ?5, ?5)`,
      )
      .bind(id, input.name ?? null, user.id, plan.add.length + 1, deps.now),
    ...[user.id, ...plan.add].map((memberId) =>
      db
        .prepare(
          `INSERT INTO conversation_members (conversation_id, user_id, role, joined_at, archived, pinned)
          VALUES (?, ?, ?, ?, 0, 0)`,
        )
        .bind(id, memberId, memberId === user.id ? "ADMIN" : "MEMBER", deps.now),
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
  const [facts, existing] = await Promise.all([
    pairFacts(db, userId, otherId),
    db.prepare("SELECT id FROM conversations WHERE pair_key = ?").bind(key).first<{ id: string }>(),
  ]);
  const refusal = messagingRefusal(facts, existing !== null);
  if (refusal) throw new AppError(refusal);
  if (existing) return { conversation: await getConversation(deps, userId, existing.id), created: false };
  const id = newId(deps.now);
  await db.batch([
    db
      .prepare(
        `INSERT INTO conversations (id, type, pair_key, created_by, member_count, last_activity_at, created_at, updated_at)
        VALUES (?1, 'DIRECT', ?2, ?3, 2, ?4, ?4, ?4) ON CONFLICT (pair_key) WHERE pair_key IS NOT NULL DO NOTHING`,
      )
      .bind(id, key, userId, deps.now),
    ...[userId, otherId].map((memberId) =>
      db
        .prepare(
          `INSERT INTO conversation_members (conversation_id, user_id, role, joined_at, archived, pinned)
          SELECT ?1, ?2, 'MEMBER', ?3, 0, 0 WHERE EXISTS (SELECT 1 FROM conversations WHERE id = ?1)`,
        )
        .bind(id, memberId, deps.now),
    ),
  ]);
  // Two members may have started it at the same moment: the stored one wins.
  const stored = await db
    .prepare("SELECT id FROM conversations WHERE pair_key = ?")
    .bind(key)
    .first<{ id: string }>();
  const winner = stored?.id ?? id;
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
  const db = deps.env.DB;
  if (input.avatarMediaId) {
    const ok = await db
      .prepare(
        "SELECT 1 AS ok FROM media WHERE id = ? AND owner_id = ? AND status = 'READY' AND kind IN ('POST_IMAGE', 'AVATAR')",
      )
      .bind(input.avatarMediaId, userId)
      .first();
    if (!ok)
      throw new AppError("INVALID_MEDIA", [{ path: "avatarMediaId", message: "your own READY image" }]);
  }
  await db
    .prepare(
      `UPDATE conversations SET name = CASE WHEN ?2 THEN ?3 ELSE name END,
        avatar_media_id = CASE WHEN ?4 THEN ?5 ELSE avatar_media_id END, updated_at = ?6 WHERE id = ?1`,
    )
    .bind(
      conversationId,
      input.name !== undefined ? 1 : 0,
      input.name ?? null,
      input.avatarMediaId !== undefined ? 1 : 0,
      input.avatarMediaId ?? null,
      deps.now,
    )
    .run();
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
  await deps.env.DB.prepare(
    `UPDATE conversation_members SET muted_until = CASE WHEN ?3 THEN ?4 ELSE muted_until END,
      archived = COALESCE(?5, archived), pinned = COALESCE(?6, pinned)
    WHERE conversation_id = ?1 AND user_id = ?2`,
  )
    .bind(
      conversationId,
      userId,
      mutedUntil !== undefined ? 1 : 0,
      mutedUntil ?? null,
      input.archived === undefined ? null : input.archived ? 1 : 0,
      input.pinned === undefined ? null : input.pinned ? 1 : 0,
    )
    .run();
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
    const pending = await deps.env.DB.prepare(
      `SELECT count(*) AS n FROM conversation_invitations i WHERE i.conversation_id = ?1
        AND ${pendingInvitationSql("i", "?2")}`,
    )
      .bind(conversationId, deps.now)
      .first<{ n: number }>();
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
  const { results } = await deps.env.DB.prepare(
    "SELECT user_id AS id, role FROM conversation_members WHERE conversation_id = ?",
  )
    .bind(conversationId)
    .all<{ id: string; role: Role }>();
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
  const { results } = await deps.env.DB.prepare(
    `SELECT m.conversation_id AS id FROM conversation_members m
      JOIN conversation_members o ON o.conversation_id = m.conversation_id AND o.user_id = ?2
      JOIN conversations c ON c.id = m.conversation_id AND c.type = 'GROUP'
    WHERE m.user_id = ?1`,
  )
    .bind(a, b)
    .all<{ id: string }>();
  await Promise.all(results.map((r) => roomOf(deps.env, r.id).refresh(r.id)));
}
