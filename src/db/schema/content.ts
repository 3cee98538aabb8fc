import { sql } from "drizzle-orm";
import { index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

/**
 * Posts, comments, reactions, reposts, bookmarks, polls, hashtags and mentions.
 * Every counter column equals the rows it counts: it is written in the same db.batch as its row, guarded
 * on that row (see src/modules/posts/service.ts and friends).
 */
export const REACTION_TYPES = ["LIKE", "CELEBRATE", "SUPPORT", "LOVE", "INSIGHTFUL", "FUNNY"] as const;
export type ReactionType = (typeof REACTION_TYPES)[number];
export const POST_VISIBILITIES = ["PUBLIC", "CONNECTIONS", "PRIVATE"] as const;
export type PostVisibility = (typeof POST_VISIBILITIES)[number];
export type TextDirection = "rtl" | "ltr";

export interface StoredMention {
  userId: string;
  username: string;
  /** UTF-16 code unit offsets into the content: start of "@", end exclusive. */
  start: number;
  end: number;
}

/** One counter column per reaction type, on posts and on comments. */
const reactionColumns = {
  rLike: integer("r_like").notNull().default(0),
  rCelebrate: integer("r_celebrate").notNull().default(0),
  rSupport: integer("r_support").notNull().default(0),
  rLove: integer("r_love").notNull().default(0),
  rInsightful: integer("r_insightful").notNull().default(0),
  rFunny: integer("r_funny").notNull().default(0),
};

/**
 * A post. Reposts are posts too, so feeds scan one table: kind REPOST (plain, no content; shows the
 * original) or QUOTE (with the reposter's comment). At most one live repost per member per original.
 */
export const posts = sqliteTable(
  "posts",
  {
    id: text("id").primaryKey(),
    authorId: text("author_id").notNull(),
    kind: text("kind", { enum: ["POST", "REPOST", "QUOTE"] })
      .notNull()
      .default("POST"),
    repostOfId: text("repost_of_id"),
    content: text("content").notNull().default(""),
    visibility: text("visibility", { enum: POST_VISIBILITIES }).notNull(),
    textDirection: text("text_direction", { enum: ["rtl", "ltr"] }).notNull(),
    /** Display forms, in order of appearance (the relational copy is post_hashtags). */
    hashtags: text("hashtags", { mode: "json" }).$type<string[]>().notNull().default([]),
    /** Linked mentions (the relational copy is `mentions`). */
    mentions: text("mentions", { mode: "json" }).$type<StoredMention[]>().notNull().default([]),
    mediaCount: integer("media_count").notNull().default(0),
    hasPoll: integer("has_poll", { mode: "boolean" }).notNull().default(false),
    ...reactionColumns,
    commentCount: integer("comment_count").notNull().default(0),
    repostCount: integer("repost_count").notNull().default(0),
    bookmarkCount: integer("bookmark_count").notNull().default(0),
    /** Changes on every edit and on delete; a write guards on the revision it read (optimistic lock). */
    rev: text("rev").notNull(),
    createdAt: integer("created_at").notNull(),
    editedAt: integer("edited_at"),
    deletedAt: integer("deleted_at"),
  },
  (t) => [
    // Covering for the feeds' per-author scans (no table lookups while filtering a member's newest posts).
    index("posts_author_feed_idx").on(t.authorId, t.id, t.kind, t.visibility, t.deletedAt, t.repostOfId),
    index("posts_repost_of_idx").on(t.repostOfId, t.id).where(sql`repost_of_id IS NOT NULL`),
    uniqueIndex("posts_one_repost_per_member")
      .on(t.authorId, t.repostOfId)
      .where(sql`repost_of_id IS NOT NULL AND deleted_at IS NULL`),
  ],
);

/** Earlier versions of an edited post: the content as it was until `replacedAt`. */
export const postEdits = sqliteTable(
  "post_edits",
  {
    id: text("id").primaryKey(),
    postId: text("post_id").notNull(),
    content: text("content").notNull(),
    textDirection: text("text_direction", { enum: ["rtl", "ltr"] }).notNull(),
    visibility: text("visibility", { enum: POST_VISIBILITIES }).notNull(),
    replacedAt: integer("replaced_at").notNull(),
  },
  (t) => [index("post_edits_post_idx").on(t.postId, t.id)],
);

export const postMedia = sqliteTable(
  "post_media",
  {
    postId: text("post_id").notNull(),
    mediaId: text("media_id").notNull(),
    position: integer("position").notNull(),
  },
  (t) => [primaryKey({ columns: [t.postId, t.mediaId] }), index("post_media_media_idx").on(t.mediaId)],
);

/** Comments; a reply's parent is a top-level comment (one level deep). */
export const comments = sqliteTable(
  "comments",
  {
    id: text("id").primaryKey(),
    postId: text("post_id").notNull(),
    /** The post's author, kept for affinity ("past interaction") in the for-you ranking. */
    postAuthorId: text("post_author_id").notNull(),
    authorId: text("author_id").notNull(),
    parentId: text("parent_id"),
    content: text("content").notNull(),
    textDirection: text("text_direction", { enum: ["rtl", "ltr"] }).notNull(),
    mentions: text("mentions", { mode: "json" }).$type<StoredMention[]>().notNull().default([]),
    ...reactionColumns,
    replyCount: integer("reply_count").notNull().default(0),
    createdAt: integer("created_at").notNull(),
    editedAt: integer("edited_at"),
    deletedAt: integer("deleted_at"),
  },
  (t) => [
    index("comments_post_idx").on(t.postId, t.parentId, t.id),
    index("comments_parent_idx").on(t.parentId, t.id).where(sql`parent_id IS NOT NULL`),
    index("comments_author_idx").on(t.authorId, t.createdAt),
  ],
);

/** One reaction per member per target (a post or a comment), changeable. */
export const reactions = sqliteTable(
  "reactions",
  {
    targetType: text("target_type", { enum: ["POST", "COMMENT"] }).notNull(),
    targetId: text("target_id").notNull(),
    userId: text("user_id").notNull(),
    type: text("type", { enum: REACTION_TYPES }).notNull(),
    /** Author of the target, for affinity in the for-you ranking. */
    ownerId: text("owner_id").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.targetType, t.targetId, t.userId] }),
    index("reactions_target_time_idx").on(t.targetType, t.targetId, t.createdAt),
    index("reactions_target_type_idx").on(t.targetType, t.targetId, t.type, t.createdAt),
    index("reactions_user_idx").on(t.userId, t.createdAt),
  ],
);

