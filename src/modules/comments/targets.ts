import { commentVisibleTo } from "../../core/access/comments";
import { dataString } from "../../core/notifications";
import { defineTargets, type TargetSpec } from "../../core/targets";
import { comments } from "../../db/schema";
import { REACTION_COLUMNS } from "../posts";

export const commentTarget: TargetSpec = {
  type: "comment",
  code: "COMMENT",
  id: comments.id,
  owner: comments.authorId,
  visibleTo: commentVisibleTo,
  counters: { reactions: REACTION_COLUMNS },
  link: (id, data) => {
    const postId = dataString(data.postId);
    return postId ? `/posts/${postId}?comment=${id}` : `/comments/${id}`;
  },
};

export const commentTargets = defineTargets([commentTarget]);
