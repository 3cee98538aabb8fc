import { defineModule } from "../../core/module";
import { feedRoutes } from "./routes";
import { refreshHotPostsTask } from "./service";

/** The following and for-you feeds. */
export const feedModule = defineModule({
  name: "feed",
  routes: [{ path: "/api/v1/feed", router: feedRoutes }],
  maintenance: [refreshHotPostsTask],
});
