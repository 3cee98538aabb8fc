import { defineConfig } from "vitest/config";
import { Watchdog } from "./test/support/watchdog";
import { workersConfig } from "./vitest.config";

/** `npm run test:reliability`: the fuzzer, authorization matrix, concurrency and real-time fault checks. */
export default defineConfig(() =>
  workersConfig({
    include: ["test/reliability/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 60_000,
    // Operations are fuzzed a few at a time: requests wait on D1 and Durable Objects more than on CPU.
    maxConcurrency: 4,
    // The files run side by side (each in its own workerd): on 2 cores one at a time left the CPU half
    // idle, since they wait on D1 and Durable Objects; the longest file (authz) sets the wall time.
    maxWorkers: 3,
    reporters: ["default", new Watchdog({ fileTimeoutMs: 10 * 60_000 })],
  }),
);
