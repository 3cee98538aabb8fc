import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-pool-workers";
import { defineConfig, type ViteUserConfig } from "vitest/config";
import { unstable_readConfig } from "wrangler";
import { patchPoolWorkers } from "./scripts/patch-deps.mjs";
import { Watchdog } from "./test/support/watchdog";

// The pool's Durable Object wrapper slows every call down by one Proxy per object ever constructed in a
// test file (cloudflare/workers-sdk#15092); apply the upstream fix before the pool starts (idempotent).
patchPoolWorkers({ quiet: true });

/**
 * The queue consumers of wrangler.toml with no batch timeout: in production a consumer waits up to
 * `max_batch_timeout` seconds to fill a batch; in tests that is a second of idle waiting per queue hop
 * (register → email queue → outbox, post → notify queue → email queue ...). Everything else (batch size,
 * retries, dead-letter queue) stays as configured. Miniflare merges this over the wrangler config per queue,
 * replacing the whole entry, which is why every field is repeated from wrangler.toml.
 */
function immediateQueueConsumers() {
  const consumers = unstable_readConfig({ config: "./wrangler.toml" }).queues.consumers ?? [];
  return Object.fromEntries(
    consumers.map((c: (typeof consumers)[number]) => [
      c.queue,
      {
        maxBatchSize: c.max_batch_size,
        maxBatchTimeout: 0,
        maxRetries: c.max_retries,
        deadLetterQueue: c.dead_letter_queue,
        retryDelay: c.retry_delay,
      },
    ]),
  );
}

/** The Worker under test in workerd with local bindings; shared by the main and reliability suites. */
export async function workersConfig(test: NonNullable<ViteUserConfig["test"]>): Promise<ViteUserConfig> {
  const migrations = await readD1Migrations("./migrations");
  return {
    plugins: [
      cloudflareTest({
        main: "./src/index.ts",
        wrangler: { configPath: "./wrangler.toml" },
        miniflare: {
          bindings: {
            TEST_MIGRATIONS: migrations,
            ENVIRONMENT: "development",
            LOG_REQUESTS: "false",
            // Tests hash many passwords; the production cost is measured in bench/, not here.
            PASSWORD_PBKDF2_ITERATIONS: "1000",
          },
          queueConsumers: immediateQueueConsumers(),
        },
      }),
    ],
    test: { setupFiles: ["./test/support/setup.ts"], ...test },
  };
}

export default defineConfig(() =>
  workersConfig({
    include: ["test/**/*.test.ts"],
    // The reliability harness (fuzzer, authorization matrix, faults) runs on its own: npm run test:reliability;
    // pure functions run in plain Node: npm run test:unit.
    exclude: ["test/reliability/**", "test/unit/**"],
    // Test files mostly wait on workerd (D1, Durable Objects); vitest's default on 2 cores is one file
    // at a time. Three at once took the suite from ~19 to ~6 minutes here.
    maxWorkers: 3,
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // A file that does not report within 5 minutes fails the run, named (see test/support/watchdog.ts).
    reporters: ["default", new Watchdog({ fileTimeoutMs: 5 * 60_000 })],
  }),
);
