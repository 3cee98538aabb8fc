import { createDb } from "../src/db/client";
import { systemClock } from "../src/lib/clock";
import { deliverEmail, EmailMessage } from "../src/modules/email/service";
import { defineConsumer } from "./framework";

export const emailConsumer = defineConsumer({
  queue: "majlis-email",
  schema: EmailMessage,
  handle: (message, env) => deliverEmail(createDb(env.DB), message, systemClock.now()),
});
