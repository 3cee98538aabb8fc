import { applyD1Migrations, env } from "cloudflare:test";
import { afterEach } from "vitest";
import { resetClockForTests } from "../../src/platform/clock";
import { trackQueueConsumers } from "./queues";

await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
trackQueueConsumers();

afterEach(() => {
  resetClockForTests();
});
