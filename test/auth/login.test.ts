import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { hashPassword } from "../../src/core/identity/password";
import { advanceClockForTests, MINUTE } from "../../src/platform/clock";
import { startOfFreshWindow } from "../support/clock";
import { freshIp, get, post } from "../support/http";
import { createUser, registerUser } from "../support/users";

describe("POST /api/v1/auth/login", () => {
  it("signs in by username or email, case-insensitively, and returns a working token pair", async () => {
    const user = await registerUser();
    for (const identifier of [user.username, user.email.toUpperCase()]) {
      const res = await post(
        "/api/v1/auth/login",
        { identifier, password: user.password },
        { ip: freshIp() },
      );
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ expiresIn: 900, user: { id: user.id, username: user.username } });
      const me = await get("/api/v1/auth/me", { token: res.body.accessToken });
      expect(me.status).toBe(200);
      expect(me.body.user.id).toBe(user.id);
    }
  });

  it("lets an unverified member sign in (content creation checks verification later)", async () => {
    const user = await createUser({ verified: false });
    const me = await get("/api/v1/auth/me", { token: user.token });
    expect(me.body.user.emailVerified).toBe(false);
  });

  it("answers the same 401 for a wrong password and an unknown account", async () => {
    const user = await registerUser();
    const wrong = await post(
      "/api/v1/auth/login",
      { identifier: user.username, password: "wrong-password-123" },
      { ip: freshIp() },
    );
    const unknown = await post(
      "/api/v1/auth/login",
      { identifier: "nobody_here_at_all", password: "wrong-password-123" },
      { ip: freshIp() },
    );
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body).toEqual(unknown.body);
    expect(wrong.body.error.code).toBe("INVALID_CREDENTIALS");
  });

  it("locks the account for 15 minutes after 5 failures, even for the right password", async () => {
    const user = await registerUser();
    const attempt = (password: string) =>
      post("/api/v1/auth/login", { identifier: user.username, password }, { ip: freshIp() });
    for (let i = 0; i < 4; i++) expect((await attempt("wrong-password-123")).status).toBe(401);
    const fifth = await attempt("wrong-password-123");
    expect(fifth.status).toBe(429);
    expect(fifth.body.error.code).toBe("ACCOUNT_LOCKED");
    const locked = await attempt(user.password);
    expect(locked.status).toBe(429);
    expect(locked.body.error.code).toBe("ACCOUNT_LOCKED");
    const retryAfter = Number(locked.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(14 * 60);
    expect(retryAfter).toBeLessThanOrEqual(15 * 60);

    advanceClockForTests(15 * MINUTE + 1000);
    expect((await attempt(user.password)).status).toBe(200);
  });

  it("locks after concurrent failures: 12 wrong passwords at once, then the right one is refused", async () => {
    const user = await registerUser();
    const attempt = (password: string) =>
      post("/api/v1/auth/login", { identifier: user.username, password }, { ip: freshIp() });
    const burst = await Promise.all(Array.from({ length: 12 }, () => attempt("wrong-password-123")));
    // Each failure is counted once, so the 5th locks; every answer is a refusal.
    expect(burst.every((r) => r.status === 401 || r.status === 429)).toBe(true);
    expect(burst.filter((r) => r.status === 401).length).toBeLessThanOrEqual(4);
    const right = await attempt(user.password);
    expect(right.status).toBe(429);
    expect(right.body.error.code).toBe("ACCOUNT_LOCKED");
    expect(Number(right.headers.get("retry-after"))).toBeGreaterThan(14 * 60);
    advanceClockForTests(15 * MINUTE + 1000);
    expect((await attempt(user.password)).status).toBe(200);
  });

  it("a right password racing a wrong one never undoes the lock the wrong one takes", async () => {
    // Several members at once, so the race is likely to land both ways.
    const members = await Promise.all(Array.from({ length: 4 }, () => registerUser()));
    await Promise.all(
      members.map(async (user) => {
        const attempt = (password: string) =>
          post("/api/v1/auth/login", { identifier: user.username, password }, { ip: freshIp() });
        for (let i = 0; i < 4; i++) expect((await attempt("wrong-password-123")).status).toBe(401);
        const [right, wrong] = await Promise.all([attempt(user.password), attempt("wrong-password-123")]);
        // Either the success came first (count forgotten, then one failure) or the 5th failure did (locked,
        // and the right password refused); never a session while the account ends up locked.
        if (right.status === 200) expect(wrong.status).toBe(401);
        else expect([right.status, wrong.status]).toEqual([429, 429]);
        expect((await attempt(user.password)).status).toBe(right.status === 200 ? 200 : 429);
      }),
    );
  });

  it("forgets earlier failures after a successful login", async () => {
    const user = await registerUser();
    const attempt = (password: string) =>
      post("/api/v1/auth/login", { identifier: user.username, password }, { ip: freshIp() });
    for (let i = 0; i < 4; i++) await attempt("wrong-password-123");
    expect((await attempt(user.password)).status).toBe(200);
    for (let i = 0; i < 4; i++) expect((await attempt("wrong-password-123")).status).toBe(401);
    expect((await attempt(user.password)).status).toBe(200);
  });

  it("re-hashes an older, cheaper hash on sign-in and records every attempt", async () => {
    const user = await registerUser();
    await env.DB.prepare("UPDATE users SET password_hash = ? WHERE id = ?")
      .bind(await hashPassword(user.password, 500), user.id)
      .run();
    const attempt = (password: string) =>
      post("/api/v1/auth/login", { identifier: user.username, password }, { ip: freshIp() });
    expect((await attempt("wrong-password-123")).status).toBe(401);
    expect((await attempt(user.password)).status).toBe(200);
    const row = await env.DB.prepare("SELECT password_hash AS h, failed_logins AS f FROM users WHERE id = ?")
      .bind(user.id)
      .first<{ h: string; f: number }>();
    expect(row!.h).toMatch(/^pbkdf2-sha256\$1000\$/);
    expect(row!.f).toBe(0);
    expect((await attempt(user.password)).status).toBe(200);
    const history = await env.DB.prepare(
      "SELECT success, reason FROM login_history WHERE user_id = ? ORDER BY id",
    )
      .bind(user.id)
      .all<{ success: number; reason: string | null }>();
    expect(history.results).toEqual([
      { success: 0, reason: "BAD_PASSWORD" },
      { success: 1, reason: null },
      { success: 1, reason: null },
    ]);
  });

  it("limits login attempts per IP", async () => {
    const ip = freshIp();
    const results: number[] = [];
    // 20 a minute in fixed windows: a burst that straddled two windows would never be refused.
    startOfFreshWindow(MINUTE);
    for (let i = 0; i < 21; i++) {
      results.push(
        (await post("/api/v1/auth/login", { identifier: `ghost${i}`, password: "x-password-123" }, { ip }))
          .status,
      );
    }
    expect(results.slice(0, 20).every((s) => s === 401)).toBe(true);
    expect(results[20]).toBe(429);
  });

  it("answers 400 for a missing password and for a non-string identifier", async () => {
    expect((await post("/api/v1/auth/login", { identifier: "someone" }, { ip: freshIp() })).status).toBe(400);
    expect(
      (await post("/api/v1/auth/login", { identifier: ["a"], password: "x" }, { ip: freshIp() })).status,
    ).toBe(400);
  });
});

