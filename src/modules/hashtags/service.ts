import { type SQL, sql } from "drizzle-orm";
import { alias, type SQLiteColumn } from "drizzle-orm/sqlite-core";
import { followsSql } from "../../core/access/members";
import { postVisibleTo } from "../../core/access/posts";
import type { Deps } from "../../core/deps";
import { hashtags, postHashtags, posts } from "../../db/schema";
import { changed, runBatch } from "../../platform/db/batch";
import { keyset } from "../../platform/db/keyset";
import { AppError } from "../../platform/errors";
import { newId } from "../../platform/ids";
import { hashtagKey } from "../../platform/text";
import { addFollow, removeFollow } from "../graph";
import { postJsonSql, toPosts } from "../posts";
import { hashtagTarget } from "./targets";

/**
 * Hashtags are addressed by any spelling (#الذكاء_الاصطناعي, الذكاء-variants, AI / ai): the path segment is
 * normalized with hashtagKey. Following one writes a `follows` row with target_type HASHTAG (the graph's
 * one follows model) and bumps hashtags.follower_count in the same batch.
 */
export function keyOf(tag: string): { key: string; display: string } {
  const display = tag.replace(/^[#＃]/, "").normalize("NFC");
  const key = hashtagKey(display);
  if (!key || !/^[\p{L}\p{M}\p{N}_]+$/u.test(display)) throw new AppError("INVALID_HASHTAG");
  return { key, display };
}

export interface HashtagRow {
  tag: string;
  key: string;
  postCount: number;
  followerCount: number;
  following: number;
}

/** SQL boolean: `viewerId` follows the hashtag `hashtagId` (false for anonymous readers). */
export function followsTagSql(viewerId: string | undefined, hashtagId: SQLiteColumn): SQL {
  return viewerId ? followsSql("HASHTAG", viewerId, hashtagId) : sql`0`;
}

const h = alias(hashtags, "h");

/** SQL: the id of the hashtag with `key` (looked up under an alias, so it never means an outer hashtags row). */
const tagIdOf = (key: string) => sql`(SELECT ${h.id} FROM ${hashtags} ${h} WHERE ${h.key} = ${key})`;

function hashtagQuery(deps: Deps, viewerId: string | undefined, key: string) {
  return deps.db.get<HashtagRow | undefined>(sql`
    SELECT ${h.display} AS tag, ${h.key}, ${h.postCount} AS postCount, ${h.followerCount} AS followerCount,
      ${followsTagSql(viewerId, h.id)} AS following
    FROM ${hashtags} ${h} WHERE ${h.key} = ${key}`);
}

export const toHashtag = (row: HashtagRow) => ({ ...row, following: row.following === 1 });

export async function getHashtag(deps: Deps, viewerId: string | undefined, tag: string) {
  const row = await hashtagQuery(deps, viewerId, keyOf(tag).key);
  if (!row) throw new AppError("NOT_FOUND");
  return toHashtag(row);
}

export async function followHashtag(deps: Deps, userId: string, tag: string) {
  const { db, now } = deps;
  const { key, display } = keyOf(tag);
  const followId = newId(now);
  const results = await runBatch(db, [
    db
      .insert(hashtags)
      .values({ id: newId(now), key, display, postCount: 0, followerCount: 0, createdAt: now })
      .onConflictDoNothing({ target: hashtags.key }),
    ...addFollow(
      db,
      hashtagTarget,
      { id: followId, followerId: userId, targetId: tagIdOf(key), now },
      sql`1`,
    ),
    hashtagQuery(deps, userId, key),
  ]);
  if (changed(results[1]) === 0) throw new AppError("ALREADY_EXISTS");
  return toHashtag(results[3] as HashtagRow);
}

/** Idempotent: unfollowing a tag you do not follow changes nothing. */
export async function unfollowHashtag(deps: Deps, userId: string, tag: string): Promise<void> {
  const { db } = deps;
  const { key } = keyOf(tag);
  await runBatch(db, removeFollow(db, hashtagTarget, userId, tagIdOf(key)));
}

const ph = alias(postHashtags, "ph");
const p = alias(posts, "p");
const newestTagged = keyset("desc", {
  id: { column: ph.postId, type: "string", of: (row: { id: string }) => row.id },
});

/** Posts carrying the tag, newest first, as the viewer may see them. */
export async function hashtagPosts(
  deps: Deps,
  viewerId: string | undefined,
  tag: string,
  page: { cursor?: string | undefined; limit: number },
) {
  const { db } = deps;
  const { key } = keyOf(tag);
  const [hashtag, rows] = (await runBatch(db, [
    hashtagQuery(deps, viewerId, key),
    db.all<{ json: string; id: string }>(sql`
      SELECT ${p.id}, ${postJsonSql(viewerId)} AS json
      FROM ${postHashtags} ${ph} JOIN ${posts} ${p} ON ${p.id} = ${ph.postId}
      WHERE ${ph.hashtagId} = (SELECT ${hashtags.id} FROM ${hashtags} WHERE ${hashtags.key} = ${key})
        AND ${newestTagged.after(page.cursor)}
        AND ${postVisibleTo(viewerId)}
      ORDER BY ${newestTagged.orderBy} LIMIT ${page.limit + 1}`),
  ])) as [HashtagRow | undefined, { json: string; id: string }[]];
  if (!hashtag) throw new AppError("NOT_FOUND");
  const { data, nextCursor } = newestTagged.page(rows, page.limit);
  return { hashtag: toHashtag(hashtag), data: await toPosts(deps, data, viewerId), nextCursor };
}
