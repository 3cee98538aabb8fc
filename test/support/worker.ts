import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import worker from "../../src/index";

/**
 * Requests go to the Worker's own fetch handler (src/index.ts) in this isolate, with a real execution
 * context, instead of through `SELF.fetch`.
 *
 * Why: in @cloudflare/vitest-pool-workers 0.15 every SELF request (and every Durable Object construction)
 * wraps the entrypoint's prototype in one more Proxy (cloudflare/workers-sdk#15092, fixed after the last
 * release that runs on Node 20), so the n-th SELF request of a test file costs O(n): 2.7 ms per request
 * at the start of a file, 96 ms after 600. The handler and everything behind it (middleware, D1, R2, KV,
 * Durable Objects, queues) are the same; only the loopback hop is skipped.
 *
 * Unlike SELF, the caller also learns when the request's background work (`ctx.waitUntil`) is done and
 * whether it failed: `call()` in http.ts waits for it, so a test that reads right after a request sees
 * what the request started (search indexing, domain events) already handed to the queues, and a failing
 * background task fails the request that started it instead of vanishing into a log line.
 */
export interface Dispatched extends Response {
  /** Settles when every `waitUntil` promise of the request settled; rejects if one rejected. */
  background: Promise<void>;
}

export async function dispatch(request: Request): Promise<Dispatched> {
  const ctx = createExecutionContext();
  const res = (await worker.fetch!(
    request as Request<unknown, IncomingRequestCfProperties>,
    env,
    ctx,
  )) as Dispatched;
  res.background = waitOnExecutionContext(ctx);
  // Never an unhandled rejection: callers that care await it; the others (e.g. SELF-like fetches of
  // sockets) must not crash the run because they did not look.
  res.background.catch(() => undefined);
  return res;
}

/** How long a request's background work may take before the request counts as hung. */
export const BACKGROUND_TIMEOUT_MS = 15_000;

/** Waits for a request's background work; names the request when it fails or never ends. */
export async function settled(res: Dispatched, what: string, timeoutMs = BACKGROUND_TIMEOUT_MS) {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    await Promise.race([
      res.background,
      new Promise((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`${what}: background work (waitUntil) still running after ${timeoutMs} ms`)),
          timeoutMs,
        );
      }),
    ]);
  } catch (err) {
    if (err instanceof Error && err.message.startsWith(what)) throw err;
    throw new Error(`${what}: background work (waitUntil) failed: ${String(err)}`);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * A drop-in for `SELF.fetch(url, init)` (same handler, no loopback hop). It answers as soon as the
 * handler does, like SELF: sockets and streamed bodies must come back before any background work ends.
 * With `waitForBackground`, it also waits for the request's `waitUntil` work first.
 */
export async function fetchWorker(
  input: string | URL | Request,
  init?: RequestInit,
  { waitForBackground = false }: { waitForBackground?: boolean } = {},
): Promise<Response> {
  const request = input instanceof Request ? input : new Request(String(input), init);
  const res = await dispatch(request);
  if (waitForBackground) await settled(res, `${request.method} ${new URL(request.url).pathname}`);
  return res;
}
