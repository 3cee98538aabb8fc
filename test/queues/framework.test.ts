import { createExecutionContext, createMessageBatch, env, getQueueResult } from "cloudflare:test";
import { z } from "@hono/zod-openapi";
import { describe, expect, it } from "vitest";
import {
  backoffSeconds,
  defineConsumer,
  enqueue,
  type Outcome,
  PermanentError,
  runConsumer,
} from "../../src/platform/queue";
import { runQueue } from "../support/notifications";

/**
 * The queue framework with a consumer made for the test: its effect is a row in email_outbox (any table
 * works), so "how many times did it happen" is a COUNT.
 */
let n = 0;
const uniqueTo = () => `q${Date.now()}${++n}@example.com`;

function testConsumer(
  behaviour: (body: { to: string; fail?: string }) => Outcome | Promise<Outcome> | undefined = (body) => ({
    writes: [effect(body.to)],
  }),
) {
  return defineConsumer({
    queue: "test-queue",
    schema: z.object({ to: z.string(), fail: z.string().optional() }),
    handle: async (body) => (await behaviour(body)) ?? undefined,
  });
}

function effect(to: string) {
  return env.DB.prepare(
    "INSERT INTO email_outbox (id, to_email, template, subject, text, html, data, created_at) VALUES (?, ?, 't', 's', 'x', 'x', '{}', 0)",
  ).bind(crypto.randomUUID(), to);
}

async function effects(to: string): Promise<number> {
  const row = await env.DB.prepare("SELECT COUNT(*) AS n FROM email_outbox WHERE to_email = ?")
    .bind(to)
    .first<{ n: number }>();
  return row!.n;
}

async function run(
  consumer: ReturnType<typeof testConsumer>,
  bodies: { key: unknown; body: unknown }[],
  attempts = 1,
) {
  const batch = createMessageBatch(
    "test-queue",
    bodies.map((body, i) => ({
      id: `m${Date.now()}-${i}-${Math.random()}`,
      timestamp: new Date(),
      attempts,
      body,
    })),
  );
  const delays: (number | undefined)[] = [];
  for (const m of batch.messages) {
    const retry = m.retry.bind(m);
    m.retry = (options?: QueueRetryOptions) => {
      delays.push(options?.delaySeconds);
      retry(options);
    };
  }
  const ctx = createExecutionContext();
  await runConsumer(consumer, batch, env);
  return { ...(await getQueueResult(batch, ctx)), delays };
}

