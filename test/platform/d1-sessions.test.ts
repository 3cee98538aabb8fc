import { afterEach, describe, expect, it, vi } from "vitest";
import { unsubscribeToken } from "../../src/modules/notifications/unsubscribe";
import { call, del, env, get, patch, post } from "../support/http";
import { createPost } from "../support/posts";
import { createUser } from "../support/users";

/**
 * D1 read replication through the Sessions API (src/platform/db/session.ts, `d1Session` in
 * src/platform/middleware.ts). Local D1 has no replicas, so "near the member" cannot be seen here; what can
 * be seen is the contract: where each request's session starts (the calls to `withSession` on the binding
 * the Worker is given), that every read path of a request goes through it (its answer carries a bookmark,
 * which a session only has after a query ran through it), and the header's rules.
 */
const BOOKMARK = /^[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{32}$/;
const bookmarkOf = (res: { headers: Headers }) => res.headers.get("x-d1-bookmark");
const notOlder = (later: string | null, earlier: string | null) => {
  expect(later).toMatch(BOOKMARK);
  expect(later!.localeCompare(earlier!)).toBeGreaterThanOrEqual(0);
};

/** The constraint or bookmark each request's session started from. */
function sessionStarts() {
  const spy = vi.spyOn(env.DB, "withSession");
  return () => spy.mock.calls.map((args) => args[0]);
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("D1 sessions: bookmarks", () => {
  it("a write answers with a bookmark, and a read that sends it back starts there and sees the write", async () => {
    const me = await createUser();
    const starts = sessionStarts();
    const write = await patch("/api/v1/profiles/me", { headline: "مهندسة برمجيات" }, { token: me.token });
    expect(write.status).toBe(200);
    const written = bookmarkOf(write);
    expect(written).toMatch(BOOKMARK);

    const read = await get("/api/v1/profiles/me", {
      token: me.token,
      headers: { "x-d1-bookmark": written! },
    });
    expect(read.status).toBe(200);
    expect(read.body.headline).toBe("مهندسة برمجيات");
    notOlder(bookmarkOf(read), written);
    // The write started on the primary; the read started at the client's bookmark, not anywhere.
    expect(starts()).toEqual(["first-primary", written]);
  });

  it("a read without a bookmark may start on any replica; every other method starts on the primary", async () => {
    const me = await createUser();
    const starts = sessionStarts();
    expect((await get("/api/v1/auth/me", { token: me.token })).status).toBe(200);
    const created = await post("/api/v1/posts", { content: "أول منشور" }, { token: me.token });
    expect(created.status).toBe(201);
    expect((await del(`/api/v1/posts/${created.body.id}`, undefined, { token: me.token })).status).toBe(204);
    expect(starts()).toEqual(["first-unconstrained", "first-primary", "first-primary"]);
  });

  it("every read path of a request goes through its session: drizzle, raw statements, compiled reads", async () => {
    const me = await createUser();
    const post = await createPost(me, { content: "منشور للقراءة", visibility: "PUBLIC" });
    // drizzle's relational query (auth), a compiled read over env.DB (a post), a keyset page (feed).
    for (const path of ["/api/v1/auth/me", `/api/v1/posts/${post.id}`, "/api/v1/feed?type=following"]) {
      const res = await get(path, { token: me.token });
      expect(res.status, path).toBe(200);
      // A session has a bookmark only once a query ran through it.
      expect(bookmarkOf(res), path).toMatch(BOOKMARK);
    }
  });

  it("the bookmark only moves forward: later answers never carry an older one", async () => {
    const me = await createUser();
    const first = await patch("/api/v1/profiles/me", { headline: "one" }, { token: me.token });
    const read = await get("/api/v1/profiles/me", {
      token: me.token,
      headers: { "x-d1-bookmark": bookmarkOf(first)! },
    });
    notOlder(bookmarkOf(read), bookmarkOf(first));
    const second = await patch(
      "/api/v1/profiles/me",
      { headline: "two" },
      { token: me.token, headers: { "x-d1-bookmark": bookmarkOf(read)! } },
    );
    expect(second.status).toBe(200);
    notOlder(bookmarkOf(second), bookmarkOf(read));
    // A request that queries nothing hands the client's bookmark back rather than none.
    const nothing = await get("/api/v1/nope", { headers: { "x-d1-bookmark": bookmarkOf(second)! } });
    expect(nothing.status).toBe(404);
    expect(bookmarkOf(nothing)).toBe(bookmarkOf(second));
  });
});

describe("D1 sessions: reads pinned to the primary", () => {
  it("the e-mail unsubscribe link, a GET that writes, checks the account on the primary", async () => {
    const me = await createUser();
    const token = await unsubscribeToken(env, me.id, "mention");
    const prepared = vi.spyOn(env.DB, "prepare");
    const res = await get(`/api/v1/notifications/unsubscribe?token=${token}`, { ip: me.ip });
    expect(res.status).toBe(200);
    const texts = prepared.mock.calls.map(([text]) => text);
    expect(texts.some((t) => t.includes('from "users"') && t.includes('"users"."id" = ?'))).toBe(true);
  });
});

describe("D1 sessions: a header that is not a bookmark", () => {
  const malformed = [
    "garbage",
    "first-primary",
    "first-unconstrained",
    "00000085-0000024C-00004C6D-8E61117BF38D7ADB71B934EBBF891683",
    "00000085-0000024c-00004c6d",
    "00000085-0000024c-00004c6d-8e61117bf38d7adb71b934ebbf891683-00",
    "00000085 0000024c 00004c6d 8e61117bf38d7adb71b934ebbf891683",
    "x".repeat(4000),
    "../../00000085-0000024c-00004c6d-8e61117bf38d7adb71b934ebbf",
  ];

  it("is refused with 400 INVALID_BOOKMARK in the envelope, in the caller's language, never a 5xx", async () => {
    const me = await createUser();
    for (const value of malformed) {
      for (const [method, path, body] of [
        ["GET", "/api/v1/auth/me", undefined],
        ["PATCH", "/api/v1/profiles/me", { headline: "x" }],
      ] as const) {
        const res = await call(method, path, {
          token: me.token,
          body,
          lang: "en",
          headers: { "x-d1-bookmark": value },
        });
        expect(res.status, `${method} ${value.slice(0, 40)}`).toBe(400);
        expect(res.body.error.code).toBe("INVALID_BOOKMARK");
        expect(res.body.error.message).toContain("x-d1-bookmark");
      }
    }
    const ar = await get("/api/v1/auth/me", {
      token: me.token,
      lang: "ar",
      headers: { "x-d1-bookmark": "bad" },
    });
    expect(ar.status).toBe(400);
    expect(ar.body.error.message).toMatch(/[\u0600-\u06FF]/);
    // Nothing was written by the refused PATCH.
    expect((await get("/api/v1/profiles/me", { token: me.token })).body.headline).not.toBe("x");
  });

  it("an empty header is no header, and surrounding spaces are not part of the bookmark", async () => {
    const me = await createUser();
    expect((await get("/api/v1/auth/me", { token: me.token, headers: { "x-d1-bookmark": "" } })).status).toBe(
      200,
    );
    const written = bookmarkOf(await patch("/api/v1/profiles/me", { headline: "h" }, { token: me.token }))!;
    const starts = sessionStarts();
    const padded = await get("/api/v1/auth/me", {
      token: me.token,
      headers: { "x-d1-bookmark": ` ${written} ` },
    });
    expect(padded.status).toBe(200);
    expect(starts()).toEqual([written]);
  });
});

describe("D1 sessions: browsers and the API document", () => {
  it("CORS lets a listed origin send the header and read it", async () => {
    const preflight = await call("OPTIONS", "/api/v1/auth/me", {
      headers: {
        origin: "http://localhost:5173",
        "access-control-request-method": "GET",
        "access-control-request-headers": "authorization, x-d1-bookmark",
      },
    });
    expect(preflight.headers.get("access-control-allow-headers")?.toLowerCase()).toContain("x-d1-bookmark");
    const me = await createUser();
    const res = await get("/api/v1/auth/me", {
      token: me.token,
      headers: { origin: "http://localhost:5173" },
    });
    expect(res.headers.get("access-control-expose-headers")?.toLowerCase()).toContain("x-d1-bookmark");
    expect(bookmarkOf(res)).toMatch(BOOKMARK);
  });

  it("documents the header once in the components, referred to by every API operation and answer", async () => {
    const doc = (await get("/openapi.json")).body;
    expect(doc.components.parameters.D1Bookmark).toMatchObject({ name: "x-d1-bookmark", in: "header" });
    expect(new RegExp(doc.components.headers.D1Bookmark.schema.pattern).source).toBe(BOOKMARK.source);
    let operations = 0;
    for (const [path, item] of Object.entries<Record<string, any>>(doc.paths)) {
      for (const [method, op] of Object.entries<any>(item)) {
        const refersToIt = op.parameters?.some(
          (p: { $ref?: string }) => p.$ref === "#/components/parameters/D1Bookmark",
        );
        if (!path.startsWith("/api/")) {
          expect(refersToIt, `${method} ${path}`).toBeFalsy();
          continue;
        }
        operations++;
        expect(refersToIt, `${method} ${path}`).toBe(true);
        expect(op.responses["400"], `${method} ${path}`).toBeDefined();
        for (const [status, response] of Object.entries<any>(op.responses)) {
          expect(response.headers?.["x-d1-bookmark"], `${method} ${path} ${status}`).toEqual({
            $ref: "#/components/headers/D1Bookmark",
          });
        }
      }
    }
    expect(operations).toBeGreaterThan(50);
  });
});
