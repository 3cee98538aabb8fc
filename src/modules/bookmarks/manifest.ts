import { defineModule } from "../../core/module";
import { bookmarks } from "../../db/schema";
import { bookmarkErrors } from "./errors";
import { bookmarkRateLimits } from "./rate-limits";
import { bookmarkRoutes } from "./routes";

/** Private saves of posts (and of the other bookmarkable targets). */
export const bookmarksModule = defineModule({
  name: "bookmarks",
  routes: [{ path: "/api/v1/bookmarks", router: bookmarkRoutes }],
  errors: bookmarkErrors,
  rateLimits: bookmarkRateLimits,
  purge: {
    after: ["posts"],
    memberColumns: [bookmarks.userId],
    keeps: [[bookmarks.targetId, "a saved target (a post, a job, an article), not a member"]],
  },
});