describe("queue framework", () => {
  it("a redelivered message has no second effect", async () => {
    const to = uniqueTo();
    const consumer = testConsumer();
    const first = await run(consumer, [{ key: `k-${to}`, body: { to } }]);
    const again = await run(consumer, [{ key: `k-${to}`, body: { to } }], 2);
    expect(first.explicitAcks).toHaveLength(1);
    expect(again.explicitAcks).toHaveLength(1);
    expect(await effects(to)).toBe(1);
    // A different key is a different message.
    await run(consumer, [{ key: `k2-${to}`, body: { to } }]);
    expect(await effects(to)).toBe(2);
  });

  it("two deliveries of one message racing each other commit once", async () => {
    const to = uniqueTo();
    const consumer = testConsumer();
    const message = { key: `race-${to}`, body: { to } };
    const results = await Promise.all(Array.from({ length: 6 }, () => run(consumer, [message])));
    for (const r of results) expect(r.retryMessages).toHaveLength(0);
    expect(await effects(to)).toBe(1);
  });

  it("the same key twice in one batch has one effect", async () => {
    const to = uniqueTo();
    const result = await run(testConsumer(), [
      { key: `dup-${to}`, body: { to } },
      { key: `dup-${to}`, body: { to } },
    ]);
    expect(result.explicitAcks).toHaveLength(2);
    expect(await effects(to)).toBe(1);
  });

  it("a failure is retried with backoff and leaves no receipt, so the retry runs", async () => {
    const to = uniqueTo();
    let calls = 0;
    const consumer = testConsumer((body) => {
      calls++;
      if (calls === 1) throw new Error("transient");
      return { writes: [effect(body.to)] };
    });
    const failed = await run(consumer, [{ key: `retry-${to}`, body: { to } }], 3);
    expect(failed.retryMessages).toHaveLength(1);
    expect(failed.delays).toEqual([backoffSeconds(3)]);
    expect(await effects(to)).toBe(0);
    const retried = await run(consumer, [{ key: `retry-${to}`, body: { to } }], 4);
    expect(retried.explicitAcks).toHaveLength(1);
    expect(await effects(to)).toBe(1);
    expect(backoffSeconds(1)).toBe(5);
    expect(backoffSeconds(2)).toBe(10);
    expect(backoffSeconds(20)).toBe(300);
  });

  it("a failing write rolls back the receipt with it", async () => {
    const to = uniqueTo();
    const broken = testConsumer((body) => ({
      writes: [effect(body.to), env.DB.prepare("INSERT INTO no_such_table VALUES (1)")],
    }));
    const result = await run(broken, [{ key: `rollback-${to}`, body: { to } }]);
    expect(result.retryMessages).toHaveLength(1);
    expect(await effects(to)).toBe(0);
    // The retry is not mistaken for a duplicate.
    await run(testConsumer(), [{ key: `rollback-${to}`, body: { to } }], 2);
    expect(await effects(to)).toBe(1);
  });

  it("a permanent error is acknowledged, not retried, and not run again", async () => {
    const to = uniqueTo();
    let calls = 0;
    const consumer = testConsumer(() => {
      calls++;
      throw new PermanentError("rejected by provider");
    });
    const result = await run(consumer, [{ key: `perm-${to}`, body: { to } }]);
    expect(result.retryMessages).toHaveLength(0);
    expect(result.explicitAcks).toHaveLength(1);
    await run(consumer, [{ key: `perm-${to}`, body: { to } }], 2);
    expect(calls).toBe(1);
  });

  it("malformed messages are acknowledged without running the handler", async () => {
    let calls = 0;
    const consumer = testConsumer(() => {
      calls++;
      return {};
    });
    const result = await run(consumer, [
      { key: "", body: { to: "x" } },
      { key: "k", body: { to: 42 } },
      { key: 7, body: { to: "x" } },
      { key: "k", body: null },
    ]);
    expect(result.explicitAcks).toHaveLength(4);
    expect(calls).toBe(0);
  });

  it("after-commit effects see the writes' results; their failure does not undo or retry", async () => {
    const to = uniqueTo();
    let seen: unknown;
    const consumer = testConsumer((body) => ({
      writes: [
        effect(body.to),
        env.DB.prepare("SELECT COUNT(*) AS n FROM email_outbox WHERE to_email = ?").bind(body.to),
      ],
      after: async (results) => {
        seen = results[1]?.results[0];
        throw new Error("push service down");
      },
    }));
    const result = await run(consumer, [{ key: `after-${to}`, body: { to } }]);
    expect(seen).toEqual({ n: 1 });
    expect(result.retryMessages).toHaveLength(0);
    expect(await effects(to)).toBe(1);
  });

  it("handlers without writes get their receipt after running", async () => {
    const to = uniqueTo();
    let calls = 0;
    const consumer = testConsumer(() => {
      calls++;
      return undefined;
    });
    await run(consumer, [{ key: `plain-${to}`, body: { to } }]);
    await run(consumer, [{ key: `plain-${to}`, body: { to } }], 2);
    expect(calls).toBe(1);
  });

  it("enqueue validates the body with the consumer's schema", async () => {
    const consumer = testConsumer();
    await expect(enqueue(env.EMAIL_QUEUE, consumer, "k", { to: 42 } as never)).rejects.toThrow();
  });

  it("the email consumer delivers a redelivered email once", async () => {
    const to = uniqueTo();
    const message = {
      key: `email-once-${to}`,
      body: { to, locale: "en", template: "welcome", data: { name: "Sara" } },
    };
    await runQueue("majlis-email", [message]);
    await runQueue("majlis-email", [message], 2);
    expect(await effects(to)).toBe(1);
  });

  it("a batch of an unknown queue is retried, not lost", async () => {
    const result = await runQueue("no-such-queue", [{ key: "k", body: {} }]);
    expect(result.retryBatch.retry).toBe(true);
  });
});
