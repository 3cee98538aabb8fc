import { type SQL, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import { blockedEitherWaySql, connectedSql, fullProfileVisibleSql } from "../../core/access/members";
import type { Db } from "../../core/db";
import {
  hashtags,
  hashtagUsage,
  mentions,
  postHashtags,
  profiles,
  type StoredMention,
  users,
} from "../../db/schema";
import { HOUR } from "../../platform/clock";
import { type Statement, valueOrNull } from "../../platform/db/batch";
import { name } from "../../platform/db/statements";
import { newId } from "../../platform/ids";
import { type ExtractedHashtag, type ExtractedMention, extractMentions } from "../../platform/text";
import { LIMITS } from "./schemas";

/**
 * Statement builders shared by posts and comments. Each statement takes a `guard` (an SQL boolean) so
 * the whole set can be made conditional on the row it belongs to (e.g. "the post with this new id exists"
 * or "the post still has the revision this edit read"): counters move only together with their rows.
 */

const keysJson = (keys: string[]) => JSON.stringify(keys);

/** A bound value, or SQL NULL (drizzle renders a null interpolation as nothing at all). */
const hourOf = (ms: number) => Math.floor(ms / HOUR) * HOUR;

/** Attaches hashtags to a post: creates unknown tags, then rows, post counts and this hour's usage bucket. */
export function addHashtags(
  db: Db,
  postId: string,
  tags: ExtractedHashtag[],
  now: number,
  guard: SQL,
): Statement[] {
  if (tags.length === 0) return [];
  const fresh = JSON.stringify(tags.map((t) => ({ id: newId(now), key: t.key, display: t.display })));
  const keys = keysJson(tags.map((t) => t.key));
  const added = sql`SELECT ${postHashtags.hashtagId} FROM ${postHashtags}
    WHERE ${postHashtags.postId} = ${postId} AND ${postHashtags.createdAt} = ${now}
    AND ${postHashtags.hashtagId} IN (SELECT ${hashtags.id} FROM ${hashtags} WHERE ${hashtags.key} IN (SELECT value FROM json_each(${keys})))`;
  return [
    db.run(sql`INSERT INTO ${hashtags} (${name(hashtags.id)}, ${name(hashtags.key)}, ${name(hashtags.display)},
        ${name(hashtags.postCount)}, ${name(hashtags.followerCount)}, ${name(hashtags.createdAt)})
      SELECT json_extract(value, '$.id'), json_extract(value, '$.key'), json_extract(value, '$.display'), 0, 0, ${now}
      FROM json_each(${fresh}) WHERE ${guard}
      ON CONFLICT (${name(hashtags.key)}) DO NOTHING`),
    db.run(sql`INSERT INTO ${postHashtags} (${name(postHashtags.hashtagId)}, ${name(postHashtags.postId)}, ${name(postHashtags.createdAt)})
      SELECT ${hashtags.id}, ${postId}, ${now} FROM ${hashtags}
      WHERE ${hashtags.key} IN (SELECT value FROM json_each(${keys})) AND ${guard}
      ON CONFLICT DO NOTHING`),
    db.run(sql`UPDATE ${hashtags} SET ${name(hashtags.postCount)} = ${hashtags.postCount} + 1
      WHERE ${hashtags.id} IN (${added}) AND ${guard}`),
    db.run(sql`INSERT INTO ${hashtagUsage} (${name(hashtagUsage.hashtagId)}, ${name(hashtagUsage.hour)}, ${name(hashtagUsage.uses)})
      SELECT ${name(postHashtags.hashtagId)}, ${hourOf(now)}, 1 FROM (${added}) WHERE ${guard}
      ON CONFLICT (${name(hashtagUsage.hashtagId)}, ${name(hashtagUsage.hour)})
      DO UPDATE SET ${name(hashtagUsage.uses)} = ${hashtagUsage.uses} + 1`),
  ];
}

/**
 * Detaches hashtags (all of them when `keys` is undefined): the rows, their post counts and the usage
 * bucket of the hour each row was created in.
 */
export function removeHashtags(db: Db, postId: string, keys: string[] | undefined, guard: SQL): Statement[] {
  if (keys && keys.length === 0) return [];
  // Conditions on post_hashtags rows (inside subqueries over post_hashtags, its columns are theirs).
  const which = keys
    ? sql`AND ${postHashtags.hashtagId} IN (SELECT ${hashtags.id} FROM ${hashtags}
        WHERE ${hashtags.key} IN (SELECT value FROM json_each(${keysJson(keys)})))`
    : sql``;
  const hour = sql.raw(String(HOUR));
  return [
    db.run(sql`UPDATE ${hashtagUsage} SET ${name(hashtagUsage.uses)} = ${hashtagUsage.uses} - 1
      WHERE (${hashtagUsage.hashtagId}, ${hashtagUsage.hour}) IN (SELECT ${postHashtags.hashtagId},
          (${postHashtags.createdAt} / ${hour}) * ${hour} FROM ${postHashtags}
        WHERE ${postHashtags.postId} = ${postId} ${which}) AND ${guard}`),
    db.run(sql`UPDATE ${hashtags} SET ${name(hashtags.postCount)} = ${hashtags.postCount} - 1
      WHERE ${hashtags.id} IN (SELECT ${postHashtags.hashtagId} FROM ${postHashtags}
        WHERE ${postHashtags.postId} = ${postId} ${which}) AND ${guard}`),
    db.run(sql`DELETE FROM ${postHashtags} WHERE ${postHashtags.postId} = ${postId} ${which} AND ${guard}`),
  ];
}

export interface MentionCandidate {
  id: string;
  username: string;
  /** The actor may link this member (not blocked either way; the member's profile settings allow it). */
  allowed: number;
  /** The member can see the post the mention is in (so a notification would not lead to a 404). */
  canSee: number;
}

/**
 * Who may be mentioned: a member whose full profile the actor may see (the profile rule of
 * core/access/members.ts, `fullProfileVisibleSql`: active, not blocked either way, and PUBLIC: anyone;
 * CONNECTIONS: their connections; PRIVATE: nobody but themselves). `canSee` tells whether the member may
 * read a post of `postAuthorId` with `visibility`.
 */
const u = alias(users, "u");
const pr = alias(profiles, "pr");

export function mentionCandidatesQuery(
  db: Db,
  actorId: string,
  usernames: string[],
  post: { authorId: string | SQL; visibility: string | SQL },
) {
  return db.all<MentionCandidate>(sql`
    SELECT ${u.id} AS id, ${u.username} AS username,
      ${fullProfileVisibleSql(actorId, { id: u.id, visibility: pr.visibility })} AS allowed,
      (${u.id} = ${post.authorId} OR ((${post.visibility} = 'PUBLIC'
          OR (${post.visibility} = 'CONNECTIONS' AND ${connectedSql(post.authorId, u.id)}))
        AND NOT ${blockedEitherWaySql(post.authorId, u.id)})) AS canSee
    FROM ${users} ${u} LEFT JOIN ${profiles} ${pr} ON ${pr.userId} = ${u.id}
    WHERE ${u.username} IN (SELECT value FROM json_each(${JSON.stringify(usernames)})) AND ${u.status} = 'ACTIVE'`);
}

/** Distinct usernames mentioned in `text` (at most LIMITS.mentions are looked up and linked). */
export function mentionedUsernames(found: ExtractedMention[]): string[] {
  return [...new Set(found.map((m) => m.username))].slice(0, LIMITS.mentions);
}

/** The linked mentions of `text`: every occurrence of an allowed member, with UTF-16 offsets. */
export function linkMentions(text: string, candidates: MentionCandidate[]): StoredMention[] {
  const allowed = new Map(candidates.filter((c) => c.allowed === 1).map((c) => [c.username, c]));
  return extractMentions(text)
    .filter((m) => allowed.has(m.username))
    .map((m) => ({ userId: allowed.get(m.username)!.id, username: m.username, start: m.start, end: m.end }));
}

/** Stores the relational copy of linked mentions of a post or a comment. */
export function insertMentions(
  db: Db,
  target: { postId?: string; commentId?: string },
  authorId: string,
  linked: StoredMention[],
  now: number,
  guard: SQL,
): Statement[] {
  if (linked.length === 0) return [];
  const rows = JSON.stringify(
    linked.map((m) => ({ id: newId(now), userId: m.userId, start: m.start, end: m.end })),
  );
  return [
    db.run(sql`INSERT INTO ${mentions} (${name(mentions.id)}, ${name(mentions.postId)}, ${name(mentions.commentId)},
        ${name(mentions.authorId)}, ${name(mentions.userId)}, ${name(mentions.start)}, ${name(mentions.end)},
        ${name(mentions.createdAt)})
      SELECT json_extract(value, '$.id'), ${valueOrNull(target.postId)}, ${valueOrNull(target.commentId)}, ${authorId},
        json_extract(value, '$.userId'), json_extract(value, '$.start'), json_extract(value, '$.end'), ${now}
      FROM json_each(${rows}) WHERE ${guard}`),
  ];
}
