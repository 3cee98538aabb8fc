import { DomainEvent } from "../src/lib/events";
import { defineConsumer } from "./framework";

/**
 * Notification fan-out. Until the notifications module exists (issue #6) events are accepted and logged,
 * so producers can already publish them.
 */
export const notifyConsumer = defineConsumer({
  queue: "majlis-notify",
  schema: DomainEvent,
  handle: async (event, env) => {
    if (env.LOG_REQUESTS !== "false") {
      console.log(JSON.stringify({ level: "info", msg: "domain event", type: event.type, recipientId: event.recipientId }));
    }
  },
});
