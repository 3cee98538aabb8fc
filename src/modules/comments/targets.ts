import { sql } from "drizzle-orm";
import { commentVisibleTo } from "../../core/access/comments";
import { dataString } from "../../core/notifications";
import { defineTargets, type TargetSpec } from "../../core/targets";
import { comments } from "../../db/schema";
import { deleteComment } from "./service";

export const commentTarget: TargetSpec<typeof comments> = {
  type: "comment",
  code: "COMMENT",
  table: comments,
  id: comments.id,
  owner: comments.authorId,
  visibleTo: commentVisibleTo,
  counters: {
    reactions: [
      comments.rLike,
      comments.rCelebrate,
      comments.rSupport,
      comments.rLove,
      comments.rInsightful,
      comments.rFunny,
    ],
  },
  snapshot: (c) =>
    sql`json_object('id', ${c.id}, 'postId', ${c.postId}, 'authorId', ${c.authorId}, 'content', ${c.content},
      'createdAt', ${c.createdAt})`,
  remove: (deps, ownerId, id) => deleteComment(deps, ownerId, id),
  link: (id, data) => {
    const postId = dataString(data.postId);
    return postId ? `/posts/${postId}?comment=${id}` : `/comments/${id}`;
  },
};

export const commentTargets = defineTargets([commentTarget]);
