import { type SQL, sql } from "drizzle-orm";
import { commentVisibleTo } from "../../core/access/comments";
import { postVisibleTo } from "../../core/access/posts";
import { userCardJsonSql } from "../../core/cards";
import type { Deps } from "../../core/deps";
import { type DomainEvent, publishEvents } from "../../core/events";
import type { Actor } from "../../core/identity/actor";
import { assertEmailVerified } from "../../core/identity/verified";
import type { StoredMention } from "../../db/schema";
import { isoAt } from "../../platform/clock";
import { changed, runAll, valueOrNull } from "../../platform/db/batch";
import { CompiledSql } from "../../platform/db/compiled";
import { AppError } from "../../platform/errors";
import { newId } from "../../platform/ids";
import { decodeCursor, toPage } from "../../platform/pagination";
import { detectTextDirection, extractMentions } from "../../platform/text";
import {
  actionTargetSql,
  insertMentions,
  linkMentions,
  type MentionCandidate,
  mentionCandidatesQuery,
  mentionedUsernames,
  REACTION_COLUMNS,
  reactionCountsOf,
} from "../posts";
import type { Comment } from "./schemas";

/** The comment representation as one JSON value built in SQL (see posts/read.ts for the idea). */
export function commentJsonSql(viewerId: string | undefined, alias = "c"): SQL {
  const a = (name: string) => sql.raw(`${alias}.${name}`);
  return sql`json_object('id', ${a("id")}, 'postId', ${a("post_id")}, 'parentId', ${a("parent_id")},
    'author', json(${userCardJsonSql(a("author_id"))}), 'content', ${a("content")}, 'textDirection', ${a("text_direction")},
    'mentions', json(${a("mentions")}), 'r', json_array(${sql.raw(REACTION_COLUMNS.map((c) => `${alias}.${c}`).join(", "))}),
    'replyCount', ${a("reply_count")}, 'createdAt', ${a("created_at")}, 'editedAt', ${a("edited_at")},
    'myReaction', ${viewerId ? sql`(SELECT type FROM reactions WHERE target_type = 'COMMENT' AND target_id = ${a("id")} AND user_id = ${viewerId})` : sql`NULL`})`;
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
  FROM posts g JOIN posts t ON t.id = CASE WHEN g.kind = 'REPOST' THEN g.repost_of_id ELSE g.id END
  WHERE g.id = ${givenId} AND ${postVisibleTo(viewerId, "g")}`;

function targetPostQuery(deps: Deps, viewerId: string | undefined, givenId: string) {
  return deps.db.get<{ postId: string; postAuthorId: string; visibility: string } | undefined>(
    sql`SELECT t.id AS postId, t.author_id AS postAuthorId, t.visibility ${targetPostFrom(viewerId, givenId)}`,
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
  await assertEmailVerified(deps, user);
  const { db, now } = deps;
  const usernames = mentionedUsernames(extractMentions(input.content));
  const post = actionTargetSql(givenPostId);
  const [target, parent, candidates] = (await runAll(db, [
    targetPostQuery(deps, user.id, givenPostId),
    input.parentId
      ? db.get(sql`SELECT c.id, c.parent_id AS parentId, c.author_id AS authorId, c.post_id AS postId
          FROM comments c WHERE c.id = ${input.parentId} AND ${commentVisibleTo(user.id, "c")}`)
      : noRow(deps),
    usernames.length > 0
      ? mentionCandidatesQuery(db, user.id, usernames, {
          authorId: sql`(SELECT author_id FROM posts WHERE id = ${post})`,
          visibility: sql`(SELECT visibility FROM posts WHERE id = ${post})`,
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
  const inserted = sql`EXISTS (SELECT 1 FROM comments WHERE id = ${id})`;
  const results = await runAll(db, [
    db.run(sql`INSERT INTO comments (id, post_id, post_author_id, author_id, parent_id, content, text_direction, mentions, created_at)
      SELECT ${id}, ${target.postId}, ${target.postAuthorId}, ${user.id}, ${valueOrNull(threadId)}, ${input.content},
        ${detectTextDirection(input.content)}, ${JSON.stringify(linked)}, ${now}
      WHERE EXISTS (SELECT 1 FROM posts WHERE id = ${target.postId} AND deleted_at IS NULL)
        ${threadId ? sql`AND EXISTS (SELECT 1 FROM comments WHERE id = ${threadId} AND deleted_at IS NULL)` : sql``}`),
    db.run(
      sql`UPDATE posts SET comment_count = comment_count + 1 WHERE id = ${target.postId} AND ${inserted}`,
    ),
    ...(threadId
      ? [
          db.run(
            sql`UPDATE comments SET reply_count = reply_count + 1 WHERE id = ${threadId} AND ${inserted}`,
          ),
        ]
      : []),
    ...insertMentions(db, { commentId: id }, user.id, linked, now, inserted),
    db.get<{ json: string } | undefined>(
      sql`SELECT ${commentJsonSql(user.id)} AS json FROM comments c WHERE c.id = ${id}`,
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
const commentPage = new CompiledSql<
  { givenId: string; parentId: string; after: string; k: number },
  CommentPageVariant
>((viewerId, p, variant) => {
  const replies = variant.startsWith("replies");
  const after = variant.endsWith("after");
  const target = sql`EXISTS (SELECT 1 ${targetPostFrom(viewerId, p.givenId)})`;
  const parent = replies
    ? sql`EXISTS (SELECT 1 FROM comments c WHERE c.id = ${p.parentId} AND c.post_id = ${actionTargetSql(p.givenId)}
        AND ${commentVisibleTo(viewerId, "c")})`
    : sql`1`;
  return sql`SELECT ${target} AND ${parent} AS ok, (SELECT json_group_array(json(j)) FROM (
      SELECT ${commentJsonSql(viewerId)} AS j FROM comments c
      WHERE c.post_id = ${actionTargetSql(p.givenId)} AND ${replies ? sql`c.parent_id = ${p.parentId}` : sql`c.parent_id IS NULL`}
        ${after ? (replies ? sql`AND c.id > ${p.after}` : sql`AND c.id < ${p.after}`) : sql``}
        AND ${commentVisibleTo(viewerId, "c")}
      ORDER BY c.id ${sql.raw(replies ? "ASC" : "DESC")}
      LIMIT ${p.k})) AS page`;
});

export async function listComments(
  deps: Deps,
  viewerId: string | undefined,
  givenPostId: string,
  query: { parentId?: string | undefined; cursor?: string | undefined; limit: number },
) {
  const after = decodeCursor(query.cursor, ["id"] as const);
  // Top-level comments newest first; the replies of a thread oldest first (reading order).
  const replies = query.parentId !== undefined;
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
  return toPage((JSON.parse(row.page) as RawComment[]).map(commentFrom), query.limit, (last) => ({
    id: last.id,
  }));
}

export async function getComment(deps: Deps, viewerId: string | undefined, id: string): Promise<Comment> {
  const row = await deps.db.get<{ json: string } | undefined>(
    sql`SELECT ${commentJsonSql(viewerId)} AS json FROM comments c WHERE c.id = ${id} AND ${commentVisibleTo(viewerId, "c")}`,
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
    SELECT c.id, c.author_id AS authorId, c.post_id AS postId, c.parent_id AS parentId, c.post_author_id AS postAuthorId,
      ${commentVisibleTo(userId, "c")} AS visible
    FROM comments c WHERE c.id = ${id} AND c.deleted_at IS NULL`);
  if (row?.visible !== 1) throw new AppError("NOT_FOUND");
  return row;
}

