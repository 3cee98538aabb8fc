import { defineConfig } from "vitest/config";
import { Watchdog } from "./test/support/watchdog";

/**
 * `npm run test:unit`: the fast tier, in plain Node (no workerd): pure functions of src/ (text
 * normalization, ids, cursors, codecs, HMAC, rules, byte ranges, email templates), the reliability
 * harness's own oracles (test/reliability/oracle.ts, test/support/jsonschema.ts, test/support/fuzz.ts),
 * and the Node-side cross-checks in test/node/ (Web Push against `http_ece`). Seconds, and first in
 * `npm test`, so a broken pure function fails before any Worker starts.
 */
export default defineConfig({
  test: {
    include: ["test/unit/**/*.test.ts", "test/node/**/*.spec.mjs"],
    environment: "node",
    testTimeout: 10_000,
    reporters: ["default", new Watchdog({ fileTimeoutMs: 60_000 })],
  },
});
