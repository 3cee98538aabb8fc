import { describe, expect, it } from "vitest";
import { runScheduled } from "../../src/core/cron";
import { advanceClockForTests, DAY, MINUTE, systemClock } from "../../src/platform/clock";
import { block, connect, follow, waitForDomainEvent } from "../support/graph";
import { del, env, get, post } from "../support/http";
import { createUser, type TestUser } from "../support/users";
import { expectCounters, ids, members, NOBODY, setPrivacy, setStatus } from "./helpers";

const ask = (from: TestUser, to: TestUser, note?: string) =>
  post(
    "/api/v1/connections/requests",
    { userId: to.id, ...(note === undefined ? {} : { note }) },
    { token: from.token },
  );
const accept = (by: TestUser, id: string) =>
  post(`/api/v1/connections/requests/${id}/accept`, undefined, { token: by.token });
const incoming = (u: TestUser) => get("/api/v1/connections/requests?direction=incoming", { token: u.token });
const outgoing = (u: TestUser) => get("/api/v1/connections/requests?direction=outgoing", { token: u.token });
const requestIds = (page: { data: { id: string }[] }) => page.data.map((r) => r.id);

/** After moving the clock past the 15-minute access token, members sign in again. */
async function signInAgain(user: TestUser): Promise<TestUser> {
  const res = await post(
    "/api/v1/auth/login",
    { identifier: user.username, password: user.password },
    { ip: user.ip },
  );
  expect(res.status).toBe(200);
  return { ...user, token: res.body.accessToken };
}

describe("POST /api/v1/connections/requests", () => {
  it("sends a request with a note that both sides see, and tells the addressee", async () => {
    const [a, b] = await members(2);
    const res = await ask(a, b, "  مرحباً، لنتواصل \u202E ");
    expect(res.status).toBe(201);
    const request = res.body.request;
    expect(res.body.connection).toBeNull();
    expect(request).toMatchObject({ direction: "OUTGOING", status: "PENDING", note: "مرحباً، لنتواصل" });
    expect(request.user).toMatchObject({ id: b.id, username: b.username });
    expect(Date.parse(request.expiresAt) - Date.parse(request.createdAt)).toBe(30 * DAY);

    const inbox = await incoming(b);
    expect(inbox.body.data).toHaveLength(1);
    expect(inbox.body.data[0]).toMatchObject({
      id: request.id,
      direction: "INCOMING",
      note: "مرحباً، لنتواصل",
    });
    expect(inbox.body.data[0].user.id).toBe(a.id);
    expect(requestIds((await outgoing(a)).body)).toEqual([request.id]);
    expect((await incoming(a)).body.data).toEqual([]);
    await waitForDomainEvent(`connection_request:${request.id}`);
  });

  it("answers 409 REQUEST_PENDING to a second request for the same pair", async () => {
    const [a, b] = await members(2);
    expect((await ask(a, b)).status).toBe(201);
    const again = await ask(a, b);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe("REQUEST_PENDING");
    expect((await incoming(b)).body.data).toHaveLength(1);
  });

  it("connects at once when the other member had already asked (A→B and B→A are one pair)", async () => {
    const [a, b] = await members(2);
    const first = await ask(a, b);
    const reverse = await ask(b, a);
    expect(reverse.status).toBe(200);
    expect(reverse.body.request).toMatchObject({
      id: first.body.request.id,
      status: "ACCEPTED",
      direction: "INCOMING",
    });
    expect(reverse.body.connection.user.id).toBe(a.id);
    await expectCounters(a, { connections: 1, followers: 1, following: 1 });
    await expectCounters(b, { connections: 1, followers: 1, following: 1 });
    expect((await incoming(b)).body.data).toEqual([]);
    expect((await outgoing(a)).body.data).toEqual([]);
  });

  it("answers 409 ALREADY_CONNECTED once connected", async () => {
    const [a, b] = await members(2);
    await connect(a, b);
    for (const [from, to] of [
      [a, b],
      [b, a],
    ] as const) {
      const res = await ask(from, to);
      expect(res.status).toBe(409);
      expect(res.body.error.code).toBe("ALREADY_CONNECTED");
    }
  });

  it("refuses yourself (400), and unknown, deleted or blocked members (404)", async () => {
    const [a, gone, blocker, blocked] = await members(4);
    const self = await ask(a, a);
    expect(self.status).toBe(400);
    expect(self.body.error.code).toBe("CANNOT_TARGET_SELF");
    await setStatus(gone, "DELETED");
    await block(blocker, a);
    await block(a, blocked);
    for (const userId of [NOBODY, gone.id, blocker.id, blocked.id]) {
      const res = await post("/api/v1/connections/requests", { userId }, { token: a.token });
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe("NOT_FOUND");
    }
    expect((await outgoing(a)).body.data).toEqual([]);
  });

  it.each([
    ["a note over 200 characters", { note: "x".repeat(201) }],
    ["a note that is not text", { note: 5 }],
    ["a malformed userId", { userId: "abc" }],
    ["an unknown field", { message: "hi" }],
  ])("answers 400 for %s", async (_label, patch) => {
    const [a, b] = await members(2);
    const res = await post("/api/v1/connections/requests", { userId: b.id, ...patch }, { token: a.token });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("VALIDATION_ERROR");
  });

  it("accepts a note of exactly 200 characters (after stripping control characters)", async () => {
    const [a, b] = await members(2);
    const res = await ask(a, b, `\u202E${"ن".repeat(200)}\u0000`);
    expect(res.status).toBe(201);
    expect(res.body.request.note).toHaveLength(200);
  });

  it("lets exactly one of several crossing requests win", async () => {
    const [a, b] = await members(2);
    const results = await Promise.all([ask(a, b), ask(b, a), ask(a, b), ask(b, a), ask(a, b)]);
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.every((s) => [200, 201, 409].includes(s))).toBe(true);
    await expectCounters(a);
    await expectCounters(b);
    const { connections } = (await env.DB.prepare(
      "SELECT connection_count AS connections FROM profiles WHERE user_id = ?",
    )
      .bind(a.id)
      .first<{ connections: number }>())!;
    expect(connections).toBeLessThanOrEqual(1);
  });

  it("answers 429 after 100 requests a day", async () => {
    const [a, b] = await members(2);
    for (let i = 0; i < 100; i++) expect([201, 409]).toContain((await ask(a, b)).status);
    const refused = await ask(a, b);
    expect(refused.status).toBe(429);
    expect(refused.headers.get("retry-after")).toBeTruthy();
  });
});

