import { postVisibleTo } from "../../core/access/posts";
import { defineTargets, type TargetSpec } from "../../core/targets";
import { posts } from "../../db/schema";
import { actionTargetSql } from "./reposts";

/** Posts as targets: reacting to, bookmarking or reporting a plain repost acts on its original. */
export const postTarget: TargetSpec<typeof posts> = {
  type: "post",
  code: "POST",
  table: posts,
  id: posts.id,
  owner: posts.authorId,
  visibleTo: postVisibleTo,
  resolve: actionTargetSql,
  counters: {
    reactions: [posts.rLike, posts.rCelebrate, posts.rSupport, posts.rLove, posts.rInsightful, posts.rFunny],
    bookmarks: posts.bookmarkCount,
  },
  link: (id) => `/posts/${id}`,
};

export const postTargets = defineTargets([postTarget]);
