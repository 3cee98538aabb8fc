import { defineModule } from "../../core/module";
import { notificationActors, notificationPreferences, notifications } from "../../db/schema";
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
    memberColumns: [notifications.userId, notificationActors.actorId, notificationPreferences.userId],
    keeps: [
      [notifications.targetId, "a target; a notification about a purged member stays with its other actors"],
    ],
  },
  maintenance: [purgeNotificationsTask],
});
