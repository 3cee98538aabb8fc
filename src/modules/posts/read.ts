import { type SQL, sql } from "drizzle-orm";
import { postVisibleTo, viewerRef } from "../../core/access/posts";
import { userCardJsonSql } from "../../core/cards";
import type { Deps } from "../../core/deps";
import { REACTION_TYPES, type ReactionType } from "../../db/schema";
import { isoAt } from "../../platform/clock";
import { CompiledSql } from "../../platform/db/compiled";
import type { Bindings } from "../../platform/env";
import { type MediaRow, mediaUrls } from "../media";
import type { EmbeddedPost, Post } from "./schemas";

/**
 * The post representation, built inside SQL as one JSON value per row (author card, counters, the
 * caller's reaction, bookmark and repost, poll, media, and for reposts the original), so a post, a feed
 * page or a list is one query and one round trip. `toPost` turns the row into the API shape.
 */

/** Reaction counter columns in REACTION_TYPES order. */
export const REACTION_COLUMNS = [
  "r_like",
  "r_celebrate",
  "r_support",
  "r_love",
  "r_insightful",
  "r_funny",
] as const;
export const reactionColumnOf = (type: ReactionType) => REACTION_COLUMNS[REACTION_TYPES.indexOf(type)]!;

function fieldsJsonSql(viewerId: string | undefined, alias: string): SQL {
  const a = (name: string) => sql.raw(`${alias}.${name}`);
  const viewer = viewerId ? viewerRef(viewerId) : sql`NULL`;
  const personal = viewerId
    ? sql`'myReaction', (SELECT type FROM reactions WHERE target_type = 'POST' AND target_id = ${a("id")} AND user_id = ${viewer}),
      'bookmarked', EXISTS (SELECT 1 FROM bookmarks WHERE user_id = ${viewer} AND post_id = ${a("id")}),
      'reposted', EXISTS (SELECT 1 FROM posts rp WHERE rp.author_id = ${viewer} AND rp.repost_of_id = ${a("id")} AND rp.deleted_at IS NULL),
      'myVote', CASE WHEN ${a("has_poll")} THEN (SELECT v.option_id FROM polls pl JOIN poll_votes v ON v.poll_id = pl.id
        WHERE pl.post_id = ${a("id")} AND v.user_id = ${viewer}) END`
    : sql`'myReaction', NULL, 'bookmarked', 0, 'reposted', 0, 'myVote', NULL`;
  return sql`'id', ${a("id")}, 'kind', ${a("kind")}, 'authorId', ${a("author_id")},
    'author', json(${userCardJsonSql(a("author_id"), viewerId ? viewer : undefined)}),
    'content', ${a("content")}, 'textDirection', ${a("text_direction")}, 'visibility', ${a("visibility")},
    'hashtags', json(${a("hashtags")}), 'mentions', json(${a("mentions")}),
    'media', CASE WHEN ${a("media_count")} > 0 THEN json((SELECT json_group_array(json_object('id', m.id, 'kind', m.kind,
        'mimeType', m.mime_type, 'width', m.width, 'height', m.height, 'altText', m.alt_text, 'status', m.status,
        'originalKey', m.original_key, 'variantKey', m.variant_key, 'thumbnailKey', m.thumbnail_key, 'playbackUrl', m.playback_url))
      FROM (SELECT m.* FROM post_media pm JOIN media m ON m.id = pm.media_id AND m.status = 'READY'
        WHERE pm.post_id = ${a("id")} ORDER BY pm.position) m)) ELSE json('[]') END,
    'poll', CASE WHEN ${a("has_poll")} THEN json((SELECT json_object('id', pl.id, 'closesAt', pl.closes_at,
        'totalVotes', pl.total_votes,
        'options', json((SELECT json_group_array(json_object('id', o.id, 'text', o.text, 'votes', o.vote_count))
          FROM (SELECT * FROM poll_options WHERE poll_id = pl.id ORDER BY position) o)))
      FROM polls pl WHERE pl.post_id = ${a("id")})) END,
    'r', json_array(${sql.raw(REACTION_COLUMNS.map((c) => `${alias}.${c}`).join(", "))}),
    'commentCount', ${a("comment_count")}, 'repostCount', ${a("repost_count")}, 'bookmarkCount', ${a("bookmark_count")},
    'createdAt', ${a("created_at")}, 'editedAt', ${a("edited_at")},
    ${personal}`;
}

/**
 * SQL yielding the JSON of the post row `alias` as `viewerId` sees it, with the original embedded for
 * reposts (when the viewer may see it). The caller's WHERE clause must already apply postVisibleTo.
 */
export function postJsonSql(viewerId: string | undefined, alias = "p"): SQL {
  const original = `${alias}_ro`;
  return sql`json_object(${fieldsJsonSql(viewerId, alias)},
    'repostOf', CASE WHEN ${sql.raw(alias)}.repost_of_id IS NOT NULL THEN json((SELECT json_object(${fieldsJsonSql(viewerId, original)})
      FROM posts ${sql.raw(original)} WHERE ${sql.raw(original)}.id = ${sql.raw(alias)}.repost_of_id
        AND ${postVisibleTo(viewerId, original)})) END)`;
}

