import type { z } from "@hono/zod-openapi";
import { type SQL, sql } from "drizzle-orm";
import type { Deps } from "../../core/deps";
import { isoAt } from "../../platform/clock";
import { AppError, type ErrorCode, type ErrorDetail } from "../../platform/errors";
import { ID_PATTERN, newId } from "../../platform/ids";
import { decodeCursor, toPage } from "../../platform/pagination";
import { assertEmailVerified } from "../auth/service";
import { activeUserSql, notBlocked } from "../graph/policy";
import { pairKey } from "../graph/writes";
import { userCardJsonSql } from "../profiles/card";
import { pushToUsers } from "../realtime/hub";
import { events } from "../realtime/protocol";
import { announceInvitations, assertInvitationQuota, revokeInvitation } from "./invitations";
import type { Sender } from "./messages";
import { roomOf, unwrap } from "./room";
import { GROUP_MAX_MEMBERS, groupEntry, isMuted, MUTED_FOREVER, messagingRefusal, type Role } from "./rules";
import type {
  AddMembersInput,
  Conversation,
  ConversationDetailSchema,
  CreateConversationInput,
  SettingsInput,
  UpdateConversationInput,
} from "./schemas";
import {
  candidateFacts,
  invitationStatements,
  type MembershipChange,
  pairFacts,
  pendingInvitationSql,
} from "./store";

/**
 * Conversations and their membership (D1). Messages go through the chat room (./messages.ts); every
 * membership change also goes through the room, which applies it between two messages.
 */
export type ConversationDetail = z.infer<typeof ConversationDetailSchema>;

interface SummaryRow {
  id: string;
  type: "DIRECT" | "GROUP";
  name: string | null;
  avatarMediaId: string | null;
  memberCount: number;
  lastSeq: number;
  messageCount: number;
  lastMessageSeq: number | null;
  lastMessageSenderId: string | null;
  lastMessagePreview: string | null;
  lastMessageAt: number | null;
  lastActivityAt: number;
  createdAt: number;
  role: Role;
  readSeq: number;
  readCount: number;
  mutedUntil: number | null;
  archived: number;
  pinned: number;
  peer: string | null;
}

/**
 * Members of the conversation `c` that a block (either way) hides from the reader: walked from the
 * reader's own blocks (usually none), each checked by the membership primary key.
 */
function hiddenMemberCountSql(userId: string): SQL {
  return sql`(SELECT count(*) FROM conversation_members hx WHERE hx.conversation_id = c.id AND hx.user_id IN
    (SELECT blocked_id FROM blocks WHERE blocker_id = ${userId} UNION SELECT blocker_id FROM blocks WHERE blocked_id = ${userId}))`;
}

/**
 * The member's view of their conversations; a 1:1 with a blocked or inactive member is not there, and
 * `memberCount` counts only the members the reader can see (members hidden by a block are not counted).
 */
function summarySql(userId: string, where: SQL): SQL {
  return sql`SELECT c.id, c.type, c.name, c.avatar_media_id AS avatarMediaId,
      c.member_count - ${hiddenMemberCountSql(userId)} AS memberCount,
      c.last_seq AS lastSeq, c.message_count AS messageCount, c.last_message_seq AS lastMessageSeq,
      c.last_message_sender_id AS lastMessageSenderId, c.last_message_preview AS lastMessagePreview,
      c.last_message_at AS lastMessageAt, c.last_activity_at AS lastActivityAt, c.created_at AS createdAt,
      m.role, m.last_read_seq AS readSeq, m.read_count AS readCount, m.muted_until AS mutedUntil,
      m.archived, m.pinned, ${userCardJsonSql(sql`o.user_id`)} AS peer
    FROM conversation_members m JOIN conversations c ON c.id = m.conversation_id
    LEFT JOIN conversation_members o ON c.type = 'DIRECT' AND o.conversation_id = c.id AND o.user_id != m.user_id
    WHERE m.user_id = ${userId}
      AND (c.type = 'GROUP' OR (${activeUserSql(sql`o.user_id`)} AND ${notBlocked(userId, sql`o.user_id`)}))
      AND ${where}`;
}

