import { describe, expect, it } from "vitest";
import { hashPassword, passwordProblems, verifyPassword } from "../../src/core/identity/password";
import { advanceClockForTests, MINUTE } from "../../src/platform/clock";
import { startOfFreshWindow } from "../support/clock";
import { del, freshIp, get, post, waitForEmail } from "../support/http";
import { createUser } from "../support/users";

const login = (identifier: string, password: string) =>
  post("/api/v1/auth/login", { identifier, password }, { ip: freshIp() });

const reset = (token: string, newPassword: string) =>
  post("/api/v1/auth/reset-password", { token, newPassword }, { ip: freshIp() });

/** Asks for a reset link and returns the email (the first one after `after`). */
async function requestReset(email: string, after = "") {
  expect((await post("/api/v1/auth/forgot-password", { email }, { ip: freshIp() })).status).toBe(202);
  return waitForEmail(email, "reset-password", { after });
}

describe("password hashing", () => {
  it("verifies the right password only, and asks for a re-hash when the cost went up", async () => {
    const stored = await hashPassword("correct horse battery", 2_000);
    expect(stored).toMatch(/^pbkdf2-sha256\$2000\$/);
    expect((await verifyPassword("correct horse battery", stored, 2_000)).ok).toBe(true);
    expect((await verifyPassword("correct horse batterY", stored, 2_000)).ok).toBe(false);
    expect((await verifyPassword("correct horse battery", stored, 3_000)).needsRehash).toBe(true);
  });

  it("chains calls above workerd's 100,000-iteration limit", async () => {
    const stored = await hashPassword("correct horse battery", 200_000);
    expect((await verifyPassword("correct horse battery", stored, 200_000)).ok).toBe(true);
    expect(stored).not.toBe(await hashPassword("correct horse battery", 200_000));
  });

  it("rejects garbage stored hashes without throwing", async () => {
    for (const bad of ["", "plain", "pbkdf2-sha256$abc$x$y", "md5$1$a$b", "pbkdf2-sha256$99999999$a$b"]) {
      expect((await verifyPassword("x", bad, 1000)).ok).toBe(false);
    }
  });

  it("applies the policy", () => {
    expect(passwordProblems("short", {})).toContain("TOO_SHORT");
    expect(passwordProblems("aaaaaaaaaaaa", {})).toContain("COMMON");
    expect(passwordProblems("sara_ahmed_2024!", { username: "sara_ahmed" })).toContain("CONTAINS_IDENTITY");
    expect(passwordProblems("river-stone-lantern", { username: "sara" })).toEqual([]);
  });
});

