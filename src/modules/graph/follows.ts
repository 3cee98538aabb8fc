import { sql } from "drizzle-orm";
import { notBlocked } from "../../core/access/members";
import { type CardRow, cardColumnsSql, cardProfile, cardUser, toCard } from "../../core/cards";
import type { Deps } from "../../core/deps";
import { publishEvents } from "../../core/events";
import { type Target, targetByCode, targetVisibleSql } from "../../core/targets";
import { follows, profiles, users } from "../../db/schema";
import { isoAt } from "../../platform/clock";
import { changed, runBatch } from "../../platform/db/batch";
import { keyset } from "../../platform/db/keyset";
import { AppError } from "../../platform/errors";
import { newId } from "../../platform/ids";
import { readNetworkList } from "./network";
import type { FollowBody } from "./schemas";
import { addFollow, removeFollow } from "./writes";

export type FollowTargetType = "USER" | "COMPANY" | "HASHTAG";
export interface FollowTarget {
  type: FollowTargetType;
  id: string;
}

/**
 * What may be followed comes from the target registry (core/targets.ts): a target that declares a
 * followers counter. Its visibility rule decides whether the follower may follow it (it exists, is
 * visible, nothing blocks it), and its counters move in the same batch as the follow row. Companies and
 * hashtags need only a field in FollowBody; the routes and the follows table stay as they are.
 */
function followable(target: FollowTarget): Target {
  const registered = targetByCode(target.type);
  if (!registered?.counters?.followers) throw new AppError("VALIDATION_ERROR");
  return registered;
}

/** A target that is its own owner is a member: following it notifies them, and nobody follows themselves. */
const isMember = (target: Target) => target.owner !== undefined && target.owner === target.id;

export function followTargetOf(body: FollowBody): FollowTarget {
  return { type: "USER", id: body.userId };
}

/** One round trip: the guarded insert with its counters, then what is there now (to tell 409 from 404). */
export async function follow(deps: Deps, followerId: string, given: FollowTarget) {
  const target = followable(given);
  if (isMember(target) && given.id === followerId) throw new AppError("CANNOT_TARGET_SELF");
  const { db, now } = deps;
  const id = newId(now);
  const [inserted, ...rest] = await runBatch(db, [
    ...addFollow(
      db,
      target,
      { id, followerId, targetId: given.id, now },
      targetVisibleSql(target, followerId, given.id),
    ),
    db.get<{ id: string } | undefined>(sql`SELECT ${follows.id} AS id FROM ${follows}
      WHERE ${follows.followerId} = ${followerId} AND ${follows.targetType} = ${target.code}
        AND ${follows.targetId} = ${given.id}`),
  ]);
  if (changed(inserted) === 0) {
    throw new AppError(rest[rest.length - 1] ? "ALREADY_EXISTS" : "NOT_FOUND");
  }
  if (isMember(target)) {
    deps.waitUntil(
      publishEvents(deps.env, [
        {
          // Per pair, so following, unfollowing and following again does not notify twice.
          key: `follow:${followerId}:${given.id}`,
          event: {
            type: "follow",
            actorId: followerId,
            recipientId: given.id,
            target: { type: "user", id: followerId },
            at: now,
          },
        },
      ]),
    );
  }
  return { followId: id, type: given.type, targetId: given.id, createdAt: isoAt(now) };
}

/** Idempotent: unfollowing something you do not follow changes nothing. */
export async function unfollow(deps: Deps, followerId: string, given: FollowTarget): Promise<void> {
  await runBatch(deps.db, removeFollow(deps.db, followable(given), followerId, given.id));
}

interface FollowRow extends CardRow {
  followId: string;
  createdAt: number;
}

/** Follow lists page by the follow's id (time-sortable), newest first. */
const byNewest = keyset("desc", {
  id: { column: follows.id, type: "string", of: (r: FollowRow) => r.followId },
});

/** Members who follow `ownerId` (direction "followers") or whom `ownerId` follows ("following"), newest first. */
export async function listFollows(
  deps: Deps,
  viewerId: string,
  ownerId: string,
  direction: "followers" | "following",
  page: { cursor?: string | undefined; limit: number },
) {
  const { db } = deps;
  const [mine, theirs] =
    direction === "followers"
      ? [follows.targetId, follows.followerId]
      : [follows.followerId, follows.targetId];
  const u = cardUser;
  const list = db.all<FollowRow>(sql`
    SELECT ${cardColumnsSql}, ${follows.id} AS followId, ${follows.createdAt} AS createdAt
    FROM ${follows}
    JOIN ${users} ${u} ON ${u.id} = ${theirs} AND ${u.status} = 'ACTIVE'
    LEFT JOIN ${profiles} ${cardProfile} ON ${cardProfile.userId} = ${u.id}
    WHERE ${follows.targetType} = 'USER' AND ${mine} = ${ownerId}
      AND ${byNewest.after(page.cursor)}
      AND ${notBlocked(viewerId, theirs)}
    ORDER BY ${byNewest.orderBy}
    LIMIT ${page.limit + 1}`);
  const rows = await readNetworkList<FollowRow>(db, viewerId, ownerId, list);
  const { data, nextCursor } = byNewest.page(rows, page.limit);
  return { data: data.map((r) => ({ user: toCard(r), followedAt: isoAt(r.createdAt) })), nextCursor };
}
