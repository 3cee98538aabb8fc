import { z } from "@hono/zod-openapi";
import { DomainEvent, NoticesRead } from "../../core/events";
import { defineConsumer } from "../../platform/queue";
import { DeliverJob, deliver } from "./delivery";
import { fanOut } from "./fanout";
import { settleNotices } from "./settle";

/**
 * The notify queue carries three kinds of messages: domain events published by the services (fanned out
 * into notifications, src/modules/notifications/fanout.ts), `deliver` jobs (one push or email delivery
 * of a notification, src/modules/notifications/delivery.ts) and `notices.read` (a member caught up with a
 * conversation: its pending notice is settled, src/modules/notifications/settle.ts).
 */
export const NotifyMessage = z.union([DeliverJob, NoticesRead, DomainEvent]);

export const notifyConsumer = defineConsumer({
  queue: "majlis-notify",
  schema: NotifyMessage,
  handle: (message, env, meta) =>
    message.type === "deliver"
      ? deliver(env, message, meta.now)
      : message.type === "notices.read"
        ? settleNotices(env, message as NoticesRead, meta.now)
        : fanOut(env, message as DomainEvent, meta.key, meta.now),
});