interface RawPoll {
  id: string;
  closesAt: number;
  totalVotes: number;
  options: { id: string; text: string; votes: number }[];
}

type RawMedia = Omit<Post["media"][number], "url" | "thumbnailUrl" | "playbackUrl"> &
  Pick<MediaRow, "kind" | "status" | "originalKey" | "variantKey" | "thumbnailKey" | "playbackUrl">;

interface RawPost {
  id: string;
  kind: Post["kind"];
  authorId: string;
  author: Post["author"];
  content: string;
  textDirection: Post["textDirection"];
  visibility: Post["visibility"];
  hashtags: string[];
  mentions: Post["mentions"];
  media: RawMedia[];
  poll: RawPoll | null;
  r: number[];
  commentCount: number;
  repostCount: number;
  bookmarkCount: number;
  createdAt: number;
  editedAt: number | null;
  myReaction: Post["myReaction"];
  bookmarked: number;
  reposted: number;
  myVote: string | null;
  repostOf?: RawPost | null;
}

export function reactionCountsOf(counts: number[]): Post["reactionCounts"] {
  return Object.fromEntries(REACTION_TYPES.map((t, i) => [t, counts[i] ?? 0])) as Post["reactionCounts"];
}

/** A poll as `viewerId` sees it: per-option votes only after voting, after close, or for the author. */
export function toPoll(
  raw: RawPoll,
  authorId: string,
  viewerId: string | undefined,
  myVote: string | null,
  now: number,
) {
  const closed = raw.closesAt <= now;
  const resultsVisible = closed || myVote !== null || viewerId === authorId;
  return {
    id: raw.id,
    options: raw.options.map((o) => (resultsVisible ? o : { id: o.id, text: o.text })),
    totalVotes: raw.totalVotes,
    closesAt: isoAt(raw.closesAt),
    closed,
    myVote,
    resultsVisible,
  };
}

/**
 * The media of a post for a viewer who may read it: plain URLs when the post is PUBLIC (its media are
 * then public, media/policy.ts), signed expiring URLs otherwise, so they reach only this post's readers.
 */
async function mediaOf(
  env: Bindings,
  items: RawMedia[],
  now: number,
  access: { public: boolean; owner: boolean },
): Promise<Post["media"]> {
  return Promise.all(
    items.map(async (m) => {
      const urls = await mediaUrls(env, m, now, access);
      return {
        id: m.id,
        kind: m.kind,
        mimeType: m.mimeType,
        width: m.width,
        height: m.height,
        altText: m.altText,
        url: urls.url,
        thumbnailUrl: urls.thumbnailUrl,
        playbackUrl: urls.playbackUrl,
      };
    }),
  );
}

async function toEmbedded(
  env: Bindings,
  raw: RawPost,
  viewerId: string | undefined,
  now: number,
): Promise<EmbeddedPost> {
  const reactionCounts = reactionCountsOf(raw.r);
  return {
    id: raw.id,
    kind: raw.kind,
    author: raw.author,
    content: raw.content,
    textDirection: raw.textDirection,
    visibility: raw.visibility,
    hashtags: raw.hashtags,
    mentions: raw.mentions,
    media:
      raw.media.length > 0
        ? await mediaOf(env, raw.media, now, {
            public: raw.visibility === "PUBLIC",
            owner: viewerId !== undefined && viewerId === raw.authorId,
          })
        : [],
    poll: raw.poll ? toPoll(raw.poll, raw.authorId, viewerId, raw.myVote, now) : null,
    reactionCounts,
    reactionCount: raw.r.reduce((a, b) => a + b, 0),
    commentCount: raw.commentCount,
    repostCount: raw.repostCount,
    bookmarkCount: raw.bookmarkCount,
    myReaction: raw.myReaction,
    bookmarked: raw.bookmarked === 1,
    reposted: raw.reposted === 1,
    createdAt: isoAt(raw.createdAt),
    editedAt: raw.editedAt === null ? null : isoAt(raw.editedAt),
  };
}

/** Turns the JSON built by postJsonSql into the API shape (media URLs are signed here when needed). */
export async function toPost(
  deps: Pick<Deps, "env" | "now">,
  json: string,
  viewerId: string | undefined,
): Promise<Post> {
  const raw = JSON.parse(json) as RawPost;
  return {
    ...(await toEmbedded(deps.env, raw, viewerId, deps.now)),
    repostOf: raw.repostOf ? await toEmbedded(deps.env, raw.repostOf, viewerId, deps.now) : null,
  };
}

export function toPosts(
  deps: Pick<Deps, "env" | "now">,
  rows: { json: string }[],
  viewerId: string | undefined,
) {
  return Promise.all(rows.map((r) => toPost(deps, r.json, viewerId)));
}

const postById = new CompiledSql<{ postId: string }>(
  (viewerId, p) =>
    sql`SELECT ${postJsonSql(viewerId)} AS json FROM posts p WHERE p.id = ${p.postId} AND ${postVisibleTo(viewerId)}`,
);

/** One post as the viewer sees it, or undefined when it does not exist or is hidden from them. */
export async function readPost(deps: Deps, viewerId: string | undefined, postId: string) {
  const row = await postById.first<{ json: string }>(deps.env.DB, viewerId, { postId });
  return row ? toPost(deps, row.json, viewerId) : undefined;
}
