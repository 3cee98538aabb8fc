import { defineModule } from "../../core/module";
import { reactions } from "../../db/schema";
import { reactionNotifications } from "./notifications";
import { reactionRateLimits } from "./rate-limits";
import { commentReactionRoutes, postReactionRoutes } from "./routes";

/** Reactions on any target that keeps reaction counters (posts, comments, ...). */
export const reactionsModule = defineModule({
  name: "reactions",
  routes: [
    { path: "/api/v1/posts", router: postReactionRoutes },
    { path: "/api/v1/comments", router: commentReactionRoutes },
  ],
  rateLimits: reactionRateLimits,
  notifications: reactionNotifications,
  purge: {
    after: ["posts"],
    memberColumns: [reactions.userId, reactions.ownerId],
    keeps: [[reactions.targetId, "a target, not a member"]],
  },
});
