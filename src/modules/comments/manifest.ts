import { defineModule } from "../../core/module";
import { comments } from "../../db/schema";
import { commentNotifications } from "./notifications";
import { commentRateLimits } from "./rate-limits";
import { commentRoutes, postCommentRoutes } from "./routes";
import { commentTargets } from "./targets";

/** Comments and one level of replies. */
export const commentsModule = defineModule({
  name: "comments",
  routes: [
    { path: "/api/v1/posts", router: postCommentRoutes },
    { path: "/api/v1/comments", router: commentRoutes },
  ],
  rateLimits: commentRateLimits,
  notifications: commentNotifications,
  targets: commentTargets,
  // Counters of what stays are kept by the content purge (posts module).
  purge: {
    after: ["posts"],
    memberColumns: [comments.authorId, comments.postAuthorId],
  },
});
