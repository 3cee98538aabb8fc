import { postVisibleTo } from "../../core/access/posts";
import { defineTargets, type TargetSpec } from "../../core/targets";
import { posts } from "../../db/schema";
import { REACTION_COLUMNS } from "./read";
import { actionTargetSql } from "./reposts";

/** Posts as targets: reacting to, bookmarking or reporting a plain repost acts on its original. */
export const postTarget: TargetSpec = {
  type: "post",
  code: "POST",
  id: posts.id,
  owner: posts.authorId,
  visibleTo: postVisibleTo,
  resolve: actionTargetSql,
  counters: { reactions: REACTION_COLUMNS, bookmarks: posts.bookmarkCount },
  link: (id) => `/posts/${id}`,
};

export const postTargets = defineTargets([postTarget]);