describe("POST /api/v1/connections/requests/{id}/accept", () => {
  it("connects both members, counts it once each, makes them follow each other and tells the requester", async () => {
    const [a, b] = await members(2);
    const { body } = await ask(a, b);
    const res = await accept(b, body.request.id);
    expect(res.status).toBe(200);
    expect(res.body.request).toMatchObject({ id: body.request.id, status: "ACCEPTED" });
    expect(res.body.connection.user.id).toBe(a.id);
    await expectCounters(a, { connections: 1, followers: 1, following: 1 });
    await expectCounters(b, { connections: 1, followers: 1, following: 1 });
    const list = await get("/api/v1/connections", { token: a.token });
    expect(ids(list.body)).toEqual([b.id]);
    expect(Date.parse(list.body.data[0].connectedAt)).not.toBeNaN();
    expect(ids((await get("/api/v1/connections", { token: b.token })).body)).toEqual([a.id]);
    await waitForDomainEvent(`connection_accepted:${body.request.id}`);
  });

  it("keeps an existing follow and counts the new one only", async () => {
    const [a, b] = await members(2);
    await follow(a, b);
    await connect(a, b);
    await expectCounters(a, { following: 1, followers: 1, connections: 1 });
    await expectCounters(b, { following: 1, followers: 1, connections: 1 });
  });

  it("answers 404 to the requester, to a third member and for an unknown id", async () => {
    const [a, b, c] = await members(3);
    const { body } = await ask(a, b);
    for (const [who, id] of [
      [a, body.request.id],
      [c, body.request.id],
      [b, NOBODY],
      [b, "x".repeat(64)],
    ] as const) {
      const res = await accept(who, id);
      expect(res.status).toBe(404);
    }
    expect(
      (await post(`/api/v1/connections/requests/${"x".repeat(65)}/accept`, undefined, { token: b.token }))
        .status,
    ).toBe(400);
    await expectCounters(a, { connections: 0 });
  });

  it("answers 409 ALREADY_CONNECTED to a second accept, also when accepts race", async () => {
    const [a, b] = await members(2);
    const { body } = await ask(a, b);
    const results = await Promise.all(Array.from({ length: 6 }, () => accept(b, body.request.id)));
    expect(results.map((r) => r.status).sort()).toEqual([200, 409, 409, 409, 409, 409]);
    await expectCounters(a, { connections: 1, followers: 1, following: 1 });
    await expectCounters(b, { connections: 1, followers: 1, following: 1 });
    const rows = await env.DB.prepare("SELECT COUNT(*) AS n FROM connections WHERE user_id IN (?, ?)")
      .bind(a.id, b.id)
      .first<{ n: number }>();
    expect(rows?.n).toBe(2);
  });

  it("answers 404 for a withdrawn request", async () => {
    const [a, b] = await members(2);
    const { body } = await ask(a, b);
    expect(
      (await del(`/api/v1/connections/requests/${body.request.id}`, undefined, { token: a.token })).status,
    ).toBe(204);
    expect((await accept(b, body.request.id)).status).toBe(404);
  });
});

