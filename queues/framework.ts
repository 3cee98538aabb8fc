import type { z } from "@hono/zod-openapi";
import type { Bindings } from "../src/env";
import { logError, logInfo } from "../src/lib/log";

/**
 * The one way to produce and consume queue messages.
 * - Every message is `{key, body}`: `key` is an idempotency key chosen by the producer (same logical
 *   event → same key), `body` is validated with the consumer's zod schema on both sides.
 * - A message whose key already has a receipt in `queue_receipts` is acknowledged without running again,
 *   so a redelivery has no second effect.
 * - A failure is retried with exponential backoff; after `max_retries` (wrangler.toml) the platform
 *   moves it to that consumer's dead-letter queue.
 * - One log line per batch.
 */
export interface Envelope<T> {
  key: string;
  body: T;
}

export interface Consumer<S extends z.ZodTypeAny> {
  queue: string;
  schema: S;
  handle(body: z.output<S>, env: Bindings, meta: { key: string; attempts: number }): Promise<void>;
}

export function defineConsumer<S extends z.ZodTypeAny>(consumer: Consumer<S>): Consumer<S> {
  return consumer;
}

export async function enqueue<S extends z.ZodTypeAny>(
  queue: Queue<unknown>,
  consumer: Pick<Consumer<S>, "schema">,
  key: string,
  body: z.input<S>,
): Promise<void> {
  const parsed = consumer.schema.parse(body);
  await queue.send({ key, body: parsed } satisfies Envelope<unknown>, { contentType: "json" });
}

export function backoffSeconds(attempts: number): number {
  return Math.min(300, 2 ** Math.max(0, attempts - 1) * 5);
}

export async function runConsumer<S extends z.ZodTypeAny>(
  consumer: Consumer<S>,
  batch: MessageBatch<unknown>,
  env: Bindings,
): Promise<void> {
  const started = Date.now();
  let done = 0;
  let duplicates = 0;
  let retried = 0;
  let invalid = 0;
  for (const message of batch.messages) {
    const envelope = message.body as Partial<Envelope<unknown>> | null;
    const parsed = envelope && typeof envelope.key === "string" ? consumer.schema.safeParse(envelope.body) : undefined;
    if (!parsed?.success || !envelope?.key) {
      // A malformed message will never succeed: acknowledge it and say so in the log.
      invalid++;
      message.ack();
      continue;
    }
    const key = `${consumer.queue}:${envelope.key}`;
    try {
      const seen = await env.DB.prepare("SELECT 1 FROM queue_receipts WHERE key = ?").bind(key).first();
      if (seen) {
        duplicates++;
        message.ack();
        continue;
      }
      await consumer.handle(parsed.data, env, { key: envelope.key, attempts: message.attempts });
      await env.DB.prepare("INSERT OR IGNORE INTO queue_receipts (key, queue, processed_at) VALUES (?, ?, ?)")
        .bind(key, consumer.queue, Date.now())
        .run();
      done++;
      message.ack();
    } catch (err) {
      retried++;
      logError("queue message failed", { queue: consumer.queue, key, attempts: message.attempts, error: String(err) });
      message.retry({ delaySeconds: backoffSeconds(message.attempts) });
    }
  }
  logInfo(env, "queue batch", {
    queue: batch.queue,
    size: batch.messages.length,
    done,
    duplicates,
    retried,
    invalid,
    ms: Date.now() - started,
  });
}
