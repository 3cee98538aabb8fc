import { describe, expect, it } from "vitest";
import { block, connect, follow, graphRows, waitForDomainEvent } from "../support/graph";
import { call, del, get, post } from "../support/http";
import { createUser, createUsers } from "../support/users";
import { expectCounters, ids, members, NOBODY, setPrivacy, setStatus } from "./helpers";

describe("POST /api/v1/follow", () => {
  it("follows a member, counts it on both profiles and tells the followed member", async () => {
    const [a, b] = await members(2);
    const res = await post("/api/v1/follow", { userId: b.id }, { token: a.token });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ type: "USER", targetId: b.id });
    expect(res.body.followId).toMatch(/^[0-9A-Z]{26}$/);
    expect(Date.parse(res.body.createdAt)).not.toBeNaN();
    await expectCounters(a, { following: 1, followers: 0 });
    await expectCounters(b, { followers: 1, following: 0 });
    await waitForDomainEvent(`follow:${a.id}:${b.id}`);
  });

  it("answers 409 ALREADY_EXISTS to a second follow and counts it once", async () => {
    const [a, b] = await members(2);
    await follow(a, b);
    const again = await post("/api/v1/follow", { userId: b.id }, { token: a.token });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe("ALREADY_EXISTS");
    await expectCounters(b, { followers: 1 });
  });

  it("refuses to follow yourself", async () => {
    const a = await createUser();
    const res = await post("/api/v1/follow", { userId: a.id }, { token: a.token });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("CANNOT_TARGET_SELF");
    await expectCounters(a, { followers: 0, following: 0 });
  });

  it("answers 404 for an unknown, deleted or suspended member", async () => {
    const [a, gone, suspended] = await members(3);
    await setStatus(gone, "DELETED");
    await setStatus(suspended, "SUSPENDED");
    for (const userId of [NOBODY, gone.id, suspended.id]) {
      const res = await post("/api/v1/follow", { userId }, { token: a.token });
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe("NOT_FOUND");
    }
    await expectCounters(a, { following: 0 });
  });

  it("answers 404 when either member blocked the other", async () => {
    const [a, b, c] = await members(3);
    await block(b, a); // b blocked a
    await block(a, c); // a blocked c
    for (const target of [b, c]) {
      const res = await post("/api/v1/follow", { userId: target.id }, { token: a.token });
      expect(res.status).toBe(404);
    }
    const back = await post("/api/v1/follow", { userId: a.id }, { token: b.token });
    expect(back.status).toBe(404);
    await expectCounters(a, { following: 0, followers: 0 });
  });

  it.each([
    ["no userId", {}],
    ["a number", { userId: 42 }],
    ["a malformed id", { userId: "not-an-id" }],
    ["an oversized id", { userId: "A".repeat(5000) }],
    ["an id with control characters", { userId: "01ARZ3NDEKTSV4RRFFQ69G5FA\u0000" }],
    ["a companyId (not supported yet)", { companyId: "01ARZ3NDEKTSV4RRFFQ69G5FAV" }],
    ["an extra field", { userId: NOBODY, hashtagId: "x" }],
  ])("answers 400 VALIDATION_ERROR for %s", async (_label, body) => {
    const a = await createUser();
    const res = await post("/api/v1/follow", body, { token: a.token });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("VALIDATION_ERROR");
  });

  it("answers 400 MALFORMED_JSON for a broken body", async () => {
    const a = await createUser();
    const res = await call("POST", "/api/v1/follow", {
      token: a.token,
      body: '{"userId": ',
      headers: { "content-type": "application/json" },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("MALFORMED_JSON");
  });

  it("keeps counters exact when many members follow and unfollow at once", async () => {
    const target = await createUser();
    const fans = await createUsers(12);
    const results = await Promise.all(
      fans.map((f) => post("/api/v1/follow", { userId: target.id }, { token: f.token })),
    );
    expect(results.every((r) => r.status === 201)).toBe(true);
    await expectCounters(target, { followers: 12 });

    // Half of them unfollow while the others try to follow again (409) and the same member races itself.
    const racer = fans[0]!;
    const [unfollows, again, racerFollows, racerUnfollows] = await Promise.all([
      Promise.all(
        fans.slice(0, 6).map((f) => del("/api/v1/follow", { userId: target.id }, { token: f.token })),
      ),
      Promise.all(
        fans.slice(6).map((f) => post("/api/v1/follow", { userId: target.id }, { token: f.token })),
      ),
      Promise.all(
        Array.from({ length: 6 }, () =>
          post("/api/v1/follow", { userId: target.id }, { token: racer.token }),
        ),
      ),
      Promise.all(
        Array.from({ length: 6 }, () => del("/api/v1/follow", { userId: target.id }, { token: racer.token })),
      ),
    ]);
    // Every answer is one the race allows (never a 5xx): unfollows are idempotent, follows of a member
    // already followed are 409.
    expect([...unfollows, ...racerUnfollows].map((r) => r.status)).toEqual(Array(12).fill(204));
    expect(again.map((r) => r.status)).toEqual(Array(6).fill(409));
    for (const r of racerFollows) expect([201, 409]).toContain(r.status);
    // Fans 1-5 left, 6-11 stayed; the racer follows or not, as its last write decided.
    const racerFollowing = (await graphRows(racer.id)).following;
    expect([0, 1]).toContain(racerFollowing);
    await expectCounters(target, { followers: 6 + racerFollowing });
    for (const f of fans) await expectCounters(f);
  });

  it("answers 429 with Retry-After after 50 follows in an hour", async () => {
    const [a, b] = await members(2);
    for (let i = 0; i < 50; i++) {
      const res = await post("/api/v1/follow", { userId: b.id }, { token: a.token });
      expect([201, 409]).toContain(res.status);
    }
    const refused = await post("/api/v1/follow", { userId: b.id }, { token: a.token });
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe("RATE_LIMITED");
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
  });
});