export async function updateComment(deps: Deps, user: Actor, id: string, content: string): Promise<Comment> {
  await assertEmailVerified(deps, user);
  const { db, now } = deps;
  const current = await liveComment(deps, user.id, id);
  if (current.authorId !== user.id) throw new AppError("FORBIDDEN");
  const usernames = mentionedUsernames(extractMentions(content));
  const candidates =
    usernames.length > 0
      ? await mentionCandidatesQuery(db, user.id, usernames, {
          authorId: current.postAuthorId,
          visibility: sql`(SELECT visibility FROM posts WHERE id = ${current.postId})`,
        })
      : [];
  const linked = linkMentions(content, candidates);
  const live = sql`EXISTS (SELECT 1 FROM comments WHERE id = ${id} AND deleted_at IS NULL)`;
  const results = await runAll(db, [
    db.run(sql`UPDATE comments SET content = ${content}, text_direction = ${detectTextDirection(content)},
      mentions = ${JSON.stringify(linked)}, edited_at = ${now} WHERE id = ${id} AND deleted_at IS NULL`),
    db.run(sql`DELETE FROM mentions WHERE comment_id = ${id}`),
    ...insertMentions(db, { commentId: id }, user.id, linked, now, live),
    db.get<{ json: string } | undefined>(
      sql`SELECT ${commentJsonSql(user.id)} AS json FROM comments c WHERE c.id = ${id}`,
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
  const doomed = sql`(id = ${id} OR parent_id = ${id}) AND deleted_at IS NULL`;
  const results = await runAll(db, [
    db.run(sql`UPDATE posts SET comment_count = comment_count - (SELECT count(*) FROM comments WHERE ${doomed})
      WHERE id = ${current.postId}`),
    ...(current.parentId
      ? [
          db.run(sql`UPDATE comments SET reply_count = reply_count - 1 WHERE id = ${current.parentId}
            AND EXISTS (SELECT 1 FROM comments WHERE id = ${id} AND deleted_at IS NULL)`),
        ]
      : []),
    db.run(sql`DELETE FROM mentions WHERE comment_id IN (SELECT id FROM comments WHERE ${doomed})`),
    db.run(sql`UPDATE comments SET deleted_at = ${now}, reply_count = 0 WHERE ${doomed}`),
  ]);
  if (changed(results[results.length - 1]) === 0) throw new AppError("NOT_FOUND");
}
