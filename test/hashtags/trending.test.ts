import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { runScheduled } from "../../src/core/cron";
import { advanceClockForTests, DAY, systemClock } from "../../src/platform/clock";
import { get } from "../support/http";
import { createPost } from "../support/posts";
import { signInAgain } from "../support/profiles";
import { createUser } from "../support/users";

/** This file owns every hashtag in its storage, so the trending list is exactly what it creates. */
describe("GET /api/v1/hashtags/trending", () => {
  it("ranks by 0.5 × uses 24 h + 0.3 × 7 d + 0.2 × 30 d, recomputed by the hourly cron", async () => {
    const user = await createUser();
    let token = user.token;
    const postWith = (tags: string[]) =>
      createPost({ ...user, token }, { content: tags.map((t) => `#${t}`).join(" ") });
    // t0: "old" used 12 times; 17 days later "week" 6 times; 3 days later "today" twice.
    for (let i = 0; i < 12; i++) await postWith(["old"]);
    advanceClockForTests(17 * DAY);
    token = await signInAgain(user);
    for (let i = 0; i < 6; i++) await postWith(["week"]);
    advanceClockForTests(3 * DAY);
    token = await signInAgain(user);
    await postWith(["today", "TODAY"]);
    await postWith(["today"]);

    const before = await get("/api/v1/hashtags/trending");
    expect(before.body).toEqual({ data: [], computedAt: null });

    await runScheduled(env, systemClock.now(), "7 * * * *");
    const res = await get("/api/v1/hashtags/trending");
    expect(res.status).toBe(200);
    expect(
      res.body.data.map(
        (t: { tag: string; score: number; uses24h: number; uses7d: number; uses30d: number }) => [
          t.tag,
          Number(t.score.toFixed(6)),
          t.uses24h,
          t.uses7d,
          t.uses30d,
        ],
      ),
    ).toEqual([
      ["week", 3.0, 0, 6, 6], // 0.3 × 6 + 0.2 × 6
      ["old", 2.4, 0, 0, 12], // 0.2 × 12
      ["today", 2.0, 2, 2, 2], // (0.5 + 0.3 + 0.2) × 2
    ]);
    expect(res.body.computedAt).not.toBeNull();
    expect(res.headers.get("etag")).toBeTruthy();
    const limited = await get("/api/v1/hashtags/trending?limit=1", { token });
    expect(limited.body.data.map((t: { tag: string }) => t.tag)).toEqual(["week"]);
    expect(limited.headers.get("cache-control")).toBe("no-store");

    // Eleven days on, "old" is past 30 days and drops out.
    advanceClockForTests(11 * DAY);
    await runScheduled(env, systemClock.now(), "7 * * * *");
    const later = await get("/api/v1/hashtags/trending");
    expect(later.body.data.map((t: { tag: string }) => t.tag)).toEqual(["week", "today"]);
    expect((await get("/api/v1/hashtags/trending?limit=0")).status).toBe(400);
  });
});
