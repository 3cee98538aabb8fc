import { z } from "@hono/zod-openapi";
import { DomainEvent } from "../../core/events";
import { defineConsumer } from "../../platform/queue";
import { DeliverJob, deliver } from "./delivery";
import { fanOut } from "./fanout";

/**
 * The notify queue carries two kinds of messages: domain events published by the services (fanned out
 * into notifications, src/modules/notifications/fanout.ts) and `deliver` jobs (one push or email delivery
 * of a notification, src/modules/notifications/delivery.ts).
 */
export const NotifyMessage = z.union([DeliverJob, DomainEvent]);

export const notifyConsumer = defineConsumer({
  queue: "majlis-notify",
  schema: NotifyMessage,
  handle: (message, env, meta) =>
    message.type === "deliver"
      ? deliver(env, message, meta.now)
      : fanOut(env, message as DomainEvent, meta.key, meta.now),
});