describe("DELETE /api/v1/follow", () => {
  it("unfollows, and is idempotent", async () => {
    const [a, b] = await members(2);
    await follow(a, b);
    const res = await del("/api/v1/follow", { userId: b.id }, { token: a.token });
    expect(res.status).toBe(204);
    await expectCounters(a, { following: 0 });
    await expectCounters(b, { followers: 0 });
    const again = await del("/api/v1/follow", { userId: b.id }, { token: a.token });
    expect(again.status).toBe(204);
    await expectCounters(b, { followers: 0 });
    const following = await get("/api/v1/follow/following", { token: a.token });
    expect(following.body.data).toEqual([]);
  });

  it("answers 400 without a valid userId", async () => {
    const a = await createUser();
    expect((await del("/api/v1/follow", {}, { token: a.token })).status).toBe(400);
    expect((await del("/api/v1/follow", { userId: "x" }, { token: a.token })).status).toBe(400);
  });
});

describe("GET /api/v1/follow/followers and /following", () => {
  it("lists member cards newest first, page by page", async () => {
    const target = await createUser();
    const fans = await createUsers(5);
    for (const f of fans) await follow(f, target);
    const first = await get("/api/v1/follow/followers?limit=2", { token: target.token });
    expect(first.status).toBe(200);
    expect(ids(first.body)).toEqual([fans[4]!.id, fans[3]!.id]);
    expect(first.body.data[0].user).toMatchObject({
      id: fans[4]!.id,
      username: fans[4]!.username,
      displayName: fans[4]!.displayName,
    });
    expect(first.body.data[0].user).toHaveProperty("avatarUrl");
    expect(Date.parse(first.body.data[0].followedAt)).not.toBeNaN();
    const second = await get(`/api/v1/follow/followers?limit=2&cursor=${first.body.nextCursor}`, {
      token: target.token,
    });
    expect(ids(second.body)).toEqual([fans[2]!.id, fans[1]!.id]);
    const third = await get(`/api/v1/follow/followers?limit=2&cursor=${second.body.nextCursor}`, {
      token: target.token,
    });
    expect(ids(third.body)).toEqual([fans[0]!.id]);
    expect(third.body.nextCursor).toBeNull();

    const following = await get("/api/v1/follow/following", { token: fans[0]!.token });
    expect(ids(following.body)).toEqual([target.id]);
  });

  it("hides deleted members and members blocked by the viewer from the lists", async () => {
    const [owner, viewer, gone, blocker, plain] = await members(5);
    for (const f of [gone, blocker, plain]) await follow(f, owner);
    await setStatus(gone, "DELETED");
    await block(blocker, viewer);
    const mine = await get("/api/v1/follow/followers", { token: owner.token });
    expect(ids(mine.body).sort()).toEqual([blocker.id, plain.id].sort());
    const theirs = await get(`/api/v1/follow/followers?userId=${owner.id}`, { token: viewer.token });
    expect(theirs.status).toBe(200);
    expect(ids(theirs.body)).toEqual([plain.id]);
  });

  it("shows another member's lists only when their privacy allows it", async () => {
    const [owner, stranger, friend, fan] = await members(4);
    await follow(fan, owner);
    await connect(owner, friend);
    const path = `/api/v1/follow/followers?userId=${owner.id}`;

    expect((await get(path, { token: stranger.token })).status).toBe(200);

    await setPrivacy(owner, { visibility: "CONNECTIONS" });
    const hidden = await get(path, { token: stranger.token });
    expect(hidden.status).toBe(403);
    expect(hidden.body.error.code).toBe("FORBIDDEN");
    const seen = await get(path, { token: friend.token });
    expect(seen.status).toBe(200);
    expect(ids(seen.body)).toContain(fan.id);

    await setPrivacy(owner, { visibility: "PUBLIC", showConnections: false });
    expect((await get(path, { token: stranger.token })).status).toBe(403);
    expect((await get(`/api/v1/follow/following?userId=${owner.id}`, { token: friend.token })).status).toBe(
      403,
    );
    // The owner always sees their own lists.
    expect((await get(path, { token: owner.token })).status).toBe(200);

    await setPrivacy(owner, { visibility: "PRIVATE", showConnections: true });
    expect((await get(path, { token: friend.token })).status).toBe(403);
  });

  it("answers 404 for a blocked, deleted or unknown member's lists", async () => {
    const [owner, viewer, gone] = await members(3);
    await block(owner, viewer);
    await setStatus(gone, "DELETED");
    for (const userId of [owner.id, gone.id, NOBODY]) {
      const res = await get(`/api/v1/follow/following?userId=${userId}`, { token: viewer.token });
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe("NOT_FOUND");
    }
  });

  it("answers 400 for a bad cursor, limit or userId", async () => {
    const a = await createUser();
    for (const query of ["cursor=garbage", "limit=0", "limit=101", "limit=abc", "userId=nope"]) {
      const res = await get(`/api/v1/follow/followers?${query}`, { token: a.token });
      expect(res.status).toBe(400);
    }
  });
});
