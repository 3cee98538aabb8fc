import { type SQL, sql } from "drizzle-orm";
import { blockedEitherWaySql, connectedSql, fullProfileVisibleSql } from "../../core/access/members";
import type { Db } from "../../core/db";
import type { StoredMention } from "../../db/schema";
import { HOUR } from "../../platform/clock";
import { type Statement, valueOrNull } from "../../platform/db/batch";
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
  const added = sql`SELECT hashtag_id FROM post_hashtags WHERE post_id = ${postId} AND created_at = ${now}
    AND hashtag_id IN (SELECT id FROM hashtags WHERE key IN (SELECT value FROM json_each(${keys})))`;
  return [
    db.run(sql`INSERT INTO hashtags (id, key, display, post_count, follower_count, created_at)
      SELECT json_extract(value, '$.id'), json_extract(value, '$.key'), json_extract(value, '$.display'), 0, 0, ${now}
      FROM json_each(${fresh}) WHERE ${guard}
      ON CONFLICT (key) DO NOTHING`),
    db.run(sql`INSERT INTO post_hashtags (hashtag_id, post_id, created_at)
      SELECT id, ${postId}, ${now} FROM hashtags WHERE key IN (SELECT value FROM json_each(${keys})) AND ${guard}
      ON CONFLICT DO NOTHING`),
    db.run(sql`UPDATE hashtags SET post_count = post_count + 1 WHERE id IN (${added}) AND ${guard}`),
    db.run(sql`INSERT INTO hashtag_usage (hashtag_id, hour, uses)
      SELECT hashtag_id, ${hourOf(now)}, 1 FROM (${added}) WHERE ${guard}
      ON CONFLICT (hashtag_id, hour) DO UPDATE SET uses = uses + 1`),
  ];
}

/**
 * Detaches hashtags (all of them when `keys` is undefined): the rows, their post counts and the usage
 * bucket of the hour each row was created in.
 */
export function removeHashtags(db: Db, postId: string, keys: string[] | undefined, guard: SQL): Statement[] {
  if (keys && keys.length === 0) return [];
  const which = keys
    ? sql`AND hashtag_id IN (SELECT id FROM hashtags WHERE key IN (SELECT value FROM json_each(${keysJson(keys)})))`
    : sql``;
  return [
    db.run(sql`UPDATE hashtag_usage SET uses = uses - 1
      WHERE (hashtag_id, hour) IN (SELECT hashtag_id, (created_at / ${sql.raw(String(HOUR))}) * ${sql.raw(String(HOUR))} FROM post_hashtags
        WHERE post_id = ${postId} ${which}) AND ${guard}`),
    db.run(sql`UPDATE hashtags SET post_count = post_count - 1
      WHERE id IN (SELECT hashtag_id FROM post_hashtags WHERE post_id = ${postId} ${which}) AND ${guard}`),
    db.run(sql`DELETE FROM post_hashtags WHERE post_id = ${postId} ${which} AND ${guard}`),
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
export function mentionCandidatesQuery(
  db: Db,
  actorId: string,
  usernames: string[],
  post: { authorId: string | SQL; visibility: string | SQL },
) {
  return db.all<MentionCandidate>(sql`
    SELECT u.id AS id, u.username AS username,
      ${fullProfileVisibleSql(actorId, { id: sql`u.id`, visibility: sql`pr.visibility` })} AS allowed,
      (u.id = ${post.authorId} OR ((${post.visibility} = 'PUBLIC'
          OR (${post.visibility} = 'CONNECTIONS' AND ${connectedSql(post.authorId, sql`u.id`)}))
        AND NOT ${blockedEitherWaySql(post.authorId, sql`u.id`)})) AS canSee
    FROM users u LEFT JOIN profiles pr ON pr.user_id = u.id
    WHERE u.username IN (SELECT value FROM json_each(${JSON.stringify(usernames)})) AND u.status = 'ACTIVE'`);
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
    db.run(sql`INSERT INTO mentions (id, post_id, comment_id, author_id, user_id, start, "end", created_at)
      SELECT json_extract(value, '$.id'), ${valueOrNull(target.postId)}, ${valueOrNull(target.commentId)}, ${authorId},
        json_extract(value, '$.userId'), json_extract(value, '$.start'), json_extract(value, '$.end'), ${now}
      FROM json_each(${rows}) WHERE ${guard}`),
  ];
}
