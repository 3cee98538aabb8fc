import { handleQueue } from "../queues";
import { app } from "./app";
import { runScheduled } from "./modules/maintenance/service";
import type { Bindings } from "./platform/env";

export { RateLimiter } from "../durable-objects/rate-limiter";
export { ChatRoom } from "./modules/conversations/chat-room";
export { UserHub } from "./modules/realtime/user-hub";

export default {
  fetch: app.fetch,
  queue: (batch, env) => handleQueue(batch, env),
  scheduled: (controller, env, ctx) =>
    ctx.waitUntil(runScheduled(env, controller.scheduledTime, controller.cron)),
} satisfies ExportedHandler<Bindings>;
