import { type SQL, sql } from "drizzle-orm";
import { alias, type SQLiteColumn } from "drizzle-orm/sqlite-core";
import { notBlocked } from "../../core/access/members";
import { type CardRow, cardColumnsSql, toCard } from "../../core/cards";
import type { Deps } from "../../core/deps";
import { publishEvents } from "../../core/events";
import type { Actor } from "../../core/identity/actor";
import { assertEmailVerified } from "../../core/identity/verified";
import { moveCounterSql, resolvedId, type Target, targetVisibleSql } from "../../core/targets";
import { profiles, REACTION_TYPES, type ReactionType, reactions, users } from "../../db/schema";
import { isoAt } from "../../platform/clock";
import { runBatch } from "../../platform/db/batch";
import { keyset } from "../../platform/db/keyset";
import { name } from "../../platform/db/statements";
import { AppError } from "../../platform/errors";
import { reactionCountsOf } from "../posts";

/**
 * Reactions on posts and on comments: one per member per target, changeable. The per-type counter
 * columns move in the same batch as the reaction row: the old type's counter is decremented from the row
 * as it was, the row is upserted, and the new type's counter is incremented only if the row now has that
 * type. Every statement is guarded by the same visibility check, so a hidden target changes nothing.
 * Statements name the target's table and columns through its schema columns (`id`, `owner`, the
 * reaction counters), so a target of another table needs no change here.
 */
/** A target's reaction counters, in REACTION_TYPES order: the targets that declare them take reactions. */
function reactionColumnsOf(target: Target): readonly SQLiteColumn[] {
  const columns = target.counters?.reactions;
  if (!columns) throw new Error(`${target.type} does not take reactions`);
  return columns;
}

function counterOf(target: Target, type: ReactionType): SQLiteColumn {
  return reactionColumnsOf(target)[REACTION_TYPES.indexOf(type)]!;
}

function ownerOf(target: Target): SQLiteColumn {
  if (!target.owner) throw new Error(`${target.type} has no owner`);
  return target.owner;
}

/** SQL: the member's reaction row on the target row `targetId`. */
const reactionOf = (target: Target, targetId: SQL | SQLiteColumn, userId: string) =>
  sql`${reactions.targetType} = ${target.code} AND ${reactions.targetId} = ${targetId} AND ${reactions.userId} = ${userId}`;

/** Decrements the counter of the member's current reaction type (if any), guarded by `ok`. */
function decrementOld(deps: Deps, target: Target, targetId: SQL, userId: string, ok: SQL) {
  const sets = sql.join(
    reactionColumnsOf(target).map(
      (column, i) => sql`${name(column)} = ${name(column)} - (old.type = ${REACTION_TYPES[i]})`,
    ),
    sql`, `,
  );
  return deps.db.run(sql`UPDATE ${target.id.table} SET ${sets}
    FROM (SELECT ${reactions.type} FROM ${reactions} WHERE ${reactionOf(target, targetId, userId)}) AS old
    WHERE ${target.id} = ${targetId} AND ${ok}`);
}

function stateQuery(deps: Deps, target: Target, targetId: SQL, userId: string, ok: SQL) {
  return deps.db.get<
    { id: string; ownerId: string; r: string; visible: number; mine: ReactionType | null } | undefined
  >(sql`
    SELECT ${target.id} AS id, ${ownerOf(target)} AS ownerId,
      json_array(${sql.join([...reactionColumnsOf(target)], sql`, `)}) AS r, ${ok} AS visible,
      (SELECT ${reactions.type} FROM ${reactions} WHERE ${reactionOf(target, target.id, userId)}) AS mine
    FROM ${target.id.table} WHERE ${target.id} = ${targetId}`);
}

function answer(state: { r: string; mine: ReactionType | null } | undefined) {
  const reactionCounts = reactionCountsOf(JSON.parse(state!.r) as number[]);
  return { reacted: state!.mine !== null, type: state!.mine, reactionCounts };
}

