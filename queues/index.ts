import type { Bindings } from "../src/platform/env";
import { runConsumer } from "../src/platform/queue";
import { emailConsumer } from "./email";
import { mediaConsumer } from "./media";
import { notifyConsumer } from "./notify";
import { searchIndexConsumer } from "./search-index";

/** Dispatches a batch to its consumer by queue name (dead-letter queues are left for operators). */
export async function handleQueue(batch: MessageBatch<unknown>, env: Bindings): Promise<void> {
  switch (batch.queue) {
    case emailConsumer.queue:
      return runConsumer(emailConsumer, batch, env);
    case notifyConsumer.queue:
      return runConsumer(notifyConsumer, batch, env);
    case mediaConsumer.queue:
      return runConsumer(mediaConsumer, batch, env);
    case searchIndexConsumer.queue:
      return runConsumer(searchIndexConsumer, batch, env);
    default:
      console.warn(JSON.stringify({ level: "warn", msg: "no consumer for queue", queue: batch.queue }));
      batch.retryAll();
  }
}
