import type { z } from "@hono/zod-openapi";
import { systemClock } from "./clock";
import type { Bindings } from "./env";
import { logError, logInfo } from "./log";

/**
 * The one way to produce and consume queue messages.
 * - Every message is `{key, body}`: `key` is an idempotency key chosen by the producer (same logical
 *   event → same key), `body` is validated with the consumer's zod schema on both sides.
 * - A message whose key has a receipt in `queue_receipts` (`<queue>:<key>`) is acknowledged without
 *   running again, so a redelivery has no second effect.
 * - Exactly once for database effects: a handler that returns `writes` (D1 statements, not yet run) gets
 *   them committed in ONE batch together with the receipt. The receipt insert comes first and is not
 *   "OR IGNORE": a concurrent delivery of the same message fails on the primary key and the whole batch
 *   rolls back, so the effects happen once even when two deliveries race.
 * - Effects outside D1 (pushes, HTTP calls, other queues) run in `after`, once the batch committed; they
 *   are at most once per message, so anything that must happen is written in `writes` first (e.g. a
 *   pending flag that a cron sweep retries). Handlers that return nothing run their effects inside
 *   `handle` and get a receipt afterwards (at least once: make such effects idempotent or harmless).
 * - A failure is retried with exponential backoff; after `max_retries` (wrangler.toml) the platform
 *   moves it to that consumer's dead-letter queue. A `PermanentError` is not retried (logged, dropped).
 * - One log line per batch.
 */
export interface Envelope<T> {
  key: string;
  body: T;
}

export interface Outcome {
  /** Statements committed atomically with the message's receipt. */
  writes?: D1PreparedStatement[];
  /** Runs after the commit with the results of `writes` (same order). Errors are logged, not retried. */
  after?: (results: D1Result[]) => Promise<void>;
}

export interface HandlerMeta {
  key: string;
  attempts: number;
  now: number;
}

export interface Consumer<S extends z.ZodTypeAny> {
  queue: string;
  schema: S;
  // biome-ignore lint/suspicious/noConfusingVoidType: a handler may return nothing
  handle(body: z.output<S>, env: Bindings, meta: HandlerMeta): Promise<Outcome | void>;
}

/** Thrown by a handler for a failure that retrying cannot fix (e.g. a provider rejected the address). */
export class PermanentError extends Error {
  override readonly name = "PermanentError";
}

export function defineConsumer<S extends z.ZodTypeAny>(consumer: Consumer<S>): Consumer<S> {
  return consumer;
}

export interface EnqueueOptions {
  /** Deliver no earlier than this many seconds from now (Cloudflare Queues allow up to 12 hours). */
  delaySeconds?: number;
}

export const MAX_DELAY_SECONDS = 12 * 60 * 60;

export async function enqueue<S extends z.ZodTypeAny>(
  queue: Queue<unknown>,
  consumer: Pick<Consumer<S>, "schema">,
  key: string,
  body: z.input<S>,
  options: EnqueueOptions = {},
): Promise<void> {
  const parsed = consumer.schema.parse(body);
  const delay = Math.min(MAX_DELAY_SECONDS, Math.max(0, Math.ceil(options.delaySeconds ?? 0)));
  await queue.send({ key, body: parsed } satisfies Envelope<unknown>, {
    contentType: "json",
    ...(delay > 0 ? { delaySeconds: delay } : {}),
  });
}

/** Cloudflare Queues take at most 100 messages and 256 KB per `sendBatch`. */
export const MAX_BATCH_MESSAGES = 100;
const MAX_BATCH_BYTES = 240 * 1024;
const utf8 = new TextEncoder();

export interface BatchItem<T> {
  key: string;
  body: T;
  delaySeconds?: number;
}

/**
 * `enqueue` for many messages at once: each body is validated like `enqueue` does, then they go in
 * `sendBatch` calls of at most 100 messages (and under the 256 KB a call may carry), in order. One
 * queue operation per call instead of one per message. Answers the number of `sendBatch` calls.
 */
export async function enqueueBatch<S extends z.ZodTypeAny>(
  queue: Queue<unknown>,
  consumer: Pick<Consumer<S>, "schema">,
  items: BatchItem<z.input<S>>[],
): Promise<number> {
  const chunks: MessageSendRequest<unknown>[][] = [];
  let chunk: MessageSendRequest<unknown>[] = [];
  let bytes = 0;
  for (const item of items) {
    const body = { key: item.key, body: consumer.schema.parse(item.body) } satisfies Envelope<unknown>;
    const size = utf8.encode(JSON.stringify(body)).length;
    const delay = Math.min(MAX_DELAY_SECONDS, Math.max(0, Math.ceil(item.delaySeconds ?? 0)));
    if (chunk.length === MAX_BATCH_MESSAGES || (chunk.length > 0 && bytes + size > MAX_BATCH_BYTES)) {
      chunks.push(chunk);
      chunk = [];
      bytes = 0;
    }
    chunk.push({ body, contentType: "json", ...(delay > 0 ? { delaySeconds: delay } : {}) });
    bytes += size;
  }
  if (chunk.length > 0) chunks.push(chunk);
  for (const c of chunks) await queue.sendBatch(c);
  return chunks.length;
}

