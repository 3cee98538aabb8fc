import { z } from "@hono/zod-openapi";
import { UserCardSchema } from "../../core/cards";
import { POST_VISIBILITIES, REACTION_TYPES } from "../../db/schema";
import { line, orNull, text } from "../../platform/openapi";

export const LIMITS = {
  content: 3000,
  quote: 1000,
  media: 10,
  hashtags: 10,
  mentions: 20,
  pollOptions: { min: 2, max: 4 },
  pollOptionText: 140,
  pollDays: { min: 1, max: 14, default: 7 },
} as const;

export const Id = z.string().min(1).max(64);
export const PostIdParam = z.object({
  id: Id.openapi({ param: { name: "id", in: "path" }, example: "01JABCDEFGHJKMNPQRSTVWXYZ0" }),
});

export const ReactionTypeSchema = z.enum(REACTION_TYPES).openapi("ReactionType");
export const VisibilitySchema = z.enum(POST_VISIBILITIES).openapi("PostVisibility");
export const TextDirectionSchema = z.enum(["rtl", "ltr"]).openapi("TextDirection");

export const ReactionCountsSchema = z
  .object(
    Object.fromEntries(REACTION_TYPES.map((t) => [t, z.number().int()])) as Record<
      (typeof REACTION_TYPES)[number],
      z.ZodNumber
    >,
  )
  .openapi("ReactionCounts", { description: "Reactions per type (every type present, 0 when none)" });

export const MentionSchema = z
  .object({
    userId: z.string(),
    username: z.string(),
    start: z.number().int().openapi({ description: 'Offset of "@" in the content, in UTF-16 code units' }),
    end: z.number().int().openapi({ description: "End offset (exclusive), in UTF-16 code units" }),
  })
  .openapi("Mention", {
    description:
      "A linked @mention. Offsets count UTF-16 code units (JavaScript string indices), so content.slice(start, end) is the mention.",
  });

export const PostMediaSchema = z
  .object({
    id: z.string(),
    kind: z.string(),
    mimeType: z.string(),
    width: z.number().int().nullable(),
    height: z.number().int().nullable(),
    altText: z.string().nullable(),
    url: z.string().nullable(),
    thumbnailUrl: z.string().nullable(),
    playbackUrl: z.string().nullable().openapi({ description: "Videos: the stream or file to play" }),
  })
  .openapi("PostMedia");

export const PollSchema = z
  .object({
    id: z.string(),
    options: z.array(
      z.object({
        id: z.string(),
        text: z.string(),
        votes: z.number().int().optional().openapi({ description: "Present once results are visible" }),
      }),
    ),
    totalVotes: z.number().int(),
    closesAt: z.string().openapi({ format: "date-time" }),
    closed: z.boolean(),
    myVote: z.string().nullable().openapi({ description: "The option the caller voted for" }),
    resultsVisible: z.boolean().openapi({
      description: "Per-option votes are shown after the caller voted, after close, and to the author",
    }),
  })
  .openapi("Poll");

const postFields = {
  id: z.string(),
  kind: z.enum(["POST", "REPOST", "QUOTE"]).openapi({
    description: "REPOST: a plain repost (no content; see repostOf). QUOTE: a repost with a comment.",
  }),
  author: UserCardSchema,
  content: z.string(),
  textDirection: TextDirectionSchema,
  visibility: VisibilitySchema,
  hashtags: z.array(z.string()).openapi({ description: "Hashtags as written (without #)" }),
  mentions: z.array(MentionSchema),
  media: z.array(PostMediaSchema),
  poll: orNull(PollSchema),
  reactionCounts: ReactionCountsSchema,
  reactionCount: z.number().int(),
  commentCount: z.number().int(),
  repostCount: z.number().int(),
  bookmarkCount: z.number().int(),
  myReaction: orNull(ReactionTypeSchema),
  bookmarked: z.boolean(),
  reposted: z.boolean().openapi({ description: "The caller has reposted this post" }),
  createdAt: z.string().openapi({ format: "date-time" }),
  editedAt: z.string().nullable().openapi({ format: "date-time" }),
};

export const EmbeddedPostSchema = z.object(postFields).openapi("EmbeddedPost");
export const PostSchema = z
  .object({
    ...postFields,
    repostOf: orNull(
      EmbeddedPostSchema,
      "The reposted post (REPOST and QUOTE); null for a QUOTE whose original is no longer available",
    ),
  })
  .openapi("Post");
export type Post = z.infer<typeof PostSchema>;
export type EmbeddedPost = z.infer<typeof EmbeddedPostSchema>;

const MediaIds = z
  .array(Id)
  .max(LIMITS.media)
  .refine((ids) => new Set(ids).size === ids.length, "Media ids must be distinct");

export const PollInput = z
  .object({
    options: z
      .array(line(LIMITS.pollOptionText, 1))
      .min(LIMITS.pollOptions.min)
      .max(LIMITS.pollOptions.max)
      .refine(
        (opts) => new Set(opts.map((o) => o.toLowerCase())).size === opts.length,
        "Options must be distinct",
      ),
    durationDays: z
      .number()
      .int()
      .min(LIMITS.pollDays.min)
      .max(LIMITS.pollDays.max)
      .default(LIMITS.pollDays.default),
  })
  .strict()
  .openapi("PollInput");

export const CreatePostBody = z
  .object({
    content: text(LIMITS.content).default("").openapi({ example: "مرحباً بالجميع في #مجلس" }),
    visibility: VisibilitySchema.default("PUBLIC"),
    mediaIds: MediaIds.default([]).openapi({ description: "Up to 10 ids of your own READY media" }),
    poll: PollInput.optional(),
    textDirection: TextDirectionSchema.optional().openapi({
      description: "Detected from the content when omitted",
    }),
  })
  .strict()
  .refine((b) => b.content.length > 0 || b.mediaIds.length > 0, {
    message: "A post needs content or media",
    path: ["content"],
  })
  .refine((b) => !b.poll || b.content.length > 0, {
    message: "A poll needs a question (content)",
    path: ["content"],
  })
  .refine((b) => !b.poll || b.mediaIds.length === 0, { message: "A poll cannot carry media", path: ["poll"] })
  .openapi("CreatePostRequest");
export type CreatePostInput = z.output<typeof CreatePostBody>;

export const UpdatePostBody = z
  .object({
    content: text(LIMITS.content).optional(),
    visibility: VisibilitySchema.optional(),
    textDirection: TextDirectionSchema.optional(),
  })
  .strict()
  .refine((b) => b.content !== undefined || b.visibility !== undefined || b.textDirection !== undefined, {
    message: "Nothing to change",
  })
  .openapi("UpdatePostRequest");
export type UpdatePostInput = z.output<typeof UpdatePostBody>;

export const RepostBody = z
  .object({
    comment: text(LIMITS.quote).optional().openapi({ description: "With a comment: a quote repost" }),
    visibility: VisibilitySchema.optional().openapi({ description: "Of the repost itself (default PUBLIC)" }),
  })
  .strict()
  .openapi("RepostRequest");

export const RepostResultSchema = z
  .object({ repostId: z.string(), repostPostId: z.string(), originalPostId: z.string(), post: PostSchema })
  .openapi("RepostResult");

export const PostEditSchema = z
  .object({
    content: z.string(),
    textDirection: TextDirectionSchema,
    visibility: VisibilitySchema,
    replacedAt: z.string().openapi({ format: "date-time", description: "When this version was replaced" }),
  })
  .openapi("PostEdit");
