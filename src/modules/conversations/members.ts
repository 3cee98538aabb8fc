import { eq, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import { activeUserSql, notBlocked } from "../../core/access/members";
import { type BlockPair, hiddenByBlocks } from "../../core/access/twins";
import type { Deps } from "../../core/deps";
import { pushToUsers } from "../../core/live";
import { blocks, conversationMembers, conversations } from "../../db/schema";
import { AppError } from "../../platform/errors";
import { ID_PATTERN } from "../../platform/ids";
import { events } from "./events";
import type { MembershipChange } from "./membership-store";
import { roomOf, unwrap } from "./room";
import type { Role } from "./rules";

/** Membership checks and telling members about changes, shared by conversation and invitation services. */
interface MyMembership {
  type: "DIRECT" | "GROUP";
  role: Role;
  memberCount: number;
}

export async function membershipOf(
  deps: Deps,
  conversationId: string,
  userId: string,
): Promise<MyMembership> {
  if (!ID_PATTERN.test(conversationId)) throw new AppError("NOT_FOUND");
  const [m, c, o] = [
    alias(conversationMembers, "m"),
    alias(conversations, "c"),
    alias(conversationMembers, "o"),
  ];
  const row = await deps.db.get<MyMembership>(
    sql`SELECT ${c.type} AS type, ${m.role} AS role, ${c.memberCount} AS memberCount FROM ${conversationMembers} ${m}
      JOIN ${conversations} ${c} ON ${c.id} = ${m.conversationId}
      LEFT JOIN ${conversationMembers} ${o} ON ${c.type} = 'DIRECT' AND ${o.conversationId} = ${c.id} AND ${o.userId} != ${m.userId}
      WHERE ${m.conversationId} = ${conversationId} AND ${m.userId} = ${userId}
        AND (${c.type} = 'GROUP' OR (${activeUserSql(o.userId)} AND ${notBlocked(userId, o.userId)}))`,
  );
  if (!row) throw new AppError("NOT_FOUND");
  return row;
}

export async function requireGroupAdmin(
  deps: Deps,
  conversationId: string,
  userId: string,
): Promise<MyMembership> {
  const me = await membershipOf(deps, conversationId, userId);
  if (me.type !== "GROUP") throw new AppError("NOT_A_GROUP");
  if (me.role !== "ADMIN") throw new AppError("FORBIDDEN");
  return me;
}

export async function memberIds(deps: Deps, conversationId: string): Promise<string[]> {
  const rows = await deps.db
    .select({ id: conversationMembers.userId })
    .from(conversationMembers)
    .where(eq(conversationMembers.conversationId, conversationId));
  return rows.map((r) => r.id);
}

export function notify(deps: Deps, userIds: string[], event: Parameters<typeof pushToUsers>[2]): void {
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
    // Blocks either way between a recipient and someone involved (the twin of blockedEitherWaySql).
    const pairs = await deps.db.all<{ a: string; b: string }>(
      sql`SELECT ${blocks.blockerId} AS a, ${blocks.blockedId} AS b FROM ${blocks}
        WHERE (${blocks.blockerId} IN (SELECT value FROM json_each(${JSON.stringify(recipients)}))
            AND ${blocks.blockedId} IN (SELECT value FROM json_each(${JSON.stringify(involved)})))
          OR (${blocks.blockerId} IN (SELECT value FROM json_each(${JSON.stringify(involved)}))
            AND ${blocks.blockedId} IN (SELECT value FROM json_each(${JSON.stringify(recipients)})))`,
    );
    const hiddenFrom = hiddenByBlocks(pairs.map((r): BlockPair => [r.a, r.b]));
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