describe("ignore and withdraw", () => {
  it("ignoring hides the request from the addressee but not from the requester, who cannot ask again", async () => {
    const [a, b] = await members(2);
    const { body } = await ask(a, b);
    const res = await post(`/api/v1/connections/requests/${body.request.id}/ignore`, undefined, {
      token: b.token,
    });
    expect(res.status).toBe(204);
    expect((await incoming(b)).body.data).toEqual([]);
    const mine = await outgoing(a);
    expect(mine.body.data).toHaveLength(1);
    expect(mine.body.data[0].status).toBe("PENDING");
    expect((await ask(a, b)).status).toBe(409);
    // Ignoring twice is fine; the requester cannot ignore.
    expect(
      (await post(`/api/v1/connections/requests/${body.request.id}/ignore`, undefined, { token: b.token }))
        .status,
    ).toBe(204);
    expect(
      (await post(`/api/v1/connections/requests/${body.request.id}/ignore`, undefined, { token: a.token }))
        .status,
    ).toBe(404);
    // The addressee may change their mind: asking back connects them.
    const back = await ask(b, a);
    expect(back.status).toBe(200);
    await expectCounters(a, { connections: 1 });
  });

  it("withdraws with POST .../withdraw or DELETE, requester only", async () => {
    const [a, b, c] = await members(3);
    const first = (await ask(a, b)).body.request.id;
    expect(
      (await post(`/api/v1/connections/requests/${first}/withdraw`, undefined, { token: b.token })).status,
    ).toBe(404);
    expect(
      (await post(`/api/v1/connections/requests/${first}/withdraw`, undefined, { token: c.token })).status,
    ).toBe(404);
    expect(
      (await post(`/api/v1/connections/requests/${first}/withdraw`, undefined, { token: a.token })).status,
    ).toBe(204);
    expect((await incoming(b)).body.data).toEqual([]);
    expect((await outgoing(a)).body.data).toEqual([]);
    // The pair is free again.
    const second = (await ask(a, b)).body.request.id;
    expect((await del(`/api/v1/connections/requests/${second}`, undefined, { token: a.token })).status).toBe(
      204,
    );
    expect((await del(`/api/v1/connections/requests/${second}`, undefined, { token: a.token })).status).toBe(
      204,
    );
    expect((await del(`/api/v1/connections/requests/${NOBODY}`, undefined, { token: a.token })).status).toBe(
      404,
    );
  });
});

describe("expiry after 30 days", () => {
  it("treats an expired request as gone everywhere, lets the pair ask again, and the cron marks it EXPIRED", async () => {
    let [a, b] = await members(2);
    const old = (await ask(a, b, "old")).body.request.id;
    advanceClockForTests(30 * DAY + MINUTE);
    a = await signInAgain(a);
    b = await signInAgain(b);
    expect((await incoming(b)).body.data).toEqual([]);
    expect((await outgoing(a)).body.data).toEqual([]);
    expect((await accept(b, old)).status).toBe(404);
    const fresh = await ask(a, b, "new");
    expect(fresh.status).toBe(201);
    expect(requestIds((await incoming(b)).body)).toEqual([fresh.body.request.id]);

    const other = await createUser();
    await ask(other, b);
    advanceClockForTests(30 * DAY + MINUTE);
    await runScheduled(env, systemClock.now(), "test");
    const rows = await env.DB.prepare(
      "SELECT id, status FROM connection_requests WHERE addressee_id = ? ORDER BY id",
    )
      .bind(b.id)
      .all<{ id: string; status: string }>();
    expect(rows.results.map((r) => r.status)).toEqual(["EXPIRED", "EXPIRED", "EXPIRED"]);
  });
});

