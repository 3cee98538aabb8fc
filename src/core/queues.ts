import type { Bindings } from "../platform/env";
import { runConsumer } from "../platform/queue";
import { registeredModules } from "./module";

/** Dispatches a batch to the consumer some module declared for its queue (dead-letter queues have none). */
export async function handleQueue(batch: MessageBatch<unknown>, env: Bindings): Promise<void> {
  const consumer = registeredModules()
    .flatMap((m) => m.consumers ?? [])
    .find((c) => c.queue === batch.queue);
  if (consumer) return runConsumer(consumer, batch, env);
  console.warn(JSON.stringify({ level: "warn", msg: "no consumer for queue", queue: batch.queue }));
  batch.retryAll();
}