/**
 * A member's private save of a target (core/targets.ts: a target that declares a bookmarks counter), as
 * (target_type, target_id) like reactions and follows.
 */
export const bookmarks = sqliteTable(
  "bookmarks",
  {
    id: text("id").primaryKey(),
    userId: text("user_id").notNull(),
    targetType: text("target_type", { enum: ["POST", "JOB", "ARTICLE"] }).notNull(),
    targetId: text("target_id").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [
    uniqueIndex("bookmarks_unique").on(t.userId, t.targetType, t.targetId),
    index("bookmarks_user_idx").on(t.userId, t.id),
    index("bookmarks_target_idx").on(t.targetType, t.targetId),
  ],
);

export const polls = sqliteTable(
  "polls",
  {
    id: text("id").primaryKey(),
    postId: text("post_id").notNull(),
    closesAt: integer("closes_at").notNull(),
    totalVotes: integer("total_votes").notNull().default(0),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [uniqueIndex("polls_post_unique").on(t.postId)],
);

export const pollOptions = sqliteTable(
  "poll_options",
  {
    id: text("id").primaryKey(),
    pollId: text("poll_id").notNull(),
    position: integer("position").notNull(),
    text: text("text").notNull(),
    voteCount: integer("vote_count").notNull().default(0),
  },
  (t) => [index("poll_options_poll_idx").on(t.pollId, t.position)],
);

export const pollVotes = sqliteTable(
  "poll_votes",
  {
    id: text("id").primaryKey(),
    pollId: text("poll_id").notNull(),
    optionId: text("option_id").notNull(),
    userId: text("user_id").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [
    uniqueIndex("poll_votes_one_per_member").on(t.pollId, t.userId),
    index("poll_votes_user_idx").on(t.userId),
  ],
);

/** A hashtag: `key` is the normalized form used for matching, `display` the form first used. */
export const hashtags = sqliteTable(
  "hashtags",
  {
    id: text("id").primaryKey(),
    key: text("key").notNull(),
    display: text("display").notNull(),
    /** post_hashtags rows of this tag (live posts only: a deleted post loses its rows). */
    postCount: integer("post_count").notNull().default(0),
    /** follows rows with target_type HASHTAG for this tag. */
    followerCount: integer("follower_count").notNull().default(0),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [uniqueIndex("hashtags_key_unique").on(t.key)],
);

export const postHashtags = sqliteTable(
  "post_hashtags",
  {
    hashtagId: text("hashtag_id").notNull(),
    postId: text("post_id").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.hashtagId, t.postId] }), index("post_hashtags_post_idx").on(t.postId)],
);

/**
 * Hourly usage buckets for trending: `uses` = post_hashtags rows of the tag created in that hour
 * (`hour` is the bucket's start, ms). Buckets older than 31 days are purged by the cron.
 */
export const hashtagUsage = sqliteTable(
  "hashtag_usage",
  {
    hashtagId: text("hashtag_id").notNull(),
    hour: integer("hour").notNull(),
    uses: integer("uses").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.hashtagId, t.hour] }), index("hashtag_usage_hour_idx").on(t.hour)],
);

/** Written by the hourly cron: score = 0.5 × uses 24 h + 0.3 × uses 7 d + 0.2 × uses 30 d. */
export const trendingHashtags = sqliteTable(
  "trending_hashtags",
  {
    hashtagId: text("hashtag_id").primaryKey(),
    score: real("score").notNull(),
    uses24h: integer("uses_24h").notNull(),
    uses7d: integer("uses_7d").notNull(),
    uses30d: integer("uses_30d").notNull(),
    computedAt: integer("computed_at").notNull(),
  },
  (t) => [index("trending_score_idx").on(t.score)],
);

/** Recent public posts with the most engagement, refreshed by the cron: the for-you feed's discovery pool. */
export const hotPosts = sqliteTable("hot_posts", {
  postId: text("post_id").primaryKey(),
  engagement: integer("engagement").notNull(),
  computedAt: integer("computed_at").notNull(),
});

/** Linked @mentions in posts and comments (offsets in UTF-16 code units). */
export const mentions = sqliteTable(
  "mentions",
  {
    id: text("id").primaryKey(),
    postId: text("post_id"),
    commentId: text("comment_id"),
    authorId: text("author_id").notNull(),
    userId: text("user_id").notNull(),
    start: integer("start").notNull(),
    end: integer("end").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [
    index("mentions_user_idx").on(t.userId, t.id),
    index("mentions_post_idx").on(t.postId).where(sql`post_id IS NOT NULL`),
    index("mentions_comment_idx").on(t.commentId).where(sql`comment_id IS NOT NULL`),
  ],
);