describe("access tokens", () => {
  it("refuses a missing, garbage, tampered or expired token with 401", async () => {
    const user = await createUser();
    expect((await get("/api/v1/auth/me")).body.error.code).toBe("UNAUTHENTICATED");
    expect((await get("/api/v1/auth/me", { token: "garbage" })).body.error.code).toBe("INVALID_TOKEN");
    const [h, p, s] = user.token.split(".");
    const payload = JSON.parse(atob(p!.replace(/-/g, "+").replace(/_/g, "/")));
    const forged = btoa(JSON.stringify({ ...payload, sub: "01HZZZZZZZZZZZZZZZZZZZZZZZ" }))
      .replace(/\+/g, "-")
      .replace(/\//g, "_")
      .replace(/=+$/, "");
    expect((await get("/api/v1/auth/me", { token: `${h}.${forged}.${s}` })).status).toBe(401);
    const none = `${btoa(JSON.stringify({ alg: "none", typ: "JWT" })).replace(/=+$/, "")}.${p}.`;
    expect((await get("/api/v1/auth/me", { token: none })).status).toBe(401);
    expect((await get("/api/v1/auth/me", { headers: { authorization: `Basic ${user.token}` } })).status).toBe(
      401,
    );

    // Accepted once (the isolate remembers a verified token), then refused all the same once expired.
    expect((await get("/api/v1/auth/me", { token: user.token })).status).toBe(200);
    advanceClockForTests(16 * MINUTE);
    const expired = await get("/api/v1/auth/me", { token: user.token });
    expect(expired.status).toBe(401);
    expect(expired.body.error.code).toBe("TOKEN_EXPIRED");
  });

  it("uses the pinned HS256 algorithm and no key id (nothing derived from the secret)", async () => {
    const user = await createUser();
    const header = JSON.parse(atob(user.token.split(".")[0]!.replace(/-/g, "+").replace(/_/g, "/")));
    expect(header).toEqual({ alg: "HS256", typ: "JWT" });
  });
});
