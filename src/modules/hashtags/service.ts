import { sql } from "drizzle-orm";
import { postVisibleTo } from "../../core/access/posts";
import type { Deps } from "../../core/deps";
import { changed, runAll } from "../../platform/db/batch";
import { AppError } from "../../platform/errors";
import { newId } from "../../platform/ids";
import { decodeCursor, toPage } from "../../platform/pagination";
import { hashtagKey } from "../../platform/text";
import { postJsonSql, toPosts } from "../posts";

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

function hashtagQuery(deps: Deps, viewerId: string | undefined, key: string) {
  return deps.db.get<HashtagRow | undefined>(sql`
    SELECT h.display AS tag, h.key, h.post_count AS postCount, h.follower_count AS followerCount,
      ${viewerId ? sql`EXISTS (SELECT 1 FROM follows WHERE follower_id = ${viewerId} AND target_type = 'HASHTAG' AND target_id = h.id)` : sql`0`} AS following
    FROM hashtags h WHERE h.key = ${key}`);
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
  const results = await runAll(db, [
    db.run(sql`INSERT INTO hashtags (id, key, display, post_count, follower_count, created_at)
      VALUES (${newId(now)}, ${key}, ${display}, 0, 0, ${now}) ON CONFLICT (key) DO NOTHING`),
    db.run(sql`INSERT INTO follows (id, follower_id, target_type, target_id, created_at)
      SELECT ${followId}, ${userId}, 'HASHTAG', id, ${now} FROM hashtags WHERE key = ${key}
      ON CONFLICT DO NOTHING`),
    db.run(sql`UPDATE hashtags SET follower_count = follower_count + 1
      WHERE key = ${key} AND EXISTS (SELECT 1 FROM follows WHERE id = ${followId})`),
    hashtagQuery(deps, userId, key),
  ]);
  if (changed(results[1]) === 0) throw new AppError("ALREADY_EXISTS");
  return toHashtag(results[3] as HashtagRow);
}

/** Idempotent: unfollowing a tag you do not follow changes nothing. */
export async function unfollowHashtag(deps: Deps, userId: string, tag: string): Promise<void> {
  const { db } = deps;
  const { key } = keyOf(tag);
  const mine = sql`follower_id = ${userId} AND target_type = 'HASHTAG' AND target_id = (SELECT id FROM hashtags WHERE key = ${key})`;
  await runAll(db, [
    db.run(
      sql`UPDATE hashtags SET follower_count = follower_count - 1 WHERE key = ${key} AND EXISTS (SELECT 1 FROM follows WHERE ${mine})`,
    ),
    db.run(sql`DELETE FROM follows WHERE ${mine}`),
  ]);
}

/** Posts carrying the tag, newest first, as the viewer may see them. */
export async function hashtagPosts(
  deps: Deps,
  viewerId: string | undefined,
  tag: string,
  page: { cursor?: string | undefined; limit: number },
) {
  const { db } = deps;
  const { key } = keyOf(tag);
  const after = decodeCursor(page.cursor, ["id"] as const);
  const [hashtag, rows] = (await runAll(db, [
    hashtagQuery(deps, viewerId, key),
    db.all<{ json: string; id: string }>(sql`
      SELECT p.id, ${postJsonSql(viewerId)} AS json
      FROM post_hashtags ph JOIN posts p ON p.id = ph.post_id
      WHERE ph.hashtag_id = (SELECT id FROM hashtags WHERE key = ${key})
        ${after ? sql`AND ph.post_id < ${after.id}` : sql``}
        AND ${postVisibleTo(viewerId)}
      ORDER BY ph.post_id DESC LIMIT ${page.limit + 1}`),
  ])) as [HashtagRow | undefined, { json: string; id: string }[]];
  if (!hashtag) throw new AppError("NOT_FOUND");
  const { data, nextCursor } = toPage(rows, page.limit, (last) => ({ id: last.id }));
  return { hashtag: toHashtag(hashtag), data: await toPosts(deps, data, viewerId), nextCursor };
}