function toConversation(r: SummaryRow, now: number): Conversation {
  const muted = isMuted(r.mutedUntil, now);
  return {
    id: r.id,
    type: r.type,
    name: r.name,
    avatarMediaId: r.avatarMediaId,
    memberCount: r.memberCount,
    peer: r.peer ? JSON.parse(r.peer) : null,
    lastSeq: r.lastSeq,
    lastMessage:
      r.lastMessageSeq !== null && r.lastMessageSenderId !== null && r.lastMessageAt !== null
        ? {
            seq: r.lastMessageSeq,
            senderId: r.lastMessageSenderId,
            preview: r.lastMessagePreview,
            at: isoAt(r.lastMessageAt),
          }
        : null,
    unreadCount: Math.max(0, r.messageCount - r.readCount),
    role: r.role,
    readSeq: r.readSeq,
    muted,
    mutedUntil: muted && r.mutedUntil !== MUTED_FOREVER ? isoAt(r.mutedUntil!) : null,
    archived: r.archived === 1,
    pinned: r.pinned === 1,
    lastActivityAt: isoAt(r.lastActivityAt),
    createdAt: isoAt(r.createdAt),
  };
}

export async function listConversations(
  deps: Deps,
  userId: string,
  query: { cursor?: string | undefined; limit: number; archived: boolean },
) {
  const after = decodeCursor(query.cursor, ["p", "t", "id"] as const);
  const cursor = after
    ? sql`(m.pinned < ${after.p} OR (m.pinned = ${after.p} AND (c.last_activity_at < ${after.t}
        OR (c.last_activity_at = ${after.t} AND c.id < ${after.id}))))`
    : sql`1 = 1`;
  const rows = await deps.db.all<SummaryRow>(
    sql`${summarySql(
      userId,
      sql`m.archived = ${query.archived ? 1 : 0} AND (c.type = 'GROUP' OR c.message_count > 0 OR c.created_by = ${userId})
        AND ${cursor}`,
    )} ORDER BY m.pinned DESC, c.last_activity_at DESC, c.id DESC LIMIT ${query.limit + 1}`,
  );
  const page = toPage(rows, query.limit, (r) => ({ p: r.pinned, t: r.lastActivityAt, id: r.id }));
  return { data: page.data.map((r) => toConversation(r, deps.now)), nextCursor: page.nextCursor };
}

export async function getConversation(
  deps: Deps,
  userId: string,
  conversationId: string,
): Promise<ConversationDetail> {
  if (!ID_PATTERN.test(conversationId)) throw new AppError("NOT_FOUND");
  // One round trip: the summary row carries its members as a JSON array.
  const members = sql`(SELECT json_group_array(json_object('user', json(${userCardJsonSql(sql`x.user_id`)}),
      'role', x.role, 'joinedAt', x.joined_at, 'readSeq', x.last_read_seq, 'deliveredSeq', x.last_delivered_seq))
    FROM (SELECT * FROM conversation_members WHERE conversation_id = c.id ORDER BY joined_at, user_id) x
    WHERE ${activeUserSql(sql`x.user_id`)} AND ${notBlocked(userId, sql`x.user_id`)})`;
  const row = await deps.db.get<SummaryRow & { members: string }>(
    sql`SELECT * FROM (${summarySql(userId, sql`c.id = ${conversationId}`)}) s, (SELECT ${members} AS members FROM conversations c WHERE c.id = ${conversationId})`,
  );
  if (!row) throw new AppError("NOT_FOUND");
  const list = JSON.parse(row.members) as {
    user: Conversation["peer"];
    role: Role;
    joinedAt: number;
    readSeq: number;
    deliveredSeq: number;
  }[];
  return {
    ...toConversation(row, deps.now),
    members: list.map((m) => ({ ...m, user: m.user!, joinedAt: isoAt(m.joinedAt) })),
  };
}

// ---------------------------------------------------------------- create

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

interface MyMembership {
  type: "DIRECT" | "GROUP";
  role: Role;
  memberCount: number;
}

