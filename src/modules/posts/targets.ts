import { postVisibleTo } from "../../core/access/posts";
import { defineTargets, type Target } from "../../core/targets";
import { REACTION_COLUMNS } from "./read";
import { actionTargetSql } from "./reposts";

/** Posts as targets: reacting to, bookmarking or reporting a plain repost acts on its original. */
export const postTarget: Target = {
  type: "post",
  code: "POST",
  table: "posts",
  ownerColumn: "author_id",
  visibleTo: postVisibleTo,
  resolve: actionTargetSql,
  counters: { reactions: REACTION_COLUMNS, bookmarks: "bookmark_count" },
  link: (id) => `/posts/${id}`,
};

export const postTargets = defineTargets([postTarget]);