describe("forgot / reset password", () => {
  it("emails a single-use link; resetting revokes every session and the new password works", async () => {
    const user = await createUser();
    expect(
      (await post("/api/v1/auth/forgot-password", { email: user.email }, { ip: freshIp() })).status,
    ).toBe(202);
    const mail = await waitForEmail(user.email, "reset-password");
    expect(mail.link).toContain(encodeURIComponent(mail.token!));
    const reset = await post(
      "/api/v1/auth/reset-password",
      { token: mail.token, newPassword: "brand-new-passphrase" },
      { ip: freshIp() },
    );
    expect(reset.status).toBe(204);
    expect((await get("/api/v1/auth/me", { token: user.token })).status).toBe(401);
    expect((await login(user.username, user.password)).status).toBe(401);
    expect((await login(user.username, "brand-new-passphrase")).status).toBe(200);
    const again = await post(
      "/api/v1/auth/reset-password",
      { token: mail.token, newPassword: "another-passphrase-1" },
      { ip: freshIp() },
    );
    expect(again.status).toBe(400);
    expect(again.body.error.code).toBe("INVALID_RESET_TOKEN");
  });

  it("refuses an expired token and a weak new password (token stays usable after a weak one)", async () => {
    const user = await createUser();
    const reset = (token: string | undefined, newPassword: string) =>
      post("/api/v1/auth/reset-password", { token, newPassword }, { ip: freshIp() });

    // A weak password is refused and changes nothing; the same token then resets the password.
    await post("/api/v1/auth/forgot-password", { email: user.email }, { ip: freshIp() });
    const mail = await waitForEmail(user.email, "reset-password");
    const weak = await reset(mail.token, "password1");
    expect(weak.status).toBe(400);
    expect(weak.body.error.code).toBe("WEAK_PASSWORD");
    expect((await login(user.username, "password1")).status).toBe(401);
    expect((await login(user.username, user.password)).status).toBe(200);
    expect((await reset(mail.token, "brand-new-passphrase")).status).toBe(204);
    expect((await login(user.username, "brand-new-passphrase")).status).toBe(200);
    expect((await login(user.username, user.password)).status).toBe(401);

    // A token past its 15 minutes is refused, and the password stays what it was.
    await post("/api/v1/auth/forgot-password", { email: user.email }, { ip: freshIp() });
    const later = await waitForEmail(user.email, "reset-password", { after: mail.id });
    expect(later.token).not.toBe(mail.token);
    advanceClockForTests(15 * MINUTE + 1);
    const expired = await reset(later.token, "yet-another-passphrase");
    expect(expired.status).toBe(400);
    expect(expired.body.error.code).toBe("INVALID_RESET_TOKEN");
    expect((await login(user.username, "yet-another-passphrase")).status).toBe(401);
    expect((await login(user.username, "brand-new-passphrase")).status).toBe(200);
  });

  it("a successful reset voids every other outstanding reset link of the member", async () => {
    const user = await createUser();
    const older = await requestReset(user.email);
    const newer = await requestReset(user.email, older.id);
    expect(newer.token).not.toBe(older.token);
    expect((await reset(newer.token!, "brand-new-passphrase")).status).toBe(204);
    const stale = await reset(older.token!, "attacker-passphrase-9");
    expect(stale.status).toBe(400);
    expect(stale.body.error.code).toBe("INVALID_RESET_TOKEN");
    expect((await login(user.username, "attacker-passphrase-9")).status).toBe(401);
    expect((await login(user.username, "brand-new-passphrase")).status).toBe(200);
  });

  it("two links used at the same time: only one reset happens", async () => {
    const user = await createUser();
    const a = await requestReset(user.email);
    const b = await requestReset(user.email, a.id);
    const results = await Promise.all([
      reset(a.token!, "first-new-passphrase"),
      reset(b.token!, "second-new-passphrase"),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([204, 400]);
  });

  it("answers forgot-password identically for unknown addresses", async () => {
    const user = await createUser();
    const a = await post("/api/v1/auth/forgot-password", { email: user.email }, { ip: freshIp() });
    const b = await post(
      "/api/v1/auth/forgot-password",
      { email: "ghost@nowhere.example" },
      { ip: freshIp() },
    );
    expect([a.status, a.body]).toEqual([b.status, b.body]);
  });
});

describe("change password", () => {
  it("needs the current password, keeps this session and ends the others", async () => {
    const user = await createUser();
    const other = (await login(user.username, user.password)).body;
    const wrong = await post(
      "/api/v1/auth/change-password",
      { currentPassword: "nope-nope-nope", newPassword: "fresh-passphrase-22" },
      { token: user.token },
    );
    expect(wrong.status).toBe(401);
    const ok = await post(
      "/api/v1/auth/change-password",
      { currentPassword: user.password, newPassword: "fresh-passphrase-22" },
      { token: user.token },
    );
    expect(ok.status).toBe(204);
    expect((await get("/api/v1/auth/me", { token: user.token })).status).toBe(200);
    expect((await get("/api/v1/auth/me", { token: other.accessToken })).status).toBe(401);
    expect((await login(user.username, "fresh-passphrase-22")).status).toBe(200);
  });

  it("counts wrong current passwords toward the login lockout, and refuses the change while locked", async () => {
    const user = await createUser();
    const change = (currentPassword: string) =>
      post(
        "/api/v1/auth/change-password",
        { currentPassword, newPassword: "fresh-passphrase-22" },
        { token: user.token, ip: freshIp() },
      );
    for (let i = 0; i < 4; i++) expect((await change("nope-nope-nope")).status).toBe(401);
    const fifth = await login(user.username, "nope-nope-nope");
    expect(fifth.body.error.code).toBe("ACCOUNT_LOCKED");
    const locked = await change(user.password);
    expect(locked.status).toBe(429);
    expect(locked.body.error.code).toBe("ACCOUNT_LOCKED");
    advanceClockForTests(15 * MINUTE + 1000);
    // The access token expired meanwhile: sign in again, then the change goes through.
    const again = (await login(user.username, user.password)).body;
    const ok = await post(
      "/api/v1/auth/change-password",
      { currentPassword: user.password, newPassword: "fresh-passphrase-22" },
      { token: again.accessToken, ip: freshIp() },
    );
    expect(ok.status).toBe(204);
  });

  it("voids every outstanding reset link of the member", async () => {
    const user = await createUser();
    const mail = await requestReset(user.email);
    const ok = await post(
      "/api/v1/auth/change-password",
      { currentPassword: user.password, newPassword: "fresh-passphrase-22" },
      { token: user.token },
    );
    expect(ok.status).toBe(204);
    const stale = await reset(mail.token!, "attacker-passphrase-9");
    expect(stale.status).toBe(400);
    expect(stale.body.error.code).toBe("INVALID_RESET_TOKEN");
    expect((await login(user.username, "fresh-passphrase-22")).status).toBe(200);
  });

  it("requires authentication", async () => {
    expect(
      (await post("/api/v1/auth/change-password", { currentPassword: "a", newPassword: "b" })).status,
    ).toBe(401);
  });
});

describe("DELETE /api/v1/auth/me", () => {
  it("soft-deletes: sessions end, login fails, the username stays reserved", async () => {
    const user = await createUser();
    expect(
      (await del("/api/v1/auth/me", { password: "wrong-password-1" }, { token: user.token })).status,
    ).toBe(401);
    expect((await del("/api/v1/auth/me", { password: user.password }, { token: user.token })).status).toBe(
      204,
    );
    expect((await get("/api/v1/auth/me", { token: user.token })).status).toBe(401);
    expect((await login(user.username, user.password)).status).toBe(401);
    const again = await post(
      "/api/v1/auth/register",
      {
        username: user.username,
        email: "new@example.com",
        password: "a-long-unusual-passphrase",
        displayName: "x",
      },
      { ip: freshIp() },
    );
    expect(again.status).toBe(409);
  });

  it("counts wrong passwords toward the login lockout, and refuses the right one while locked", async () => {
    const user = await createUser();
    const burst = await Promise.all(
      Array.from({ length: 4 }, () =>
        del("/api/v1/auth/me", { password: "wrong-password-1" }, { token: user.token }),
      ),
    );
    expect(burst.map((r) => r.status)).toEqual([401, 401, 401, 401]);
    // The 5th failure, at login, locks the account for every password check.
    const fifth = await login(user.username, "wrong-password-1");
    expect(fifth.status).toBe(429);
    expect(fifth.body.error.code).toBe("ACCOUNT_LOCKED");
    const locked = await del("/api/v1/auth/me", { password: user.password }, { token: user.token });
    expect(locked.status).toBe(429);
    expect(locked.body.error.code).toBe("ACCOUNT_LOCKED");
    expect(Number(locked.headers.get("retry-after"))).toBeGreaterThan(14 * 60);
    expect((await get("/api/v1/auth/me", { token: user.token })).status).toBe(200);
    expect((await login(user.username, user.password)).status).toBe(429);
  });

  it("locks after concurrent wrong passwords (12 at once)", async () => {
    const user = await createUser();
    // Those beyond the per-member rate limit are refused before any hash; the others count toward the lock.
    const burst = await Promise.all(
      Array.from({ length: 12 }, () =>
        del("/api/v1/auth/me", { password: "wrong-password-1" }, { token: user.token }),
      ),
    );
    expect(burst.every((r) => r.status === 401 || r.status === 429)).toBe(true);
    expect(burst.filter((r) => r.status === 401).length).toBeLessThanOrEqual(4);
    const right = await login(user.username, user.password);
    expect(right.status).toBe(429);
    expect(right.body.error.code).toBe("ACCOUNT_LOCKED");
  });

  it("is rate limited per member (429 RATE_LIMITED with Retry-After), and the OpenAPI document says so", async () => {
    startOfFreshWindow(15 * MINUTE);
    const user = await createUser();
    const wrong = () => del("/api/v1/auth/me", { password: "wrong-password-1" }, { token: user.token });
    for (let i = 0; i < 4; i++) expect((await wrong()).status).toBe(401);
    // A successful login forgets the failures, so what refuses next is the rate limit, not the lockout.
    expect((await login(user.username, user.password)).status).toBe(200);
    expect((await wrong()).status).toBe(401);
    const limited = await wrong();
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe("RATE_LIMITED");
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    const doc = await get("/openapi.json");
    expect(Object.keys(doc.body.paths["/api/v1/auth/me"].delete.responses)).toContain("429");
  });

  it("is purged by the cron after 30 days", async () => {
    const { env, createScheduledController, createExecutionContext, waitOnExecutionContext } = await import(
      "cloudflare:test"
    );
    const worker = (await import("../../src/index")).default;
    const user = await createUser();
    await del("/api/v1/auth/me", { password: user.password }, { token: user.token });
    const ctx = createExecutionContext();
    await worker.scheduled(
      createScheduledController({ scheduledTime: Date.now() + 29 * 24 * 3600_000, cron: "7 * * * *" }),
      env,
      ctx,
    );
    await waitOnExecutionContext(ctx);
    expect(await env.DB.prepare("SELECT id FROM users WHERE id = ?").bind(user.id).first()).not.toBeNull();
    const ctx2 = createExecutionContext();
    await worker.scheduled(
      createScheduledController({ scheduledTime: Date.now() + 31 * 24 * 3600_000, cron: "7 * * * *" }),
      env,
      ctx2,
    );
    await waitOnExecutionContext(ctx2);
    expect(await env.DB.prepare("SELECT id FROM users WHERE id = ?").bind(user.id).first()).toBeNull();
    expect(
      await env.DB.prepare("SELECT user_id FROM profiles WHERE user_id = ?").bind(user.id).first(),
    ).toBeNull();
  });
});
