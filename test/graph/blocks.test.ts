import { describe, expect, it } from "vitest";
import { block, connect, follow } from "../support/graph";
import { del, get, post } from "../support/http";
import { createUser, type TestUser } from "../support/users";
import { expectCounters, ids, members, NOBODY, setStatus } from "./helpers";

const blockUser = (by: TestUser, userId: string) =>
  post(`/api/v1/users/${userId}/block`, undefined, { token: by.token });

describe("POST /api/v1/users/{id}/block", () => {
  it("removes follows and the connection both ways with exact counters, and hides each from the other", async () => {
    const [a, b, c] = await members(3);
    await connect(a, b); // connected, and following each other
    await follow(c, a);
    await follow(c, b);
    const res = await blockUser(a, b.id);
    expect(res.status).toBe(201);
    expect(res.body.userId).toBe(b.id);
    expect(Date.parse(res.body.blockedAt)).not.toBeNaN();
    await expectCounters(a, { connections: 0, followers: 1, following: 0 });
    await expectCounters(b, { connections: 0, followers: 1, following: 0 });
    await expectCounters(c, { following: 2 });

    // Each side is now 404 for the other: profile, follow, connect, lists.
    for (const [viewer, other] of [
      [a, b],
      [b, a],
    ] as const) {
      expect((await get(`/api/v1/profiles/${other.username}`, { token: viewer.token })).status).toBe(404);
      expect((await post("/api/v1/follow", { userId: other.id }, { token: viewer.token })).status).toBe(404);
      expect(
        (await post("/api/v1/connections/requests", { userId: other.id }, { token: viewer.token })).status,
      ).toBe(404);
      expect((await get(`/api/v1/connections?userId=${other.id}`, { token: viewer.token })).status).toBe(404);
    }
    // A third member's lists no longer show one to the other.
    expect(ids((await get(`/api/v1/follow/following?userId=${c.id}`, { token: b.token })).body)).toEqual([
      b.id,
    ]);
    expect(
      ids((await get(`/api/v1/follow/following?userId=${c.id}`, { token: c.token })).body).sort(),
    ).toEqual([a.id, b.id].sort());
  });

  it("removes any open request between them, in either direction", async () => {
    const [a, b, c] = await members(3);
    await post("/api/v1/connections/requests", { userId: b.id }, { token: a.token });
    await post("/api/v1/connections/requests", { userId: a.id }, { token: c.token });
    await blockUser(b, a.id);
    await blockUser(a, c.id);
    expect((await get("/api/v1/connections/requests", { token: b.token })).body.data).toEqual([]);
    expect(
      (await get("/api/v1/connections/requests?direction=outgoing", { token: a.token })).body.data,
    ).toEqual([]);
    expect(
      (await get("/api/v1/connections/requests?direction=outgoing", { token: c.token })).body.data,
    ).toEqual([]);
  });

  it("is idempotent: blocking again answers 200 with the original time", async () => {
    const [a, b] = await members(2);
    const first = await blockUser(a, b.id);
    const again = await blockUser(a, b.id);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect(ids((await get("/api/v1/users/blocked", { token: a.token })).body)).toEqual([b.id]);
  });

  it("lets a member who was blocked block back (no hint of the first block)", async () => {
    const [a, b] = await members(2);
    await block(a, b);
    const res = await blockUser(b, a.id);
    expect(res.status).toBe(201);
    // Unblocking on one side keeps both hidden while the other block stands.
    expect((await del(`/api/v1/users/${b.id}/block`, undefined, { token: a.token })).status).toBe(204);
    expect((await post("/api/v1/follow", { userId: b.id }, { token: a.token })).status).toBe(404);
  });

  it("answers 400 for yourself or a malformed id and 404 for an unknown or deleted member", async () => {
    const [a, gone] = await members(2);
    const self = await blockUser(a, a.id);
    expect(self.status).toBe(400);
    expect(self.body.error.code).toBe("CANNOT_TARGET_SELF");
    expect((await blockUser(a, "not-an-id")).status).toBe(400);
    expect((await blockUser(a, NOBODY)).status).toBe(404);
    await setStatus(gone, "DELETED");
    expect((await blockUser(a, gone.id)).status).toBe(404);
    expect((await get("/api/v1/users/blocked", { token: a.token })).body.data).toEqual([]);
  });

  it("keeps counters exact when a block races follows and connection requests", async () => {
    const [a, b] = await members(2);
    const fans = await members(4);
    const [blocked, bFollows, aFollows, asks, ...fanFollows] = await Promise.all([
      blockUser(a, b.id),
      post("/api/v1/follow", { userId: a.id }, { token: b.token }),
      post("/api/v1/follow", { userId: b.id }, { token: a.token }),
      post("/api/v1/connections/requests", { userId: a.id }, { token: b.token }),
      ...fans.map((f) => post("/api/v1/follow", { userId: a.id }, { token: f.token })),
    ]);
    // Each racer either got in before the block (201) or was refused by it (404): never a 5xx.
    expect(blocked.status).toBe(201);
    for (const r of [bFollows, aFollows, asks]) expect([201, 404]).toContain(r.status);
    expect(fanFollows.map((r) => r.status)).toEqual(fans.map(() => 201));
    // Whatever the order, the block wins in the end: nothing links them, and the counts match the rows.
    await blockUser(a, b.id);
    await expectCounters(a, { following: 0, followers: 4, connections: 0 });
    await expectCounters(b, { following: 0, followers: 0, connections: 0 });
    expect((await get("/api/v1/connections/requests", { token: a.token })).body.data).toEqual([]);
  });

  it("answers 429 after 10 blocks a day", async () => {
    const [a, b] = await members(2);
    for (let i = 0; i < 10; i++) expect([200, 201]).toContain((await blockUser(a, b.id)).status);
    const refused = await blockUser(a, b.id);
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe("RATE_LIMITED");
  });
});

