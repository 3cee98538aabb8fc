import {
  createExecutionContext,
  createScheduledController,
  env,
  waitOnExecutionContext,
} from "cloudflare:test";
import { describe, expect, it } from "vitest";
import worker from "../../src/index";
import { DAY } from "../../src/lib/clock";
import { TASKS } from "../../src/modules/maintenance/service";
import { freshIp, post } from "../support/http";
import { registerUser } from "../support/users";

async function runCron(at: number) {
  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController({ scheduledTime: at, cron: "7 * * * *" }), env, ctx);
  await waitOnExecutionContext(ctx);
}

describe("scheduled maintenance", () => {
  it("purges login history older than 90 days and keeps newer rows", async () => {
    const user = await registerUser();
    await post(
      "/api/v1/auth/login",
      { identifier: user.username, password: "wrong-password-1" },
      { ip: freshIp() },
    );
    const count = async () =>
      (await env.DB.prepare("SELECT count(*) AS n FROM login_history WHERE user_id = ?")
        .bind(user.id)
        .first<{ n: number }>())!.n;
    expect(await count()).toBe(1);
    await runCron(Date.now() + 89 * DAY);
    expect(await count()).toBe(1);
    await runCron(Date.now() + 91 * DAY);
    expect(await count()).toBe(0);
  });

  it("keeps running the other tasks when one fails", async () => {
    const broken = {
      name: "broken",
      statements: (db: D1Database) => [db.prepare("SELECT * FROM no_such_table")],
    };
    TASKS.unshift(broken);
    try {
      const user = await registerUser();
      await post(
        "/api/v1/auth/login",
        { identifier: user.username, password: "wrong-password-1" },
        { ip: freshIp() },
      );
      await runCron(Date.now() + 91 * DAY);
      const left = await env.DB.prepare("SELECT count(*) AS n FROM login_history WHERE user_id = ?")
        .bind(user.id)
        .first<{ n: number }>();
      expect(left!.n).toBe(0);
    } finally {
      TASKS.splice(TASKS.indexOf(broken), 1);
    }
  });
});
