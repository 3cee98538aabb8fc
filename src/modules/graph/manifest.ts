import { defineModule } from "../../core/module";
import { sharedRateLimits } from "../../core/rate-limits";
import { blocks, connectionRequests, connections, follows } from "../../db/schema";
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
      blocks.blockerId,
      blocks.blockedId,
      connections.userId,
      connections.otherId,
      connectionRequests.requesterId,
      connectionRequests.addresseeId,
      follows.followerId,
    ],
    keeps: [[follows.targetId, "polymorphic: purgeGraphOf deletes the rows that follow a purged member"]],
  },
  maintenance: [{ name: "expire-connection-requests", statements: expireConnectionRequests }],
});
