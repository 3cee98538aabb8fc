import { commentVisibleTo } from "../../core/access/comments";
import { dataString } from "../../core/notifications";
import { defineTargets, type Target } from "../../core/targets";
import { REACTION_COLUMNS } from "../posts";

export const commentTarget: Target = {
  type: "comment",
  code: "COMMENT",
  table: "comments",
  ownerColumn: "author_id",
  visibleTo: commentVisibleTo,
  counters: { reactions: REACTION_COLUMNS },
  link: (id, data) => {
    const postId = dataString(data.postId);
    return postId ? `/posts/${postId}?comment=${id}` : `/comments/${id}`;
  },
};

export const commentTargets = defineTargets([commentTarget]);