async function membershipOf(deps: Deps, conversationId: string, userId: string): Promise<MyMembership> {
  if (!ID_PATTERN.test(conversationId)) throw new AppError("NOT_FOUND");
  const row = await deps.db.get<MyMembership>(
    sql`SELECT c.type, m.role, c.member_count AS memberCount FROM conversation_members m
      JOIN conversations c ON c.id = m.conversation_id
      LEFT JOIN conversation_members o ON c.type = 'DIRECT' AND o.conversation_id = c.id AND o.user_id != m.user_id
      WHERE m.conversation_id = ${conversationId} AND m.user_id = ${userId}
        AND (c.type = 'GROUP' OR (${activeUserSql(sql`o.user_id`)} AND ${notBlocked(userId, sql`o.user_id`)}))`,
  );
  if (!row) throw new AppError("NOT_FOUND");
  return row;
}

async function requireGroupAdmin(deps: Deps, conversationId: string, userId: string): Promise<MyMembership> {
  const me = await membershipOf(deps, conversationId, userId);
  if (me.type !== "GROUP") throw new AppError("NOT_A_GROUP");
  if (me.role !== "ADMIN") throw new AppError("FORBIDDEN");
  return me;
}

export async function memberIds(deps: Deps, conversationId: string): Promise<string[]> {
  const { results } = await deps.env.DB.prepare(
    "SELECT user_id AS id FROM conversation_members WHERE conversation_id = ?",
  )
    .bind(conversationId)
    .all<{ id: string }>();
  return results.map((r) => r.id);
}

function notify(deps: Deps, userIds: string[], event: Parameters<typeof pushToUsers>[2]): void {
  deps.waitUntil(pushToUsers(deps.env, userIds, event));
}

type MembershipEvent = Parameters<typeof events.conversationUpdated>[1];

/**
 * Tells `recipients` about a change to the conversation (`conversation.updated`), each only what they may
 * know: members a block (either way) hides from a recipient are left out of `userIds`, a change about
 * nobody they see is not sent to them at all, and an actor hidden from them shows as null. In the
 * background: the answer does not wait for it.
 */
export function tellMembers(
  deps: Deps,
  conversationId: string,
  recipients: string[],
  change: MembershipEvent,
  actorId: string,
  userIds: string[] = [],
): void {
  const involved = [...new Set([actorId, ...userIds])];
  const tell = async () => {
    const { results } = await deps.env.DB.prepare(
      `SELECT blocker_id AS a, blocked_id AS b FROM blocks
        WHERE (blocker_id IN (SELECT value FROM json_each(?1)) AND blocked_id IN (SELECT value FROM json_each(?2)))
           OR (blocker_id IN (SELECT value FROM json_each(?2)) AND blocked_id IN (SELECT value FROM json_each(?1)))`,
    )
      .bind(JSON.stringify(recipients), JSON.stringify(involved))
      .all<{ a: string; b: string }>();
    const hiddenFrom = new Map<string, Set<string>>();
    for (const { a, b } of results) {
      for (const [reader, other] of [
        [a, b],
        [b, a],
      ] as const) {
        const set = hiddenFrom.get(reader);
        if (set) set.add(other);
        else hiddenFrom.set(reader, new Set([other]));
      }
    }
    // Recipients who may know the same thing get the same event (serialized once per distinct view).
    const byView = new Map<string, { event: ReturnType<typeof events.conversationUpdated>; to: string[] }>();
    for (const reader of new Set(recipients)) {
      const hidden = hiddenFrom.get(reader);
      const shown = hidden ? userIds.filter((id) => !hidden.has(id)) : userIds;
      if (userIds.length > 0 && shown.length === 0) continue;
      const actor = hidden?.has(actorId) ? null : actorId;
      const key = `${actor}|${shown.join(",")}`;
      const view = byView.get(key);
      if (view) view.to.push(reader);
      else
        byView.set(key, {
          event: events.conversationUpdated(conversationId, change, actor, shown),
          to: [reader],
        });
    }
    await Promise.all([...byView.values()].map((v) => pushToUsers(deps.env, v.to, v.event)));
  };
  deps.waitUntil(tell());
}

export async function applyChange(
  deps: Deps,
  conversationId: string,
  change: MembershipChange,
): Promise<void> {
  unwrap(await roomOf(deps.env, conversationId).changeMembers(conversationId, change));
}

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
