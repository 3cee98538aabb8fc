import { defineConfig } from "vitest/config";
import { workersConfig } from "./vitest.config";

/** `npm run test:reliability`: the fuzzer, authorization matrix, concurrency and real-time fault checks. */
export default defineConfig(() =>
  workersConfig({
    include: ["test/reliability/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 60_000,
    // Operations are fuzzed a few at a time: requests wait on D1 and Durable Objects more than on CPU.
    maxConcurrency: 4,
  }),
);
