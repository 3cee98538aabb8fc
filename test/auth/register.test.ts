import { describe, expect, it } from "vitest";
import { freshIp, get, post, waitForEmail } from "../support/http";
import { registerUser, uniqueName } from "../support/users";

describe("POST /api/v1/auth/register", () => {
  it("creates an account, normalizes username and email, and emails a 6-digit code", async () => {
    const name = uniqueName();
    const res = await post(
      "/api/v1/auth/register",
      {
        username: name.toUpperCase(),
        email: `  ${name.toUpperCase()}@Example.COM `,
        password: "a-long-unusual-passphrase",
        displayName: "سارة أحمد",
      },
      { ip: freshIp() },
    );
    expect(res.status).toBe(201);
    expect(res.body.user).toMatchObject({
      username: name,
      email: `${name}@example.com`,
      displayName: "سارة أحمد",
      emailVerified: false,
      role: "member",
    });
    expect(res.body.user).not.toHaveProperty("passwordHash");
    const mail = await waitForEmail(`${name}@example.com`, "verify-email");
    expect(mail.code).toMatch(/^\d{6}$/);
    expect(mail.text).toContain(mail.code);
  });

  it("takes the locale from Accept-Language when none is given (Arabic by default)", async () => {
    const name = uniqueName();
    const res = await post(
      "/api/v1/auth/register",
      {
        username: name,
        email: `${name}@example.com`,
        password: "a-long-unusual-passphrase",
        displayName: "x",
      },
      { ip: freshIp(), headers: { "accept-language": "ar-SA" } },
    );
    expect(res.body.user.locale).toBe("ar");
    const mail = await waitForEmail(`${name}@example.com`, "verify-email");
    expect(mail.html).toContain('dir="rtl"');
  });

  it("answers 409 for a taken username or email, whatever their case", async () => {
    const user = await registerUser();
    const again = await post(
      "/api/v1/auth/register",
      {
        username: user.username.toUpperCase(),
        email: `other${user.email}`,
        password: "a-long-unusual-passphrase",
        displayName: "x",
      },
      { ip: freshIp() },
    );
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe("USERNAME_TAKEN");
    const sameEmail = await post(
      "/api/v1/auth/register",
      {
        username: uniqueName(),
        email: user.email.toUpperCase(),
        password: "a-long-unusual-passphrase",
        displayName: "x",
      },
      { ip: freshIp() },
    );
    expect(sameEmail.status).toBe(409);
    expect(sameEmail.body.error.code).toBe("EMAIL_TAKEN");
  });

  it("lets exactly one of two simultaneous registrations of a name win", async () => {
    const name = uniqueName();
    const body = (i: number) => ({
      username: name,
      email: `${name}${i}@example.com`,
      password: "a-long-unusual-passphrase",
      displayName: "x",
    });
    const results = await Promise.all(
      [0, 1, 2].map((i) => post("/api/v1/auth/register", body(i), { ip: freshIp() })),
    );
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409]);
  });

  it.each([
    ["short", "Short1!", "TOO_SHORT"],
    ["common", "password123", "COMMON"],
    ["the username", "USERNAME-placeholder", "CONTAINS_IDENTITY"],
  ])("refuses a %s password with WEAK_PASSWORD", async (_label, password, problem) => {
    const name = uniqueName();
    const res = await post(
      "/api/v1/auth/register",
      {
        username: name,
        email: `${name}@example.com`,
        password: password.replace("USERNAME-placeholder", `${name}-2024`),
        displayName: "x",
      },
      { ip: freshIp() },
    );
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("WEAK_PASSWORD");
    expect(res.body.error.details.map((d: { code: string }) => d.code)).toContain(problem);
    // Nothing was written: the username is still free.
    const retry = await post(
      "/api/v1/auth/register",
      {
        username: name,
        email: `${name}@example.com`,
        password: "a-long-unusual-passphrase",
        displayName: "x",
      },
      { ip: freshIp() },
    );
    expect(retry.status).toBe(201);
  });

  it.each([
    ["a username with a dash", { username: "bad-name" }],
    ["a two-letter username", { username: "ab" }],
    ["a 31-letter username", { username: "a".repeat(31) }],
    ["an invalid email", { email: "not-an-email" }],
    ["a missing display name", { displayName: undefined }],
    ["a display name of only control characters", { displayName: "\u202e\u0000" }],
    ["a number as username", { username: 12345 }],
  ])("answers 400 VALIDATION_ERROR for %s", async (_label, override) => {
    const name = uniqueName();
    const res = await post(
      "/api/v1/auth/register",
      {
        username: name,
        email: `${name}@example.com`,
        password: "a-long-unusual-passphrase",
        displayName: "x",
        ...override,
      },
      { ip: freshIp() },
    );
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("VALIDATION_ERROR");
    expect(res.body.error.details.length).toBeGreaterThan(0);
  });

  it("answers malformed JSON with 400 MALFORMED_JSON in the caller's language", async () => {
    const res = await post("/api/v1/auth/register", "{not json", {
      ip: freshIp(),
      lang: "ar",
      headers: { "content-type": "application/json" },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("MALFORMED_JSON");
    expect(res.body.error.message).toMatch(/[\u0600-\u06FF]/);
  });

  it("refuses a body over the limit with 413", async () => {
    const res = await post(
      "/api/v1/auth/register",
      { username: "x", email: "x@example.com", password: "p", displayName: "x".repeat(300_000) },
      { ip: freshIp() },
    );
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe("PAYLOAD_TOO_LARGE");
  });

  it("limits registrations per IP with 429 and Retry-After", async () => {
    const ip = freshIp();
    let last = 0;
    let retryAfter: string | null = null;
    for (let i = 0; i < 11; i++) {
      const name = uniqueName();
      const res = await post(
        "/api/v1/auth/register",
        {
          username: name,
          email: `${name}@example.com`,
          password: "a-long-unusual-passphrase",
          displayName: "x",
        },
        { ip },
      );
      last = res.status;
      retryAfter = res.headers.get("retry-after");
      if (i < 10) expect(res.status).toBe(201);
    }
    expect(last).toBe(429);
    expect(Number(retryAfter)).toBeGreaterThan(0);
  });

  it("never returns the password hash from /me", async () => {
    const user = await registerUser();
    const login = await post(
      "/api/v1/auth/login",
      { identifier: user.email, password: user.password },
      { ip: user.ip },
    );
    const me = await get("/api/v1/auth/me", { token: login.body.accessToken });
    expect(JSON.stringify(me.body)).not.toMatch(/pbkdf2|password/i);
  });
});