describe("DELETE /api/v1/users/{id}/block", () => {
  it("unblocks without restoring what the block removed, and is idempotent", async () => {
    const [a, b] = await members(2);
    await connect(a, b);
    await block(a, b);
    const res = await del(`/api/v1/users/${b.id}/block`, undefined, { token: a.token });
    expect(res.status).toBe(204);
    expect((await get("/api/v1/users/blocked", { token: a.token })).body.data).toEqual([]);
    await expectCounters(a, { connections: 0, followers: 0, following: 0 });
    expect((await get(`/api/v1/profiles/${b.username}`, { token: a.token })).status).toBe(200);
    await follow(b, a);
    await expectCounters(a, { followers: 1 });
    expect((await del(`/api/v1/users/${b.id}/block`, undefined, { token: a.token })).status).toBe(204);
    expect((await del(`/api/v1/users/${a.id}/block`, undefined, { token: a.token })).status).toBe(400);
  });
});

describe("GET /api/v1/users/blocked", () => {
  it("lists the members you blocked, most recent first, page by page; not those who blocked you", async () => {
    const me = await createUser();
    const others = await members(3);
    for (const o of others) await block(me, o);
    const blocker = await createUser();
    await block(blocker, me);
    const first = await get("/api/v1/users/blocked?limit=2", { token: me.token });
    expect(first.status).toBe(200);
    expect(ids(first.body)).toEqual([others[2].id, others[1].id]);
    expect(first.body.data[0].user.username).toBe(others[2].username);
    const rest = await get(`/api/v1/users/blocked?limit=2&cursor=${first.body.nextCursor}`, {
      token: me.token,
    });
    expect(ids(rest.body)).toEqual([others[0].id]);
    expect(rest.body.nextCursor).toBeNull();
    expect((await get("/api/v1/users/blocked?cursor=abc", { token: me.token })).status).toBe(400);
  });
});
