import { defineModule } from "../../core/module";
import { pushSubscriptions } from "../../db/schema";
import { pushErrors } from "./errors";
import { pushRateLimits } from "./rate-limits";
import { pushRoutes } from "./routes";

/** Web Push subscriptions and delivery (VAPID, aes128gcm). */
export const pushModule = defineModule({
  name: "push",
  routes: [{ path: "/api/v1/push", router: pushRoutes }],
  errors: pushErrors,
  rateLimits: pushRateLimits,
  purge: { memberColumns: [pushSubscriptions.userId] },
});
