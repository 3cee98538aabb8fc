import { handleQueue } from "../queues";
import { app } from "./app";
import { runScheduled } from "./core/cron";
import type { Bindings } from "./platform/env";

export { ChatRoom } from "../durable-objects/chat-room";
export { RateLimiter } from "../durable-objects/rate-limiter";
export { UserHub } from "../durable-objects/user-hub";

export default {
  fetch: app.fetch,
  queue: (batch, env) => handleQueue(batch, env),
  scheduled: (controller, env, ctx) =>
    ctx.waitUntil(runScheduled(env, controller.scheduledTime, controller.cron)),
} satisfies ExportedHandler<Bindings>;
