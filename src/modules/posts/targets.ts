import { sql } from "drizzle-orm";
import { postVisibleTo } from "../../core/access/posts";
import { defineTargets, type TargetSpec } from "../../core/targets";
import { posts } from "../../db/schema";
import { actionTargetSql } from "./reposts";
import { deletePost } from "./service";

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
  snapshot: (p) =>
    sql`json_object('id', ${p.id}, 'authorId', ${p.authorId}, 'kind', ${p.kind}, 'content', ${p.content},
      'visibility', ${p.visibility}, 'repostOfId', ${p.repostOfId}, 'createdAt', ${p.createdAt})`,
  remove: (deps, ownerId, id) => deletePost(deps, ownerId, id),
  link: (id) => `/posts/${id}`,
};

export const postTargets = defineTargets([postTarget]);
