import { type SQL, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import { commentVisibleTo } from "../../core/access/comments";
import { postVisibleTo } from "../../core/access/posts";
import { userCardJsonSql } from "../../core/cards";
import type { Deps } from "../../core/deps";
import { type DomainEvent, publishEvents } from "../../core/events";
import type { Actor } from "../../core/identity/actor";
import { assertMayPost } from "../../core/identity/verified";
import { comments, mentions, posts, reactions, type StoredMention } from "../../db/schema";
import { isoAt } from "../../platform/clock";
import { changed, runBatch, valueOrNull } from "../../platform/db/batch";
import { CompiledSql } from "../../platform/db/compiled";
import { keyset } from "../../platform/db/keyset";
import { name } from "../../platform/db/statements";
import { AppError } from "../../platform/errors";
import { newId } from "../../platform/ids";
import { detectTextDirection, extractMentions } from "../../platform/text";
import {
  actionTargetSql,
  insertMentions,
  linkMentions,
  type MentionCandidate,
  mentionCandidatesQuery,
  mentionedUsernames,
  reactionCountsOf,
} from "../posts";
import type { Comment } from "./schemas";

/** The comments row the statements of this module read, as the access rules name it (`c`). */
const c = alias(comments, "c");
/** The post a comment action goes to (`t`), reached from the post the client named (`g`). */
const g = alias(posts, "g");
const t = alias(posts, "t");

/** The comment representation as one JSON value built in SQL (see posts/read.ts for the idea). */
export function commentJsonSql(viewerId: string | undefined, as = "c"): SQL {
  const a = as === "c" ? c : alias(comments, as);
  return sql`json_object('id', ${a.id}, 'postId', ${a.postId}, 'parentId', ${a.parentId},
    'author', json(${userCardJsonSql(a.authorId)}), 'content', ${a.content}, 'textDirection', ${a.textDirection},
    'mentions', json(${a.mentions}), 'r', json_array(${a.rLike}, ${a.rCelebrate}, ${a.rSupport}, ${a.rLove},
      ${a.rInsightful}, ${a.rFunny}),
    'replyCount', ${a.replyCount}, 'createdAt', ${a.createdAt}, 'editedAt', ${a.editedAt},
    'myReaction', ${
      viewerId
        ? sql`(SELECT ${reactions.type} FROM ${reactions} WHERE ${reactions.targetType} = 'COMMENT'
            AND ${reactions.targetId} = ${a.id} AND ${reactions.userId} = ${viewerId})`
        : sql`NULL`
    })`;
}

interface RawComment extends Omit<Comment, "reactionCounts" | "reactionCount" | "createdAt" | "editedAt"> {
  r: number[];
  createdAt: number;
  editedAt: number | null;
}

export function toComment(json: string): Comment {
  return commentFrom(JSON.parse(json) as RawComment);
}

function commentFrom({ r, createdAt, editedAt, ...rest }: RawComment): Comment {
  return {
    ...rest,
    reactionCounts: reactionCountsOf(r),
    reactionCount: r.reduce((x, y) => x + y, 0),
    createdAt: isoAt(createdAt),
    editedAt: editedAt === null ? null : isoAt(editedAt),
  };
}

/** FROM/WHERE: `t` is the post comments on `givenId` go to (a plain repost stands for its original), if visible. */
const targetPostFrom = (viewerId: string | undefined, givenId: string | SQL) => sql`
  FROM ${posts} ${g} JOIN ${posts} ${t} ON ${t.id} = CASE WHEN ${g.kind} = 'REPOST' THEN ${g.repostOfId} ELSE ${g.id} END
  WHERE ${g.id} = ${givenId} AND ${postVisibleTo(viewerId, "g")}`;

function targetPostQuery(deps: Deps, viewerId: string | undefined, givenId: string) {
  return deps.db.get<{ postId: string; postAuthorId: string; visibility: string } | undefined>(
    sql`SELECT ${t.id} AS postId, ${t.authorId} AS postAuthorId, ${t.visibility} ${targetPostFrom(viewerId, givenId)}`,
  );
}

/** Placeholders that keep a batch's shape when a query is not needed: no rows / no row. */
const noRows = (deps: Deps) => deps.db.all(sql`SELECT 1 WHERE 0`);
const noRow = (deps: Deps) => deps.db.get(sql`SELECT 1 WHERE 0`);

function mentionEvents(
  actorId: string,
  commentId: string,
  postId: string,
  linked: StoredMention[],
  candidates: MentionCandidate[],
  at: number,
) {
  const canSee = new Set(candidates.filter((c) => c.canSee === 1).map((c) => c.id));
  return [...new Set(linked.map((m) => m.userId))]
    .filter((id) => canSee.has(id))
    .map((recipientId) => ({
      key: `mention:comment:${commentId}:${recipientId}`,
      event: {
        type: "mention" as const,
        actorId,
        recipientId,
        target: { type: "comment", id: commentId },
        data: { postId },
        at,
      },
    }));
}

export async function createComment(
  deps: Deps,
  user: Actor,
  givenPostId: string,
  input: { content: string; parentId?: string | undefined },
): Promise<Comment> {
  await assertMayPost(deps, user);
  const { db, now } = deps;
  const usernames = mentionedUsernames(extractMentions(input.content));
  const post = actionTargetSql(givenPostId);
  const [target, parent, candidates] = (await runBatch(db, [
    targetPostQuery(deps, user.id, givenPostId),
    input.parentId
      ? db.get(sql`SELECT ${c.id}, ${c.parentId} AS parentId, ${c.authorId} AS authorId, ${c.postId} AS postId
          FROM ${comments} ${c} WHERE ${c.id} = ${input.parentId} AND ${commentVisibleTo(user.id, "c")}`)
      : noRow(deps),
    usernames.length > 0
      ? mentionCandidatesQuery(db, user.id, usernames, {
          authorId: sql`(SELECT ${posts.authorId} FROM ${posts} WHERE ${posts.id} = ${post})`,
          visibility: sql`(SELECT ${posts.visibility} FROM ${posts} WHERE ${posts.id} = ${post})`,
        })
      : noRows(deps),
  ])) as [
    { postId: string; postAuthorId: string } | undefined,
    { id: string; parentId: string | null; authorId: string; postId: string } | undefined,
    MentionCandidate[],
  ];
  if (!target) throw new AppError("NOT_FOUND");
  if (input.parentId && (!parent || parent.postId !== target.postId)) throw new AppError("NOT_FOUND");
  // Replies are one level deep: a reply to a reply joins the thread of its top-level comment.
  const threadId = parent ? (parent.parentId ?? parent.id) : null;
  const linked = linkMentions(input.content, candidates);

  const id = newId(now);
  const inserted = sql`EXISTS (SELECT 1 FROM ${comments} WHERE ${comments.id} = ${id})`;
  const results = await runBatch(db, [
    db.run(sql`INSERT INTO ${comments} (${name(comments.id)}, ${name(comments.postId)}, ${name(comments.postAuthorId)},
        ${name(comments.authorId)}, ${name(comments.parentId)}, ${name(comments.content)}, ${name(comments.textDirection)},
        ${name(comments.mentions)}, ${name(comments.createdAt)})
      SELECT ${id}, ${target.postId}, ${target.postAuthorId}, ${user.id}, ${valueOrNull(threadId)}, ${input.content},
        ${detectTextDirection(input.content)}, ${JSON.stringify(linked)}, ${now}
      WHERE EXISTS (SELECT 1 FROM ${posts} WHERE ${posts.id} = ${target.postId} AND ${posts.deletedAt} IS NULL)
        ${threadId ? sql`AND EXISTS (SELECT 1 FROM ${comments} WHERE ${comments.id} = ${threadId} AND ${comments.deletedAt} IS NULL)` : sql``}`),
    db.run(
      sql`UPDATE ${posts} SET ${name(posts.commentCount)} = ${posts.commentCount} + 1
        WHERE ${posts.id} = ${target.postId} AND ${inserted}`,
    ),
    ...(threadId
      ? [
          db.run(
            sql`UPDATE ${comments} SET ${name(comments.replyCount)} = ${comments.replyCount} + 1
              WHERE ${comments.id} = ${threadId} AND ${inserted}`,
          ),
        ]
      : []),
    ...insertMentions(db, { commentId: id }, user.id, linked, now, inserted),
    db.get<{ json: string } | undefined>(
      sql`SELECT ${commentJsonSql(user.id)} AS json FROM ${comments} ${c} WHERE ${c.id} = ${id}`,
    ),
  ]);
  if (changed(results[0]) === 0) throw new AppError("NOT_FOUND");
  const comment = toComment((results[results.length - 1] as { json: string }).json);

  const events: { key: string; event: DomainEvent }[] = [];
  if (parent) {
    events.push({
      key: `reply:${id}`,
      event: {
        type: "reply",
        actorId: user.id,
        recipientId: parent.authorId,
        target: { type: "comment", id },
        data: { postId: target.postId, parentId: parent.id },
        at: now,
      },
    });
  }
  if (!parent || parent.authorId !== target.postAuthorId) {
    events.push({
      key: `comment:${id}`,
      event: {
        type: "comment",
        actorId: user.id,
        recipientId: target.postAuthorId,
        target: { type: "post", id: target.postId },
        data: { commentId: id },
        at: now,
      },
    });
  }
  events.push(...mentionEvents(user.id, id, target.postId, linked, candidates, now));
  deps.waitUntil(publishEvents(deps.env, events));
  return comment;
}

type CommentPageVariant = `${"top" | "replies"}-${"first" | "after"}`;

/**
 * A page of comments as ONE statement and one row: whether the post (and for replies, the thread's
 * comment) is visible, and the page's comments as one JSON array (parsed once).
 */
/** Top-level comments newest first; the replies of a thread oldest first (reading order). */
const newestComments = keyset("desc", { id: { column: c.id, type: "string", of: (r: Comment) => r.id } });
const oldestReplies = keyset("asc", { id: { column: c.id, type: "string", of: (r: Comment) => r.id } });
const orderOf = (replies: boolean) => (replies ? oldestReplies : newestComments);

const commentPage = new CompiledSql<
  { givenId: string; parentId: string; after: string; k: number },
  CommentPageVariant
>((viewerId, p, variant) => {
  const replies = variant.startsWith("replies");
  const after = variant.endsWith("after");
  const target = sql`EXISTS (SELECT 1 ${targetPostFrom(viewerId, p.givenId)})`;
  const parent = replies
    ? sql`EXISTS (SELECT 1 FROM ${comments} ${c} WHERE ${c.id} = ${p.parentId} AND ${c.postId} = ${actionTargetSql(p.givenId)}
        AND ${commentVisibleTo(viewerId, "c")})`
    : sql`1`;
  return sql`SELECT ${target} AND ${parent} AS ok, (SELECT json_group_array(json(j)) FROM (
      SELECT ${commentJsonSql(viewerId)} AS j FROM ${comments} ${c}
      WHERE ${c.postId} = ${actionTargetSql(p.givenId)} AND ${replies ? sql`${c.parentId} = ${p.parentId}` : sql`${c.parentId} IS NULL`}
        ${after ? sql`AND ${orderOf(replies).afterKey({ id: p.after })}` : sql``}
        AND ${commentVisibleTo(viewerId, "c")}
      ORDER BY ${orderOf(replies).orderBy}
      LIMIT ${p.k})) AS page`;
});

export async function listComments(
  deps: Deps,
  viewerId: string | undefined,
  givenPostId: string,
  query: { parentId?: string | undefined; cursor?: string | undefined; limit: number },
) {
  const replies = query.parentId !== undefined;
  const after = orderOf(replies).decode(query.cursor);
  const row = await commentPage.first<{ ok: number; page: string }>(
    deps.env.DB,
    viewerId,
    {
      givenId: givenPostId,
      parentId: query.parentId ?? "",
      after: after ? String(after.id) : "",
      k: query.limit + 1,
    },
    `${replies ? "replies" : "top"}-${after ? "after" : "first"}`,
  );
  if (!row?.ok) throw new AppError("NOT_FOUND");
  return orderOf(replies).page((JSON.parse(row.page) as RawComment[]).map(commentFrom), query.limit);
}

export async function getComment(deps: Deps, viewerId: string | undefined, id: string): Promise<Comment> {
  const row = await deps.db.get<{ json: string } | undefined>(
    sql`SELECT ${commentJsonSql(viewerId)} AS json FROM ${comments} ${c} WHERE ${c.id} = ${id} AND ${commentVisibleTo(viewerId, "c")}`,
  );
  if (!row) throw new AppError("NOT_FOUND");
  return toComment(row.json);
}

interface CommentRow {
  id: string;
  authorId: string;
  postId: string;
  parentId: string | null;
  postAuthorId: string;
  visible: number;
}

/** A live comment, or 404 when it does not exist or is hidden from the caller. */
async function liveComment(deps: Deps, userId: string, id: string): Promise<CommentRow> {
  const row = await deps.db.get<CommentRow | undefined>(sql`
    SELECT ${c.id}, ${c.authorId} AS authorId, ${c.postId} AS postId, ${c.parentId} AS parentId,
      ${c.postAuthorId} AS postAuthorId, ${commentVisibleTo(userId, "c")} AS visible
    FROM ${comments} ${c} WHERE ${c.id} = ${id} AND ${c.deletedAt} IS NULL`);
  if (row?.visible !== 1) throw new AppError("NOT_FOUND");
  return row;
}

export async function updateComment(deps: Deps, user: Actor, id: string, content: string): Promise<Comment> {
  await assertMayPost(deps, user);
  const { db, now } = deps;
  const current = await liveComment(deps, user.id, id);
  if (current.authorId !== user.id) throw new AppError("FORBIDDEN");
  const usernames = mentionedUsernames(extractMentions(content));
  const candidates =
    usernames.length > 0
      ? await mentionCandidatesQuery(db, user.id, usernames, {
          authorId: current.postAuthorId,
          visibility: sql`(SELECT ${posts.visibility} FROM ${posts} WHERE ${posts.id} = ${current.postId})`,
        })
      : [];
  const linked = linkMentions(content, candidates);
  const live = sql`EXISTS (SELECT 1 FROM ${comments} WHERE ${comments.id} = ${id} AND ${comments.deletedAt} IS NULL)`;
  const results = await runBatch(db, [
    db.run(sql`UPDATE ${comments} SET ${name(comments.content)} = ${content},
        ${name(comments.textDirection)} = ${detectTextDirection(content)},
        ${name(comments.mentions)} = ${JSON.stringify(linked)}, ${name(comments.editedAt)} = ${now}
      WHERE ${comments.id} = ${id} AND ${comments.deletedAt} IS NULL`),
    db.run(sql`DELETE FROM ${mentions} WHERE ${mentions.commentId} = ${id}`),
    ...insertMentions(db, { commentId: id }, user.id, linked, now, live),
    db.get<{ json: string } | undefined>(
      sql`SELECT ${commentJsonSql(user.id)} AS json FROM ${comments} ${c} WHERE ${c.id} = ${id}`,
    ),
  ]);
  if (changed(results[0]) === 0) throw new AppError("NOT_FOUND");
  deps.waitUntil(
    publishEvents(deps.env, mentionEvents(user.id, id, current.postId, linked, candidates, now)),
  );
  return toComment((results[results.length - 1] as { json: string }).json);
}

/**
 * Soft-deletes a comment and, for a top-level comment, its replies. The comment's author and the post's
 * author may delete it. Counters lose exactly the rows that were live (same batch).
 */
export async function deleteComment(deps: Deps, userId: string, id: string): Promise<void> {
  const { db, now } = deps;
  const current = await liveComment(deps, userId, id);
  if (current.authorId !== userId && current.postAuthorId !== userId) throw new AppError("FORBIDDEN");
  // The comment and its replies still live; inside a subquery over comments, its columns are the subquery's.
  const doomed = sql`(${comments.id} = ${id} OR ${comments.parentId} = ${id}) AND ${comments.deletedAt} IS NULL`;
  const results = await runBatch(db, [
    db.run(sql`UPDATE ${posts} SET ${name(posts.commentCount)} = ${posts.commentCount}
        - (SELECT count(*) FROM ${comments} WHERE ${doomed})
      WHERE ${posts.id} = ${current.postId}`),
    ...(current.parentId
      ? [
          db.run(sql`UPDATE ${comments} SET ${name(comments.replyCount)} = ${comments.replyCount} - 1
            WHERE ${comments.id} = ${current.parentId}
            AND EXISTS (SELECT 1 FROM ${comments} WHERE ${comments.id} = ${id} AND ${comments.deletedAt} IS NULL)`),
        ]
      : []),
    db.run(
      sql`DELETE FROM ${mentions} WHERE ${mentions.commentId} IN (SELECT ${comments.id} FROM ${comments} WHERE ${doomed})`,
    ),
    db.run(
      sql`UPDATE ${comments} SET ${name(comments.deletedAt)} = ${now}, ${name(comments.replyCount)} = 0 WHERE ${doomed}`,
    ),
  ]);
  if (changed(results[results.length - 1]) === 0) throw new AppError("NOT_FOUND");
}
