import { defineConsumer } from "../../platform/queue";
import { deliverEmail, EmailMessage } from "./service";

/** Email delivery through the configured adapter (src/modules/email/providers.ts). */
export const emailConsumer = defineConsumer({
  queue: "majlis-email",
  schema: EmailMessage,
  handle: (message, env, meta) => deliverEmail(env, message, meta.now),
});
