import { type SQL, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import { connectedSql } from "../../core/access/members";
import { postVisibleTo } from "../../core/access/posts";
import type { Deps } from "../../core/deps";
import { publishEvents } from "../../core/events";
import type { Actor } from "../../core/identity/actor";
import { assertMayPost } from "../../core/identity/verified";
import {
  media,
  mentions,
  pollOptions,
  polls,
  postEdits,
  postMedia,
  posts,
  type StoredMention,
} from "../../db/schema";
import { DAY, isoAt } from "../../platform/clock";
import { type AnyStatement, changed, runBatch, valueOrNull } from "../../platform/db/batch";
import { name } from "../../platform/db/statements";
import { AppError } from "../../platform/errors";
import { newId } from "../../platform/ids";
import { detectTextDirection, extractHashtags, extractMentions } from "../../platform/text";
import { queueIndex } from "../search";
import { postJsonSql, postsAs, readPost, toPost } from "./read";
import { type CreatePostInput, LIMITS, type Post, type UpdatePostInput } from "./schemas";
import {
  addHashtags,
  insertMentions,
  linkMentions,
  type MentionCandidate,
  mentionCandidatesQuery,
  mentionedUsernames,
  removeHashtags,
} from "./writes";

const ATTACHABLE_MEDIA = ["POST_IMAGE", "VIDEO", "DOCUMENT"];

function hashtagsOf(content: string) {
  const tags = extractHashtags(content);
  if (tags.length > LIMITS.hashtags) {
    throw new AppError("TOO_MANY_HASHTAGS", [
      { path: "content", message: `${tags.length} hashtags; at most ${LIMITS.hashtags}` },
    ]);
  }
  return tags;
}

/** The posts row as the access rules and postJsonSql name it. */
const p = postsAs("p");
const e = alias(postEdits, "e");

/** The statement that reads a post back as JSON at the end of a write batch. */
export function readBack(deps: Deps, viewerId: string, postId: string) {
  return deps.db.get<{ json: string } | undefined>(
    sql`SELECT ${postJsonSql(viewerId)} AS json FROM ${posts} ${p} WHERE ${p.id} = ${postId}`,
  );
}

/** Mention notifications for linked members who can read the post. */
function mentionEvents(
  deps: Deps,
  actorId: string,
  postId: string,
  linked: StoredMention[],
  candidates: MentionCandidate[],
) {
  const canSee = new Set(candidates.filter((c) => c.canSee === 1).map((c) => c.id));
  const users = [...new Set(linked.map((m) => m.userId))].filter((id) => canSee.has(id));
  return users.map((userId) => ({
    key: `mention:post:${postId}:${userId}`,
    event: {
      type: "mention" as const,
      actorId,
      recipientId: userId,
      target: { type: "post", id: postId },
      at: deps.now,
    },
  }));
}

/** Looks up media and mention candidates in one round trip (skipped when there is nothing to look up). */
async function lookups(
  deps: Deps,
  authorId: string,
  mediaIds: string[],
  usernames: string[],
  post: { authorId: string; visibility: string },
) {
  const { db } = deps;
  const queries = [
    ...(mediaIds.length > 0
      ? [
          db.all<{ id: string; ownerId: string; status: string; kind: string }>(sql`
            SELECT ${media.id}, ${media.ownerId} AS ownerId, ${media.status}, ${media.kind} FROM ${media}
            WHERE ${media.id} IN (SELECT value FROM json_each(${JSON.stringify(mediaIds)}))`),
        ]
      : []),
    ...(usernames.length > 0 ? [mentionCandidatesQuery(db, authorId, usernames, post)] : []),
  ];
  if (queries.length === 0) return { media: [], candidates: [] };
  const results = (await runBatch(db, queries)) as unknown[][];
  const found = (mediaIds.length > 0 ? results.shift() : []) as {
    id: string;
    ownerId: string;
    status: string;
    kind: string;
  }[];
  const candidates = (usernames.length > 0 ? results.shift() : []) as MentionCandidate[];
  return { media: found, candidates };
}

export async function createPost(deps: Deps, user: Actor, input: CreatePostInput): Promise<Post> {
  await assertMayPost(deps, user);
  const { db, now } = deps;
  const tags = hashtagsOf(input.content);
  const usernames = mentionedUsernames(extractMentions(input.content));
  const { media: found, candidates } = await lookups(deps, user.id, input.mediaIds, usernames, {
    authorId: user.id,
    visibility: input.visibility,
  });
  const usable = new Set(
    found
      .filter((m) => m.ownerId === user.id && m.status === "READY" && ATTACHABLE_MEDIA.includes(m.kind))
      .map((m) => m.id),
  );
  const refused = input.mediaIds.filter((id) => !usable.has(id));
  if (refused.length > 0) {
    throw new AppError(
      "INVALID_MEDIA",
      refused.map((id) => ({ path: "mediaIds", message: `${id}: not your READY post media` })),
    );
  }
  const linked = linkMentions(input.content, candidates);
  const id = newId(now);
  const always = sql`1`;
  const statements: AnyStatement[] = [
    db.insert(posts).values({
      id,
      authorId: user.id,
      kind: "POST",
      content: input.content,
      visibility: input.visibility,
      textDirection: input.textDirection ?? detectTextDirection(input.content),
      hashtags: tags.map((t) => t.display),
      mentions: linked,
      mediaCount: input.mediaIds.length,
      hasPoll: Boolean(input.poll),
      rev: newId(now),
      createdAt: now,
    }),
    ...input.mediaIds.map((mediaId, position) =>
      db.run(sql`INSERT INTO ${postMedia} (${name(postMedia.postId)}, ${name(postMedia.mediaId)}, ${name(postMedia.position)})
        SELECT ${id}, ${media.id}, ${position} FROM ${media}
        WHERE ${media.id} = ${mediaId} AND ${media.ownerId} = ${user.id} AND ${media.status} = 'READY'`),
    ),
    ...addHashtags(db, id, tags, now, always),
    ...insertMentions(db, { postId: id }, user.id, linked, now, always),
  ];
  if (input.poll) {
    const pollId = newId(now);
    statements.push(
      db.insert(polls).values({
        id: pollId,
        postId: id,
        closesAt: now + input.poll.durationDays * DAY,
        totalVotes: 0,
        createdAt: now,
      }),
      ...input.poll.options.map((text, position) =>
        db.insert(pollOptions).values({ id: newId(now), pollId, position, text, voteCount: 0 }),
      ),
    );
  }
  const results = await runBatch(db, [...statements, readBack(deps, user.id, id)]);
  const row = results[results.length - 1] as { json: string } | undefined;
  deps.waitUntil(publishEvents(deps.env, mentionEvents(deps, user.id, id, linked, candidates)));
  deps.waitUntil(queueIndex(deps.env, "posts", id));
  return toPost(deps, row!.json, user.id);
}

export async function getPost(deps: Deps, viewerId: string | undefined, postId: string): Promise<Post> {
  const post = await readPost(deps, viewerId, postId);
  if (!post) throw new AppError("NOT_FOUND");
  return post;
}

interface OwnRow {
  id: string;
  authorId: string;
  kind: Post["kind"];
  repostOfId: string | null;
  content: string;
  visibility: Post["visibility"];
  textDirection: Post["textDirection"];
  hashtags: string;
  rev: string;
}

/** A live post the caller may change: hidden → 404, someone else's → 403. */
async function ownPost(deps: Deps, userId: string, postId: string): Promise<OwnRow> {
  const row = await deps.db.get<(OwnRow & { visible: number }) | undefined>(sql`
    SELECT ${p.id}, ${p.authorId} AS authorId, ${p.kind}, ${p.repostOfId} AS repostOfId, ${p.content}, ${p.visibility},
      ${p.textDirection} AS textDirection, ${p.hashtags}, ${p.rev}, ${postVisibleTo(userId)} AS visible
    FROM ${posts} ${p} WHERE ${p.id} = ${postId} AND ${p.deletedAt} IS NULL`);
  if (!row || (row.authorId !== userId && row.visible !== 1)) throw new AppError("NOT_FOUND");
  if (row.authorId !== userId) throw new AppError("FORBIDDEN");
  return row;
}

export async function updatePost(
  deps: Deps,
  user: Actor,
  postId: string,
  input: UpdatePostInput,
): Promise<Post> {
  await assertMayPost(deps, user);
  const { db, now } = deps;
  const current = await ownPost(deps, user.id, postId);
  if (current.kind === "REPOST") throw new AppError("NOT_EDITABLE");
  const content = input.content ?? current.content;
  if (current.kind === "QUOTE" && content.length > LIMITS.quote) {
    throw new AppError("VALIDATION_ERROR", [
      { path: "content", message: `A quote has at most ${LIMITS.quote} characters` },
    ]);
  }
  if (current.kind === "POST" && content.length === 0) {
    const hasMedia = await db.get(sql`SELECT 1 FROM ${postMedia} WHERE ${postMedia.postId} = ${postId}`);
    if (!hasMedia)
      throw new AppError("VALIDATION_ERROR", [{ path: "content", message: "A post needs content or media" }]);
  }
  const visibility = input.visibility ?? current.visibility;
  const textDirection =
    input.textDirection ??
    (input.content !== undefined ? detectTextDirection(content) : current.textDirection);
  const tags = hashtagsOf(content);
  const before = new Set(extractHashtags(current.content).map((t) => t.key));
  const after = new Set(tags.map((t) => t.key));
  const usernames = mentionedUsernames(extractMentions(content));
  const { candidates } = await lookups(deps, user.id, [], usernames, { authorId: user.id, visibility });
  const linked = linkMentions(content, candidates);

  const rev = newId(now);
  const mine = sql`EXISTS (SELECT 1 FROM ${posts} WHERE ${posts.id} = ${postId} AND ${posts.rev} = ${rev})`;
  const results = await runBatch(db, [
    db.run(sql`INSERT INTO ${postEdits} (${name(postEdits.id)}, ${name(postEdits.postId)}, ${name(postEdits.content)},
        ${name(postEdits.textDirection)}, ${name(postEdits.visibility)}, ${name(postEdits.replacedAt)})
      SELECT ${newId(now)}, ${posts.id}, ${posts.content}, ${posts.textDirection}, ${posts.visibility}, ${now} FROM ${posts}
      WHERE ${posts.id} = ${postId} AND ${posts.rev} = ${current.rev} AND ${posts.deletedAt} IS NULL`),
    db.run(sql`UPDATE ${posts} SET ${name(posts.content)} = ${content}, ${name(posts.visibility)} = ${visibility},
        ${name(posts.textDirection)} = ${textDirection}, ${name(posts.hashtags)} = ${JSON.stringify(tags.map((t) => t.display))},
        ${name(posts.mentions)} = ${JSON.stringify(linked)}, ${name(posts.editedAt)} = ${now}, ${name(posts.rev)} = ${rev}
      WHERE ${posts.id} = ${postId} AND ${posts.rev} = ${current.rev} AND ${posts.deletedAt} IS NULL`),
    ...removeHashtags(
      db,
      postId,
      [...before].filter((k) => !after.has(k)),
      mine,
    ),
    ...addHashtags(
      db,
      postId,
      tags.filter((t) => !before.has(t.key)),
      now,
      mine,
    ),
    db.run(sql`DELETE FROM ${mentions} WHERE ${mentions.postId} = ${postId} AND ${mine}`),
    ...insertMentions(db, { postId }, user.id, linked, now, mine),
    readBack(deps, user.id, postId),
  ]);
  if (changed(results[1]) === 0) throw new AppError("EDIT_CONFLICT");
  const row = results[results.length - 1] as { json: string } | undefined;
  deps.waitUntil(publishEvents(deps.env, mentionEvents(deps, user.id, postId, linked, candidates)));
  deps.waitUntil(queueIndex(deps.env, "posts", postId));
  return toPost(deps, row!.json, user.id);
}

/**
 * Soft delete, with everything that counts the post: its hashtag rows and usage, its mentions, and the
 * repost count of the post it reposts. Comments, reactions and bookmarks stay (hidden with the post).
 */
export function deletePostStatements(
  deps: Deps,
  postId: string,
  guardRev: SQL | null,
): { statements: AnyStatement[]; rev: string } {
  const { db, now } = deps;
  const rev = newId(now);
  const mine = sql`EXISTS (SELECT 1 FROM ${posts} WHERE ${posts.id} = ${postId} AND ${posts.rev} = ${rev}
    AND ${posts.deletedAt} = ${now})`;
  return {
    rev,
    statements: [
      db.run(sql`UPDATE ${posts} SET ${name(posts.deletedAt)} = ${now}, ${name(posts.rev)} = ${rev}
        WHERE ${posts.id} = ${postId} AND ${posts.deletedAt} IS NULL ${guardRev ? sql`AND ${guardRev}` : sql``}`),
      db.run(sql`UPDATE ${posts} SET ${name(posts.repostCount)} = ${posts.repostCount} - 1
        WHERE ${posts.id} = (SELECT ${posts.repostOfId} FROM ${posts} WHERE ${posts.id} = ${postId}) AND ${mine}`),
      ...removeHashtags(db, postId, undefined, mine),
      db.run(sql`DELETE FROM ${mentions} WHERE ${mentions.postId} = ${postId} AND ${mine}`),
    ],
  };
}

export async function deletePost(deps: Deps, userId: string, postId: string): Promise<void> {
  const current = await ownPost(deps, userId, postId);
  const { statements } = deletePostStatements(deps, postId, sql`${posts.rev} = ${current.rev}`);
  const results = await runBatch(deps.db, statements);
  if (changed(results[0]) === 0) throw new AppError("EDIT_CONFLICT");
  deps.waitUntil(queueIndex(deps.env, "posts", postId));
}

/** Earlier versions, newest first; a version is shown only if its own visibility admitted the viewer. */
export async function listEdits(deps: Deps, viewerId: string | undefined, postId: string) {
  const viewer = valueOrNull(viewerId);
  const rows = await deps.db.all<{
    content: string | null;
    textDirection: Post["textDirection"];
    visibility: Post["visibility"];
    replacedAt: number;
  }>(sql`
    SELECT ${e.content}, ${e.textDirection} AS textDirection, ${e.visibility}, ${e.replacedAt} AS replacedAt
    FROM ${posts} ${p} LEFT JOIN ${postEdits} ${e} ON ${e.postId} = ${p.id} AND (${e.visibility} = 'PUBLIC' OR ${p.authorId} = ${viewer}
      OR (${e.visibility} = 'CONNECTIONS' AND ${viewerId ? connectedSql(viewerId, p.authorId) : sql`0`}))
    WHERE ${p.id} = ${postId} AND ${postVisibleTo(viewerId)}
    ORDER BY ${e.id} DESC LIMIT 100`);
  if (rows.length === 0) throw new AppError("NOT_FOUND");
  return rows
    .filter((e) => e.content !== null)
    .map((e) => ({
      content: e.content!,
      textDirection: e.textDirection,
      visibility: e.visibility,
      replacedAt: isoAt(e.replacedAt),
    }));
}
