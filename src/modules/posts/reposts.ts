import { type SQL, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import { postVisibleTo } from "../../core/access/posts";
import type { Deps } from "../../core/deps";
import { publishEvents } from "../../core/events";
import type { Actor } from "../../core/identity/actor";
import { assertMayPost } from "../../core/identity/verified";
import { posts } from "../../db/schema";
import { changed, runBatch } from "../../platform/db/batch";
import { name } from "../../platform/db/statements";
import { AppError } from "../../platform/errors";
import { newId } from "../../platform/ids";
import { detectTextDirection, extractHashtags, extractMentions } from "../../platform/text";
import { queueIndex } from "../search";
import { postsAs, toPost } from "./read";
import { LIMITS, type Post } from "./schemas";
import { deletePostStatements, readBack } from "./service";
import {
  addHashtags,
  insertMentions,
  linkMentions,
  mentionCandidatesQuery,
  mentionedUsernames,
} from "./writes";

/** The post named by the client, wherever it is looked up (an alias, so it never captures an outer posts row). */
const given = alias(posts, "given");
const g = postsAs("g");

/**
 * SQL for "the post an action on `givenId` is really about": a plain repost stands for its original
 * (reacting to, commenting on, bookmarking or reposting a plain repost acts on the original).
 */
export function actionTargetSql(givenId: string | SQL) {
  return sql`(SELECT CASE WHEN ${given.kind} = 'REPOST' THEN ${given.repostOfId} ELSE ${given.id} END
    FROM ${posts} ${given} WHERE ${given.id} = ${givenId})`;
}

/**
 * Reposts `targetId` (plain, or a quote when `comment` is given). One live repost per member per original:
 * the partial unique index decides under concurrency, and the original's repost count moves only when
 * the repost row was inserted (same batch).
 */
export async function repost(
  deps: Deps,
  user: Actor,
  targetId: string,
  input: { comment?: string | undefined; visibility?: Post["visibility"] | undefined },
) {
  await assertMayPost(deps, user);
  const { db, now } = deps;
  const comment = input.comment ?? "";
  const visibility = input.visibility ?? "PUBLIC";
  const tags = extractHashtags(comment);
  if (tags.length > LIMITS.hashtags) throw new AppError("TOO_MANY_HASHTAGS");
  const usernames = mentionedUsernames(extractMentions(comment));

  const original = sql`CASE WHEN ${g.kind} = 'REPOST' THEN ${g.repostOfId} ELSE ${g.id} END`;
  const target = sql`SELECT ${g.id}, ${original} AS originalId,
      (SELECT ${posts.authorId} FROM ${posts} WHERE ${posts.id} = ${original}) AS originalAuthorId
    FROM ${posts} ${g} WHERE ${g.id} = ${targetId} AND ${postVisibleTo(user.id, "g")}`;
  const [found, candidates] = (await runBatch(db, [
    db.get<{ originalId: string; originalAuthorId: string } | undefined>(target),
    usernames.length > 0
      ? mentionCandidatesQuery(db, user.id, usernames, { authorId: user.id, visibility })
      : db.all(sql`SELECT 1 WHERE 0`),
  ])) as [{ originalId: string; originalAuthorId: string } | undefined, Parameters<typeof linkMentions>[1]];
  if (!found) throw new AppError("NOT_FOUND");
  const originalId = found.originalId;
  const linked = linkMentions(comment, candidates);

  const id = newId(now);
  const inserted = sql`EXISTS (SELECT 1 FROM ${posts} WHERE ${posts.id} = ${id})`;
  const results = await runBatch(db, [
    db.run(sql`INSERT INTO ${posts} (${name(posts.id)}, ${name(posts.authorId)}, ${name(posts.kind)},
        ${name(posts.repostOfId)}, ${name(posts.content)}, ${name(posts.visibility)}, ${name(posts.textDirection)},
        ${name(posts.hashtags)}, ${name(posts.mentions)}, ${name(posts.rev)}, ${name(posts.createdAt)})
      SELECT ${id}, ${user.id}, ${comment ? "QUOTE" : "REPOST"}, ${originalId}, ${comment}, ${visibility},
        ${comment ? detectTextDirection(comment) : "ltr"}, ${JSON.stringify(tags.map((t) => t.display))},
        ${JSON.stringify(linked)}, ${newId(now)}, ${now}
      WHERE EXISTS (SELECT 1 FROM ${posts} WHERE ${posts.id} = ${originalId} AND ${posts.deletedAt} IS NULL)
      ON CONFLICT DO NOTHING`),
    db.run(sql`UPDATE ${posts} SET ${name(posts.repostCount)} = ${posts.repostCount} + 1
      WHERE ${posts.id} = ${originalId} AND ${inserted}`),
    ...addHashtags(db, id, tags, now, inserted),
    ...insertMentions(db, { postId: id }, user.id, linked, now, inserted),
    readBack(deps, user.id, id),
  ]);
  if (changed(results[0]) === 0) throw new AppError("ALREADY_REPOSTED");
  const post = await toPost(deps, (results[results.length - 1] as { json: string }).json, user.id);
  deps.waitUntil(queueIndex(deps.env, "posts", id));

  const canSee = new Set(candidates.filter((c) => c.canSee === 1).map((c) => c.id));
  deps.waitUntil(
    publishEvents(deps.env, [
      {
        key: `repost:${originalId}:${user.id}`,
        event: {
          type: "repost",
          actorId: user.id,
          recipientId: found.originalAuthorId,
          target: { type: "post", id: originalId },
          data: { repostPostId: id, quote: comment.length > 0 },
          at: now,
        },
      },
      ...[...new Set(linked.map((m) => m.userId))]
        .filter((uid) => canSee.has(uid))
        .map((uid) => ({
          key: `mention:post:${id}:${uid}`,
          event: {
            type: "mention" as const,
            actorId: user.id,
            recipientId: uid,
            target: { type: "post", id },
            at: now,
          },
        })),
    ]),
  );
  return { repostId: id, repostPostId: id, originalPostId: originalId, post };
}

/** Removes the caller's repost of `targetId` (or of the original a plain repost `targetId` stands for). */
export async function unrepost(deps: Deps, userId: string, targetId: string): Promise<void> {
  const { db } = deps;
  const mine = await db.get<{ id: string; rev: string } | undefined>(sql`
    SELECT ${posts.id}, ${posts.rev} FROM ${posts} WHERE ${posts.authorId} = ${userId} AND ${posts.deletedAt} IS NULL
      AND ${posts.repostOfId} = COALESCE((SELECT ${given.repostOfId} FROM ${posts} ${given}
        WHERE ${given.id} = ${targetId} AND ${given.kind} = 'REPOST'), ${targetId})`);
  if (!mine) throw new AppError("NOT_FOUND");
  const { statements } = deletePostStatements(deps, mine.id, sql`${posts.rev} = ${mine.rev}`);
  const results = await runBatch(db, statements);
  if (changed(results[0]) === 0) throw new AppError("NOT_FOUND");
  deps.waitUntil(queueIndex(deps.env, "posts", mine.id));
}