export async function react(deps: Deps, user: Actor, target: Target, givenId: string, type: ReactionType) {
  await assertEmailVerified(deps, user);
  const { db, now } = deps;
  const targetId = resolvedId(target, givenId);
  const ok = targetVisibleSql(target, user.id, givenId);
  const results = await runBatch(db, [
    decrementOld(deps, target, targetId, user.id, ok),
    db.run(sql`INSERT INTO ${reactions} (${name(reactions.targetType)}, ${name(reactions.targetId)},
        ${name(reactions.userId)}, ${name(reactions.type)}, ${name(reactions.ownerId)}, ${name(reactions.createdAt)})
      SELECT ${target.code}, ${target.id}, ${user.id}, ${type}, ${ownerOf(target)}, ${now}
      FROM ${target.id.table} WHERE ${target.id} = ${targetId} AND ${ok}
      ON CONFLICT (${name(reactions.targetType)}, ${name(reactions.targetId)}, ${name(reactions.userId)})
      DO UPDATE SET ${name(reactions.type)} = excluded.${name(reactions.type)},
        ${name(reactions.createdAt)} = excluded.${name(reactions.createdAt)}`),
    db.run(
      moveCounterSql(
        target,
        counterOf(target, type),
        targetId,
        1,
        sql`${ok} AND EXISTS (SELECT 1 FROM ${reactions}
          WHERE ${reactionOf(target, targetId, user.id)} AND ${reactions.type} = ${type})`,
      ),
    ),
    stateQuery(deps, target, targetId, user.id, ok),
  ]);
  const state = results[3] as Awaited<ReturnType<typeof stateQuery>>;
  if (state?.visible !== 1) throw new AppError("NOT_FOUND");
  deps.waitUntil(
    publishEvents(deps.env, [
      {
        key: `reaction:${target.code}:${state.id}:${user.id}`,
        event: {
          type: "reaction",
          actorId: user.id,
          recipientId: state.ownerId,
          target: { type: target.type, id: state.id },
          data: { reaction: type },
          at: now,
        },
      },
    ]),
  );
  return answer(state);
}

/** Removing a reaction you do not have is not an error: the answer just says reacted: false. */
export async function unreact(deps: Deps, userId: string, target: Target, givenId: string) {
  const { db } = deps;
  const targetId = resolvedId(target, givenId);
  const ok = targetVisibleSql(target, userId, givenId);
  const results = await runBatch(db, [
    decrementOld(deps, target, targetId, userId, ok),
    db.run(sql`DELETE FROM ${reactions} WHERE ${reactionOf(target, targetId, userId)} AND ${ok}`),
    stateQuery(deps, target, targetId, userId, ok),
  ]);
  const state = results[2] as Awaited<ReturnType<typeof stateQuery>>;
  if (state?.visible !== 1) throw new AppError("NOT_FOUND");
  return answer(state);
}

interface ReactorRow extends CardRow {
  type: ReactionType;
  createdAt: number;
}

const r = alias(reactions, "r");
const u = alias(users, "u");
const p = alias(profiles, "p");

/** Newest reaction first; the member breaks ties (one reaction per member per target). */
const newestReactions = keyset("desc", {
  t: { column: r.createdAt, type: "number", of: (row: ReactorRow) => row.createdAt },
  u: { column: r.userId, type: "string", of: (row: ReactorRow) => row.id },
});

/** Who reacted, newest first, optionally of one type; members hidden from the viewer are left out. */
export async function listReactions(
  deps: Deps,
  viewerId: string | undefined,
  target: Target,
  givenId: string,
  query: { type?: ReactionType | undefined; cursor?: string | undefined; limit: number },
) {
  const { db } = deps;
  const targetId = resolvedId(target, givenId);
  const ok = targetVisibleSql(target, viewerId, givenId);
  const viewer = viewerId ?? "";
  const [state, rows] = (await runBatch(db, [
    stateQuery(deps, target, targetId, viewer, ok),
    db.all<ReactorRow>(sql`
      SELECT ${cardColumnsSql}, ${r.type} AS type, ${r.createdAt} AS createdAt
      FROM ${reactions} ${r} JOIN ${users} ${u} ON ${u.id} = ${r.userId} AND ${u.status} = 'ACTIVE'
        LEFT JOIN ${profiles} ${p} ON ${p.userId} = ${u.id}
      WHERE ${r.targetType} = ${target.code} AND ${r.targetId} = ${targetId} AND ${ok}
        ${query.type ? sql`AND ${r.type} = ${query.type}` : sql``}
        AND ${newestReactions.after(query.cursor)}
        AND ${notBlocked(viewerId, r.userId)}
      ORDER BY ${newestReactions.orderBy}
      LIMIT ${query.limit + 1}`),
  ])) as [Awaited<ReturnType<typeof stateQuery>>, ReactorRow[]];
  if (state?.visible !== 1) throw new AppError("NOT_FOUND");
  const page = newestReactions.page(rows, query.limit);
  return {
    data: page.data.map((r) => ({ user: toCard(r), type: r.type, reactedAt: isoAt(r.createdAt) })),
    nextCursor: page.nextCursor,
    reactionCounts: reactionCountsOf(JSON.parse(state.r) as number[]),
  };
}
