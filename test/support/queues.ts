import { env } from "cloudflare:test";
import worker from "../../src/index";

/**
 * Deterministic waits on the real queues, instead of sleeping "long enough".
 *
 * The consumers run in this isolate (the Worker's `queue` export), so set-up wraps that export to count
 * batches being handled; each producer binding reports its backlog (`Queue.metrics()`). The queues are
 * drained when no batch is being handled and every backlog is empty, seen twice in a row a few
 * milliseconds apart: a message sent right before the first look may not be counted yet (the local broker
 * enqueues on its next tick), and a handler that just finished may have sent the next hop.
 *
 * Messages waiting for a retry (`retry({delaySeconds})`) or sent with a delay are not in the backlog until
 * their delay passed; a test about retries drives the consumer itself (support/notifications.ts runQueue).
 */
let inFlight = 0;
let handled = 0;

export function trackQueueConsumers(): void {
  const original = worker.queue!;
  if ((original as { tracked?: boolean }).tracked) return;
  const tracked: typeof original = async (batch, e) => {
    inFlight++;
    try {
      return await original(batch, e);
    } finally {
      inFlight--;
      handled++;
    }
  };
  (tracked as { tracked?: boolean }).tracked = true;
  worker.queue = tracked;
}

const QUEUES = ["EMAIL_QUEUE", "NOTIFY_QUEUE", "MEDIA_QUEUE", "SEARCH_QUEUE"] as const;

async function busy(): Promise<boolean> {
  if (inFlight > 0) return true;
  const metrics = await Promise.all(QUEUES.map((q) => env[q].metrics()));
  return inFlight > 0 || metrics.some((m) => m.backlogCount > 0);
}

/** Resolves once every queue is empty and no consumer runs (see above); throws after `timeoutMs`. */
export async function drainQueues(timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let quiet = 0;
  let seen = handled;
  while (quiet < 2) {
    if (Date.now() > deadline) {
      throw new Error(`queues not drained within ${timeoutMs} ms (${inFlight} batches in flight)`);
    }
    await new Promise((r) => setTimeout(r, 5));
    const idle = !(await busy()) && handled === seen;
    seen = handled;
    quiet = idle ? quiet + 1 : 0;
  }
}
