import { defineModule } from "../../core/module";
import { savedSearches } from "../../db/schema";
import { runSearchAlerts } from "./alerts";
import { searchIndexConsumer } from "./consumer";
import { searchErrors } from "./errors";
import { searchMaintenanceTask, upgradeSearchIndex } from "./maintenance";
import { searchRateLimits } from "./rate-limits";
import { adminSearchRoutes, searchRoutes } from "./routes";

/**
 * Arabic-aware search (D1 FTS5, optional Meilisearch), saved searches and alerts, over the searchable types
 * other modules declare in their manifests (`search`: people in profiles, posts in posts).
 */
export const searchModule = defineModule({
  name: "search",
  routes: [
    { path: "/api/v1/search", router: searchRoutes },
    { path: "/api/v1/admin/search", router: adminSearchRoutes },
  ],
  errors: searchErrors,
  rateLimits: searchRateLimits,
  consumers: [searchIndexConsumer],
  jobs: [
    { name: "search-alerts", run: (env, now) => runSearchAlerts(env, now) },
    // An index written by an older analyzer is rebuilt through the search queue.
    { name: "search-index-upgrade", run: async (env) => ({ upgraded: await upgradeSearchIndex(env) }) },
  ],
  purge: { memberColumns: [savedSearches.userId] },
  maintenance: [searchMaintenanceTask],
});
