import { defineModule } from "../../core/module";
import { hashtagErrors } from "./errors";
import { hashtagRoutes } from "./routes";
import { hashtagTargets } from "./targets";
import { refreshTrendingTask } from "./trending";

/** Hashtag pages, follows and trending. */
export const hashtagsModule = defineModule({
  name: "hashtags",
  routes: [{ path: "/api/v1/hashtags", router: hashtagRoutes }],
  errors: hashtagErrors,
  targets: hashtagTargets,
  maintenance: [refreshTrendingTask],
});
