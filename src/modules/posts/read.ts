import { type SQL, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import { postVisibleTo, viewerRef } from "../../core/access/posts";
import { userCardJsonSql } from "../../core/cards";
import type { Deps } from "../../core/deps";
import {
  bookmarks,
  media,
  pollOptions,
  polls,
  pollVotes,
  postMedia,
  posts,
  REACTION_TYPES,
  reactions,
} from "../../db/schema";
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

/** Reaction counter columns of `posts` (the same on `comments`) in REACTION_TYPES order. */
export const REACTION_COUNTERS = [
  "rLike",
  "rCelebrate",
  "rSupport",
  "rLove",
  "rInsightful",
  "rFunny",
] as const;
/** Their names, for the targets registry and statements over either table. */

/** A posts row under the alias the access rules name it by (aliases are trusted identifiers). */
const postAliases = new Map<string, PostAlias>();
type PostAlias = ReturnType<typeof alias<typeof posts, string>>;
export function postsAs(as: string): PostAlias {
  let table = postAliases.get(as);
  if (!table) {
    table = alias(posts, as);
    postAliases.set(as, table);
  }
  return table;
}

const rp = alias(posts, "rp");
const pl = alias(polls, "pl");
const v = alias(pollVotes, "v");
const m = alias(media, "m");
const pm = alias(postMedia, "pm");
const o = alias(pollOptions, "o");

function fieldsJsonSql(viewerId: string | undefined, as: string): SQL {
  const a = postsAs(as);
  const viewer = viewerId ? viewerRef(viewerId) : sql`NULL`;
  const personal = viewerId
    ? sql`'myReaction', (SELECT ${reactions.type} FROM ${reactions} WHERE ${reactions.targetType} = 'POST'
        AND ${reactions.targetId} = ${a.id} AND ${reactions.userId} = ${viewer}),
      'bookmarked', EXISTS (SELECT 1 FROM ${bookmarks} WHERE ${bookmarks.userId} = ${viewer} AND ${bookmarks.targetType} = 'POST' AND ${bookmarks.targetId} = ${a.id}),
      'reposted', EXISTS (SELECT 1 FROM ${posts} ${rp} WHERE ${rp.authorId} = ${viewer} AND ${rp.repostOfId} = ${a.id}
        AND ${rp.deletedAt} IS NULL),
      'myVote', CASE WHEN ${a.hasPoll} THEN (SELECT ${v.optionId} FROM ${polls} ${pl} JOIN ${pollVotes} ${v} ON ${v.pollId} = ${pl.id}
        WHERE ${pl.postId} = ${a.id} AND ${v.userId} = ${viewer}) END`
    : sql`'myReaction', NULL, 'bookmarked', 0, 'reposted', 0, 'myVote', NULL`;
  return sql`'id', ${a.id}, 'kind', ${a.kind}, 'authorId', ${a.authorId},
    'author', json(${userCardJsonSql(a.authorId, viewerId ? viewer : undefined)}),
    'content', ${a.content}, 'textDirection', ${a.textDirection}, 'visibility', ${a.visibility},
    'hashtags', json(${a.hashtags}), 'mentions', json(${a.mentions}),
    'media', CASE WHEN ${a.mediaCount} > 0 THEN json((SELECT json_group_array(json_object('id', ${m.id}, 'kind', ${m.kind},
        'mimeType', ${m.mimeType}, 'width', ${m.width}, 'height', ${m.height}, 'altText', ${m.altText}, 'status', ${m.status},
        'originalKey', ${m.originalKey}, 'variantKey', ${m.variantKey}, 'thumbnailKey', ${m.thumbnailKey},
        'playbackUrl', ${m.playbackUrl}))
      FROM (SELECT ${m}.* FROM ${postMedia} ${pm} JOIN ${media} ${m} ON ${m.id} = ${pm.mediaId} AND ${m.status} = 'READY'
        WHERE ${pm.postId} = ${a.id} ORDER BY ${pm.position}) ${m})) ELSE json('[]') END,
    'poll', CASE WHEN ${a.hasPoll} THEN json((SELECT json_object('id', ${pl.id}, 'closesAt', ${pl.closesAt},
        'totalVotes', ${pl.totalVotes},
        'options', json((SELECT json_group_array(json_object('id', ${o.id}, 'text', ${o.text}, 'votes', ${o.voteCount}))
          FROM (SELECT * FROM ${pollOptions} WHERE ${pollOptions.pollId} = ${pl.id} ORDER BY ${pollOptions.position}) ${o})))
      FROM ${polls} ${pl} WHERE ${pl.postId} = ${a.id})) END,
    'r', json_array(${sql.join(
      REACTION_COUNTERS.map((k) => a[k]),
      sql`, `,
    )}),
    'commentCount', ${a.commentCount}, 'repostCount', ${a.repostCount}, 'bookmarkCount', ${a.bookmarkCount},
    'createdAt', ${a.createdAt}, 'editedAt', ${a.editedAt},
    ${personal}`;
}

/**
 * SQL yielding the JSON of the post row `as` as `viewerId` sees it, with the original embedded for
 * reposts (when the viewer may see it). The caller's WHERE clause must already apply postVisibleTo.
 */
export function postJsonSql(viewerId: string | undefined, as = "p"): SQL {
  const a = postsAs(as);
  const original = postsAs(`${as}_ro`);
  return sql`json_object(${fieldsJsonSql(viewerId, as)},
    'repostOf', CASE WHEN ${a.repostOfId} IS NOT NULL THEN json((SELECT json_object(${fieldsJsonSql(viewerId, `${as}_ro`)})
      FROM ${posts} ${original} WHERE ${original.id} = ${a.repostOfId}
        AND ${postVisibleTo(viewerId, `${as}_ro`)})) END)`;
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

const postById = new CompiledSql<{ postId: string }>((viewerId, values) => {
  const p = postsAs("p");
  return sql`SELECT ${postJsonSql(viewerId)} AS json FROM ${posts} ${p} WHERE ${p.id} = ${values.postId}
    AND ${postVisibleTo(viewerId)}`;
});

/** One post as the viewer sees it, or undefined when it does not exist or is hidden from them. */
export async function readPost(deps: Deps, viewerId: string | undefined, postId: string) {
  const row = await postById.first<{ json: string }>(deps.env.DB, viewerId, { postId });
  return row ? toPost(deps, row.json, viewerId) : undefined;
}
