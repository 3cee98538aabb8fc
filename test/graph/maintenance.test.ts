import { describe, expect, it } from "vitest";
import { runScheduled } from "../../src/core/cron";
import { DAY, systemClock } from "../../src/platform/clock";
import { block, connect, follow } from "../support/graph";
import { env, post } from "../support/http";
import { expectCounters, members } from "./helpers";

describe("maintenance: purging a deleted account's graph", () => {
  it("removes its follows, connections, requests and blocks, and the others' counters stay exact", async () => {
    const [doomed, fan, friend, idol, asker, blocker] = await members(6);
    await follow(fan, doomed);
    await connect(friend, doomed); // also mutual follows
    await follow(doomed, idol);
    await post("/api/v1/connections/requests", { userId: doomed.id }, { token: asker.token });
    await block(blocker, doomed);
    await follow(fan, friend);

    const now = systemClock.now();
    await env.DB.prepare("UPDATE users SET status = 'DELETED', deleted_at = ? WHERE id = ?")
      .bind(now - 31 * DAY, doomed.id)
      .run();
    await runScheduled(env, now, "test");

    await expectCounters(fan, { following: 1 });
    await expectCounters(friend, { connections: 0, followers: 1, following: 0 });
    await expectCounters(idol, { followers: 0 });
    const left = await env.DB.prepare(
      `SELECT (SELECT COUNT(*) FROM follows WHERE follower_id = ?1 OR target_id = ?1)
        + (SELECT COUNT(*) FROM connections WHERE user_id = ?1 OR other_id = ?1)
        + (SELECT COUNT(*) FROM connection_requests WHERE requester_id = ?1 OR addressee_id = ?1)
        + (SELECT COUNT(*) FROM blocks WHERE blocker_id = ?1 OR blocked_id = ?1) AS n`,
    )
      .bind(doomed.id)
      .first<{ n: number }>();
    expect(left?.n).toBe(0);
    expect(await env.DB.prepare("SELECT 1 FROM users WHERE id = ?").bind(doomed.id).first()).toBeNull();
  });

  it("leaves accounts deleted less than 30 days ago alone", async () => {
    const [recent, fan] = await members(2);
    await follow(fan, recent);
    const now = systemClock.now();
    await env.DB.prepare("UPDATE users SET status = 'DELETED', deleted_at = ? WHERE id = ?")
      .bind(now - 5 * DAY, recent.id)
      .run();
    await runScheduled(env, now, "test");
    await expectCounters(fan, { following: 1 });
  });
});