describe("GET /api/v1/connections/requests", () => {
  it("pages newest first and defaults to incoming", async () => {
    const target = await createUser();
    const askers = await members(3);
    const sent: string[] = [];
    for (const u of askers) sent.push((await ask(u, target)).body.request.id);
    const first = await get("/api/v1/connections/requests?limit=2", { token: target.token });
    expect(requestIds(first.body)).toEqual([sent[2], sent[1]]);
    const rest = await get(`/api/v1/connections/requests?limit=2&cursor=${first.body.nextCursor}`, {
      token: target.token,
    });
    expect(requestIds(rest.body)).toEqual([sent[0]]);
    expect(rest.body.nextCursor).toBeNull();
  });

  it("hides requests from members who have been deleted", async () => {
    const [a, b] = await members(2);
    await ask(a, b);
    await setStatus(a, "DELETED");
    expect((await incoming(b)).body.data).toEqual([]);
  });

  it("answers 400 for an unknown direction or bad cursor", async () => {
    const a = await createUser();
    expect((await get("/api/v1/connections/requests?direction=sideways", { token: a.token })).status).toBe(
      400,
    );
    expect((await get("/api/v1/connections/requests?cursor=%%%", { token: a.token })).status).toBe(400);
  });
});

describe("GET /api/v1/connections and DELETE /api/v1/connections/{userId}", () => {
  it("pages connections newest first and shows another member's when allowed", async () => {
    const [owner, x, y, z, stranger] = await members(5);
    for (const u of [x, y, z]) await connect(owner, u);
    const first = await get("/api/v1/connections?limit=2", { token: owner.token });
    expect(ids(first.body)).toEqual([z.id, y.id]);
    const second = await get(`/api/v1/connections?limit=2&cursor=${first.body.nextCursor}`, {
      token: owner.token,
    });
    expect(ids(second.body)).toEqual([x.id]);

    const theirs = await get(`/api/v1/connections?userId=${owner.id}`, { token: stranger.token });
    expect(theirs.status).toBe(200);
    expect(ids(theirs.body)).toEqual([z.id, y.id, x.id]);
    await setPrivacy(owner, { showConnections: false });
    expect((await get(`/api/v1/connections?userId=${owner.id}`, { token: stranger.token })).status).toBe(403);
    await setPrivacy(owner, { showConnections: true, visibility: "CONNECTIONS" });
    expect((await get(`/api/v1/connections?userId=${owner.id}`, { token: stranger.token })).status).toBe(403);
    expect((await get(`/api/v1/connections?userId=${owner.id}`, { token: x.token })).status).toBe(200);
    await block(y, stranger);
    await setPrivacy(owner, { visibility: "PUBLIC" });
    // y blocked the viewer: y is left out of the owner's list for that viewer only.
    expect(
      ids((await get(`/api/v1/connections?userId=${owner.id}`, { token: stranger.token })).body),
    ).toEqual([z.id, x.id]);
    await block(owner, stranger);
    expect((await get(`/api/v1/connections?userId=${owner.id}`, { token: stranger.token })).status).toBe(404);
  });

  it("removes a connection for both, keeps the follows, and is idempotent", async () => {
    const [a, b] = await members(2);
    await connect(a, b);
    const res = await del(`/api/v1/connections/${b.id}`, undefined, { token: a.token });
    expect(res.status).toBe(204);
    await expectCounters(a, { connections: 0, following: 1, followers: 1 });
    await expectCounters(b, { connections: 0, following: 1, followers: 1 });
    expect((await get("/api/v1/connections", { token: b.token })).body.data).toEqual([]);
    expect((await del(`/api/v1/connections/${b.id}`, undefined, { token: a.token })).status).toBe(204);
    await expectCounters(a, { connections: 0 });
    // They can connect again.
    await connect(b, a);
    await expectCounters(a, { connections: 1, following: 1 });
  });

  it("keeps counts exact when removals race", async () => {
    const [a, b] = await members(2);
    await connect(a, b);
    await Promise.all([
      ...Array.from({ length: 4 }, () => del(`/api/v1/connections/${b.id}`, undefined, { token: a.token })),
      ...Array.from({ length: 4 }, () => del(`/api/v1/connections/${a.id}`, undefined, { token: b.token })),
    ]);
    await expectCounters(a, { connections: 0 });
    await expectCounters(b, { connections: 0 });
  });

  it("answers 400 for yourself or a malformed id", async () => {
    const a = await createUser();
    expect((await del(`/api/v1/connections/${a.id}`, undefined, { token: a.token })).body.error.code).toBe(
      "CANNOT_TARGET_SELF",
    );
    expect((await del("/api/v1/connections/nope", undefined, { token: a.token })).status).toBe(400);
  });
});