export function backoffSeconds(attempts: number): number {
  return Math.min(300, 2 ** Math.max(0, attempts - 1) * 5);
}

const RECEIPT_SQL = "INSERT INTO queue_receipts (key, queue, processed_at) VALUES (?, ?, ?)";

function isReceiptConflict(err: unknown): boolean {
  const text = String(err instanceof Error ? `${err.message} ${String(err.cause ?? "")}` : err);
  return text.includes("UNIQUE constraint failed: queue_receipts.key");
}

type Result = "done" | "duplicate" | "dropped";

async function processOne<S extends z.ZodTypeAny>(
  consumer: Consumer<S>,
  env: Bindings,
  key: string,
  body: z.output<S>,
  attempts: number,
): Promise<Result> {
  const receiptKey = `${consumer.queue}:${key}`;
  const db = env.DB;
  if (await db.prepare("SELECT 1 FROM queue_receipts WHERE key = ?").bind(receiptKey).first()) {
    return "duplicate";
  }
  const now = systemClock.now();
  let outcome: Outcome | undefined;
  try {
    outcome = (await consumer.handle(body, env, { key, attempts, now })) ?? undefined;
  } catch (err) {
    if (!(err instanceof PermanentError)) throw err;
    logError("queue message dropped", { queue: consumer.queue, key, error: err.message });
    await db.prepare(`${RECEIPT_SQL} ON CONFLICT DO NOTHING`).bind(receiptKey, consumer.queue, now).run();
    return "dropped";
  }
  const receipt = db.prepare(RECEIPT_SQL).bind(receiptKey, consumer.queue, now);
  let results: D1Result[] = [];
  if (outcome?.writes && outcome.writes.length > 0) {
    try {
      results = (await db.batch([receipt, ...outcome.writes])).slice(1);
    } catch (err) {
      if (isReceiptConflict(err)) return "duplicate";
      throw err;
    }
  } else {
    await db.prepare(`${RECEIPT_SQL} ON CONFLICT DO NOTHING`).bind(receiptKey, consumer.queue, now).run();
  }
  if (outcome?.after) {
    try {
      await outcome.after(results);
    } catch (err) {
      logError("queue after-commit effect failed", { queue: consumer.queue, key, error: String(err) });
    }
  }
  return "done";
}

export async function runConsumer<S extends z.ZodTypeAny>(
  consumer: Consumer<S>,
  batch: MessageBatch<unknown>,
  env: Bindings,
): Promise<void> {
  const started = Date.now();
  const counts = { done: 0, duplicates: 0, retried: 0, invalid: 0, dropped: 0 };
  for (const message of batch.messages) {
    const envelope = message.body as Partial<Envelope<unknown>> | null;
    const parsed =
      envelope && typeof envelope.key === "string" && envelope.key.length > 0
        ? consumer.schema.safeParse(envelope.body)
        : undefined;
    if (!parsed?.success || !envelope?.key) {
      // A malformed message will never succeed: acknowledge it and say so in the log.
      counts.invalid++;
      logError("queue message invalid", { queue: consumer.queue, id: message.id });
      message.ack();
      continue;
    }
    try {
      const result = await processOne(consumer, env, envelope.key, parsed.data, message.attempts);
      if (result === "done") counts.done++;
      else if (result === "duplicate") counts.duplicates++;
      else counts.dropped++;
      message.ack();
    } catch (err) {
      counts.retried++;
      logError("queue message failed", {
        queue: consumer.queue,
        key: envelope.key,
        attempts: message.attempts,
        error: String(err),
      });
      message.retry({ delaySeconds: backoffSeconds(message.attempts) });
    }
  }
  logInfo(env, "queue batch", {
    queue: batch.queue,
    size: batch.messages.length,
    ...counts,
    ms: Date.now() - started,
  });
}

/** Receipts are kept a week: long enough to outlast every redelivery. */
export const queueReceiptsTask = {
  name: "purge-queue-receipts",
  statements: (db: D1Database, now: number): D1PreparedStatement[] => [
    db.prepare("DELETE FROM queue_receipts WHERE processed_at < ?").bind(now - 7 * 24 * 60 * 60 * 1000),
  ],
};
