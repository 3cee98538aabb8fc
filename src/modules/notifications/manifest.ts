import { defineModule } from "../../core/module";
import { notifyConsumer } from "./consumer";
import { sweepPendingDeliveries } from "./delivery";
import { runDigests } from "./digests";
import { notificationErrors } from "./errors";
import { purgeNotificationsOf, purgeNotificationsTask } from "./maintenance";
import { systemNotifications } from "./notifications";
import { notificationRateLimits } from "./rate-limits";
import { notificationRoutes } from "./routes";

/** In-app notifications, their email and push delivery, digests and preferences. */
export const notificationsModule = defineModule({
  name: "notifications",
  routes: [{ path: "/api/v1/notifications", router: notificationRoutes }],
  errors: notificationErrors,
  rateLimits: notificationRateLimits,
  notifications: systemNotifications,
  consumers: [notifyConsumer],
  jobs: [
    {
      name: "notification-deliveries",
      run: async (env, now) => ({ queued: await sweepPendingDeliveries(env, now) }),
    },
    { name: "notification-digests", run: (env, now) => runDigests(env, now) },
  ],
  purge: {
    statements: purgeNotificationsOf,
    memberColumns: [
      ["notifications", "user_id"],
      ["notification_actors", "actor_id"],
      ["notification_preferences", "user_id"],
    ],
    keeps: [
      [
        "notifications",
        "target_id",
        "a target; a notification about a purged member stays with its other actors",
      ],
    ],
  },
  maintenance: [purgeNotificationsTask],
});
