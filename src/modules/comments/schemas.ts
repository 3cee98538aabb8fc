import { z } from "@hono/zod-openapi";
import { UserCardSchema } from "../../core/cards";
import { orNull, text } from "../../platform/openapi";
import { PageQuery } from "../../platform/pagination";
import { Id, MentionSchema, ReactionCountsSchema, ReactionTypeSchema, TextDirectionSchema } from "../posts";

export const COMMENT_MAX = 1250;

export const CommentSchema = z
  .object({
    id: z.string(),
    postId: z.string(),
    parentId: z.string().nullable().openapi({ description: "The top-level comment this one replies to" }),
    author: UserCardSchema,
    content: z.string(),
    textDirection: TextDirectionSchema,
    mentions: z.array(MentionSchema),
    reactionCounts: ReactionCountsSchema,
    reactionCount: z.number().int(),
    replyCount: z.number().int(),
    myReaction: orNull(ReactionTypeSchema),
    createdAt: z.string().openapi({ format: "date-time" }),
    editedAt: z.string().nullable().openapi({ format: "date-time" }),
  })
  .openapi("Comment");
export type Comment = z.infer<typeof CommentSchema>;

export const CreateCommentBody = z
  .object({
    content: text(COMMENT_MAX, 1).openapi({ example: "مبروك! 🎉" }),
    parentId: Id.optional().openapi({
      description: "Reply to this comment. Replies are one level deep: replying to a reply joins its thread.",
    }),
  })
  .strict()
  .openapi("CreateCommentRequest");

export const UpdateCommentBody = z
  .object({ content: text(COMMENT_MAX, 1) })
  .strict()
  .openapi("UpdateCommentRequest");

export const CommentsQuery = PageQuery.extend({
  parentId: Id.optional().openapi({
    description:
      "List the replies to this comment (oldest first) instead of top-level comments (newest first)",
  }),
});
