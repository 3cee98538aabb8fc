import { defineConfig } from "vitest/config";
import type { Volume } from "./test/reliability/volume";
import { Watchdog } from "./test/support/watchdog";
import { workersConfig } from "./vitest.config";

/**
 * The long reliability runs, not part of `npm test` (they take tens of minutes on 2 cores):
 *   npm run test:soak     the fuzzer: ≥ 100,000 requests over every operation of /openapi.json, as the
 *                         owner of the objects in the path and as members the objects are not theirs
 *   npm run test:faults   real time under faults: 10,000 messages from 10 members, random disconnects,
 *                         5 restarts of the room and every hub
 * The same test files as `npm run test:reliability`, with more volume (test/reliability/volume.ts).
 * Override with SOAK_REQUESTS, SOAK_CONCURRENCY, FAULT_MEMBERS, FAULT_MESSAGES, FAULT_RESTARTS,
 * FAULT_BOUNCE_MS, FAULT_RESTART_UNDER_LOAD=1 (restart while sends are in flight: see volume.ts).
 */
const number = (name: string, fallback: number) => {
  const raw = process.env[name];
  const v = Number(raw);
  return raw !== undefined && raw !== "" && Number.isFinite(v) && v >= 0 ? v : fallback;
};
const volume: Volume = {
  fuzzRequests: number("SOAK_REQUESTS", 100_000),
  fuzzConcurrency: number("SOAK_CONCURRENCY", 8),
  faultMembers: number("FAULT_MEMBERS", 10),
  faultMessages: number("FAULT_MESSAGES", 10_000),
  faultRestarts: number("FAULT_RESTARTS", 5),
  faultBounceMs: number("FAULT_BOUNCE_MS", 3_000),
  faultRestartUnderLoad: process.env.FAULT_RESTART_UNDER_LOAD === "1",
};

export default defineConfig(() =>
  workersConfig({
    include: ["test/reliability/fuzz.test.ts", "test/reliability/realtime-faults.test.ts"],
    provide: { volume },
    testTimeout: 3 * 60 * 60_000,
    hookTimeout: 60_000,
    maxConcurrency: volume.fuzzConcurrency,
    // One long file at a time: each is sized to keep the machine busy on its own.
    maxWorkers: 1,
    reporters: ["default", new Watchdog({ fileTimeoutMs: 3 * 60 * 60_000 })],
  }),
);
