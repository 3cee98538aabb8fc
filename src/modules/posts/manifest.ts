import { defineModule } from "../../core/module";
import { mentions, posts } from "../../db/schema";
import { postErrors } from "./errors";
import { purgeContentOf } from "./maintenance";
import { postNotifications } from "./notifications";
import { profilePostRoutes } from "./profile-routes";
import { postRateLimits } from "./rate-limits";
import { postRoutes } from "./routes";
import { postsSearch } from "./search";
import { postTargets } from "./targets";

/** Posts, reposts, edits, mentions and a member's posts on their profile. */
export const postsModule = defineModule({
  name: "posts",
  routes: [
    { path: "/api/v1/posts", router: postRoutes },
    { path: "/api/v1/profiles", router: profilePostRoutes },
  ],
  errors: postErrors,
  rateLimits: postRateLimits,
  notifications: postNotifications,
  targets: postTargets,
  search: [postsSearch],
  purge: {
    // Everything content (posts, comments, reactions, votes, bookmarks, hashtags) with its counters.
    statements: purgeContentOf,
    memberColumns: [posts.authorId, mentions.authorId, mentions.userId],
  },
});
