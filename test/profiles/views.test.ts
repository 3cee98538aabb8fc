import { describe, expect, it } from "vitest";
import { advanceClockForTests, DAY } from "../../src/platform/clock";
import { get } from "../support/http";
import { blockRow, eventually, setUserStatus, signInAgain, viewRows } from "../support/profiles";
import { createUser } from "../support/users";

const view = (ref: string, token?: string) => get(`/api/v1/profiles/${ref}`, { token });

describe("profile views", () => {
  it("records one view per viewer per UTC day, never the owner's or an anonymous one", async () => {
    const [owner, a, b] = [await createUser(), await createUser(), await createUser()];
    await view(owner.username, owner.token);
    await view(owner.username);
    await view(owner.username, a.token);
    await view(owner.username, a.token);
    await view(owner.id, a.token);
    await view(owner.username, b.token);
    // A view is recorded in the request's background work, which call() waits for (support/worker.ts):
    // whatever these requests were going to record is in D1 now, duplicates included.
    const after = await viewRows(owner);
    expect(after.rows).toHaveLength(2);
    expect(after.viewCount).toBe(2);
    expect(after.rows.map((r) => r.viewer_id).sort()).toEqual([a.id, b.id].sort());

    advanceClockForTests(DAY);
    await view(owner.username, await signInAgain(a));
    const nextDay = await viewRows(owner);
    expect(nextDay.viewCount).toBe(3);
    expect(nextDay.rows).toHaveLength(3);
  });

  it("keeps the counter exact when the same viewer loads a profile many times at once", async () => {
    const [owner, viewer] = [await createUser(), await createUser()];
    const loads = await Promise.all(Array.from({ length: 8 }, () => view(owner.username, viewer.token)));
    expect(loads.map((r) => r.status)).toEqual(loads.map(() => 200));
    // Every load's background work (recording the view) has finished: see the first test.
    const after = await viewRows(owner);
    expect(after.rows).toHaveLength(1);
    expect(after.viewCount).toBe(1);
  });

  it("shows the owner counts and recent viewers, newest first, hiding blocked and deleted members", async () => {
    const [owner, first, second, blocked, gone] = [
      await createUser(),
      await createUser(),
      await createUser(),
      await createUser(),
      await createUser(),
    ];
    for (const viewer of [first, blocked, gone, second]) {
      await view(owner.username, viewer.token);
      advanceClockForTests(1000);
    }
    await eventually(
      () => viewRows(owner),
      (v) => v.viewCount >= 4,
    );
    await blockRow(owner, blocked);
    await setUserStatus(gone, "DELETED");

    const res = await get("/api/v1/profiles/me/views", { token: owner.token });
    expect(res.status).toBe(200);
    expect(res.body.total).toBe(4);
    expect(res.body.last90Days).toBe(4);
    expect(res.body.recentViewers.map((v: { user: { id: string } }) => v.user.id)).toEqual([
      second.id,
      first.id,
    ]);
    expect(res.body.recentViewers[0].user).toEqual({
      id: second.id,
      username: second.username,
      displayName: second.displayName,
      headline: null,
      avatarUrl: null,
    });
    expect(res.body.recentViewers[0].viewedAt).toMatch(/^\d{4}-/);

    // Views older than 90 days leave the window but stay in the all-time total.
    advanceClockForTests(91 * DAY);
    const later = await get("/api/v1/profiles/me/views", { token: await signInAgain(owner) });
    expect(later.body).toMatchObject({ total: 4, last90Days: 0, recentViewers: [] });
  });

  it("does not record a view of a member hidden by a block", async () => {
    const [owner, blocked] = [await createUser(), await createUser()];
    await blockRow(owner, blocked);
    expect((await view(owner.username, blocked.token)).status).toBe(404);
    // The request and its background work are over (support/worker.ts): nothing was recorded.
    expect((await viewRows(owner)).viewCount).toBe(0);
  });

  it("requires sign-in for /me/views", async () => {
    expect((await get("/api/v1/profiles/me/views")).status).toBe(401);
    expect((await get("/api/v1/profiles/me/views", { token: "garbage" })).status).toBe(401);
  });
});
