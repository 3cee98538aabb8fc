import { type SQL, sql } from "drizzle-orm";
import { activeUserSql, blockedEitherWaySql, notBlocked } from "../../core/access/members";
import { type CardRow, cardColumnsSql, toCard } from "../../core/cards";
import type { Deps } from "../../core/deps";
import { publishEvents } from "../../core/events";
import { isoAt } from "../../platform/clock";
import { changed, runBatch, type Statement } from "../../platform/db/batch";
import { AppError } from "../../platform/errors";
import { newId } from "../../platform/ids";
import { decodeCursor, toPage } from "../../platform/pagination";
import { readNetworkList } from "./network";
import type { FollowBody } from "./schemas";
import { addUserFollow, removeUserFollow } from "./writes";

export type FollowTargetType = "USER" | "COMPANY" | "HASHTAG";
export interface FollowTarget {
  type: FollowTargetType;
  id: string;
}

/**
 * What each kind of follow target needs: when it may be followed, and the statements that insert or
 * delete the follow row together with its counters. Companies and hashtags register a kind here (and a
 * field in FollowBody); the routes and the follows table stay as they are.
 */
interface FollowKind {
  /** SQL boolean: `followerId` may follow `targetId` (it exists, is visible, nothing blocks it). */
  followable(followerId: string, targetId: string): SQL;
  add(deps: Deps, followId: string, followerId: string, targetId: string, guard: SQL): Statement[];
  remove(deps: Deps, followerId: string, targetId: string): Statement[];
}

const KINDS: Partial<Record<FollowTargetType, FollowKind>> = {
  USER: {
    followable: (followerId, targetId) =>
      sql`${activeUserSql(targetId)} AND NOT ${blockedEitherWaySql(followerId, targetId)}`,
    add: (deps, id, followerId, targetId, guard) =>
      addUserFollow(deps.db, { id, followerId, targetId, now: deps.now }, guard),
    remove: (deps, followerId, targetId) => removeUserFollow(deps.db, followerId, targetId),
  },
};

export function followTargetOf(body: FollowBody): FollowTarget {
  return { type: "USER", id: body.userId };
}

function kindOf(target: FollowTarget): FollowKind {
  const kind = KINDS[target.type];
  if (!kind) throw new AppError("VALIDATION_ERROR");
  return kind;
}

/** One round trip: the guarded insert with its counters, then what is there now (to tell 409 from 404). */
export async function follow(deps: Deps, followerId: string, target: FollowTarget) {
  if (target.type === "USER" && target.id === followerId) throw new AppError("CANNOT_TARGET_SELF");
  const { db, now } = deps;
  const kind = kindOf(target);
  const id = newId(now);
  const [inserted, ...rest] = await runBatch(db, [
    ...kind.add(deps, id, followerId, target.id, kind.followable(followerId, target.id)),
    db.get<{ id: string } | undefined>(sql`SELECT id FROM follows
      WHERE follower_id = ${followerId} AND target_type = ${target.type} AND target_id = ${target.id}`),
  ]);
  if (changed(inserted) === 0) {
    throw new AppError(rest[rest.length - 1] ? "ALREADY_EXISTS" : "NOT_FOUND");
  }
  if (target.type === "USER") {
    deps.waitUntil(
      publishEvents(deps.env, [
        {
          // Per pair, so following, unfollowing and following again does not notify twice.
          key: `follow:${followerId}:${target.id}`,
          event: {
            type: "follow",
            actorId: followerId,
            recipientId: target.id,
            target: { type: "user", id: followerId },
            at: now,
          },
        },
      ]),
    );
  }
  return { followId: id, type: target.type, targetId: target.id, createdAt: isoAt(now) };
}

/** Idempotent: unfollowing something you do not follow changes nothing. */
export async function unfollow(deps: Deps, followerId: string, target: FollowTarget): Promise<void> {
  await runBatch(deps.db, kindOf(target).remove(deps, followerId, target.id));
}

interface FollowRow extends CardRow {
  followId: string;
  createdAt: number;
}

/** Members who follow `ownerId` (direction "followers") or whom `ownerId` follows ("following"), newest first. */
export async function listFollows(
  deps: Deps,
  viewerId: string,
  ownerId: string,
  direction: "followers" | "following",
  page: { cursor?: string | undefined; limit: number },
) {
  const { db } = deps;
  const after = decodeCursor(page.cursor, ["id"] as const);
  const [mine, theirs] =
    direction === "followers" ? ["target_id", "follower_id"] : ["follower_id", "target_id"];
  const other = sql.raw(`f.${theirs}`);
  const list = db.all<FollowRow>(sql`
    SELECT ${cardColumnsSql}, f.id AS followId, f.created_at AS createdAt
    FROM follows f
    JOIN users u ON u.id = ${other} AND u.status = 'ACTIVE'
    LEFT JOIN profiles p ON p.user_id = u.id
    WHERE f.target_type = 'USER' AND ${sql.raw(`f.${mine}`)} = ${ownerId}
      ${after ? sql`AND f.id < ${String(after.id)}` : sql``}
      AND ${notBlocked(viewerId, other)}
    ORDER BY f.id DESC
    LIMIT ${page.limit + 1}`);
  const rows = await readNetworkList<FollowRow>(db, viewerId, ownerId, list);
  const { data, nextCursor } = toPage(rows, page.limit, (last) => ({ id: last.followId }));
  return { data: data.map((r) => ({ user: toCard(r), followedAt: isoAt(r.createdAt) })), nextCursor };
}
