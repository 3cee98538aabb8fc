import {
  createExecutionContext,
  createScheduledController,
  env,
  waitOnExecutionContext,
} from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import { runScheduled } from "../../src/core/cron";
import { registeredModules } from "../../src/core/module";
import worker from "../../src/index";
import { DAY } from "../../src/platform/clock";
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

  it("purges profile views older than 90 days in the daily 03:00 UTC run only", async () => {
    const [viewed, viewer] = [await registerUser(), await registerUser()];
    const viewedAt = Date.UTC(2026, 0, 1, 12);
    await env.DB.prepare(
      "INSERT INTO profile_views (viewed_id, viewer_id, day, created_at) VALUES (?, ?, ?, ?)",
    )
      .bind(viewed.id, viewer.id, "2026-01-01", viewedAt)
      .run();
    const count = async () =>
      (await env.DB.prepare("SELECT count(*) AS n FROM profile_views WHERE viewed_id = ?")
        .bind(viewed.id)
        .first<{ n: number }>())!.n;
    const day91 = Date.UTC(2026, 3, 2); // 91 days later, 00:00 UTC
    const errors = vi.spyOn(console, "error");
    await runCron(day91 + 2 * 3_600_000 + 7 * 60_000); // 02:07: not the purge hour
    expect(await count()).toBe(1);
    // Outside its hour the task has nothing to run, which is not a failure.
    expect(errors.mock.calls.flat().join("\n")).not.toContain("maintenance failed");
    errors.mockRestore();
    await runCron(Date.UTC(2026, 2, 31, 3, 7)); // 03:07 on day 89: still within 90 days
    expect(await count()).toBe(1);
    await runCron(day91 + 3 * 3_600_000 + 7 * 60_000); // 03:07 on day 91
    expect(await count()).toBe(0);
  });

  it("keeps running the other tasks when one fails", async () => {
    const broken = {
      name: "broken",
      statements: (db: D1Database) => [db.prepare("SELECT * FROM no_such_table")],
    };
    const modules = [{ name: "broken", maintenance: [broken] }, ...registeredModules()];
    {
      const user = await registerUser();
      await post(
        "/api/v1/auth/login",
        { identifier: user.username, password: "wrong-password-1" },
        { ip: freshIp() },
      );
      await runScheduled(env, Date.now() + 91 * DAY, "7 * * * *", modules);
      const left = await env.DB.prepare("SELECT count(*) AS n FROM login_history WHERE user_id = ?")
        .bind(user.id)
        .first<{ n: number }>();
      expect(left!.n).toBe(0);
    }
  });
});
