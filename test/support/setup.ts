import { applyD1Migrations, env } from "cloudflare:test";
import { afterEach } from "vitest";
import { resetClockForTests } from "../../src/platform/clock";

await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);

afterEach(() => {
  resetClockForTests();
});
