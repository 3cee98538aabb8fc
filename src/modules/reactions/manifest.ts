import { defineModule } from "../../core/module";
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
    memberColumns: [
      ["reactions", "user_id"],
      ["reactions", "owner_id"],
    ],
    keeps: [["reactions", "target_id", "a target, not a member"]],
  },
});
