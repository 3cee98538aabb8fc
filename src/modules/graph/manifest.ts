import { defineModule } from "../../core/module";
import { sharedRateLimits } from "../../core/rate-limits";
import { blockStatements } from "./blocks";
import { graphErrors } from "./errors";
import { expireConnectionRequests, purgeGraphOf } from "./maintenance";
import { graphNotifications } from "./notifications";
import { graphRateLimits } from "./rate-limits";
import { blockRoutes, connectionRoutes, followRoutes } from "./routes";
import { graphTargets } from "./targets";

/** Follows, connections, blocks and suggestions. */
export const graphModule = defineModule({
  name: "graph",
  routes: [
    { path: "/api/v1/follow", router: followRoutes },
    { path: "/api/v1/connections", router: connectionRoutes },
    { path: "/api/v1/users", router: blockRoutes },
  ],
  errors: graphErrors,
  rateLimits: { ...graphRateLimits, ...sharedRateLimits },
  notifications: graphNotifications,
  targets: graphTargets,
  // Follows both ways, the connection and open requests go with the block, counters exact.
  onBlock: blockStatements,
  purge: {
    // Content first: it decrements hashtag follower counts from follows rows this purge deletes.
    after: ["posts"],
    statements: purgeGraphOf,
    memberColumns: [
      ["blocks", "blocker_id"],
      ["blocks", "blocked_id"],
      ["connections", "user_id"],
      ["connections", "other_id"],
      ["connection_requests", "requester_id"],
      ["connection_requests", "addressee_id"],
      ["follows", "follower_id"],
    ],
    keeps: [
      ["follows", "target_id", "polymorphic: purgeGraphOf deletes the rows that follow a purged member"],
    ],
  },
  maintenance: [{ name: "expire-connection-requests", statements: expireConnectionRequests }],
});
