import { describe, expect, it } from "vitest";
import { advanceClockForTests, MINUTE } from "../../src/platform/clock";
import { env, freshIp, get, post, waitForEmail } from "../support/http";
import { registerUser } from "../support/users";

const verify = (email: string, code: string) =>
  post("/api/v1/auth/verify-email", { email, code }, { ip: freshIp() });
const wrongCode = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, "0");

describe("email verification", () => {
  it("verifies with the emailed code, then sends a welcome email", async () => {
    const user = await registerUser();
    const mail = await waitForEmail(user.email, "verify-email");
    expect((await verify(user.email, mail.code!)).body).toEqual({ verified: true });
    const login = await post(
      "/api/v1/auth/login",
      { identifier: user.username, password: user.password },
      { ip: freshIp() },
    );
    expect(login.body.user.emailVerified).toBe(true);
    await waitForEmail(user.email, "welcome");
  });

  it("refuses a wrong code, and the right one after 5 wrong attempts", async () => {
    const user = await registerUser();
    const { code } = await waitForEmail(user.email, "verify-email");
    for (let i = 0; i < 5; i++) {
      const res = await verify(user.email, wrongCode(code!));
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe("INVALID_CODE");
    }
    expect((await verify(user.email, code!)).status).toBe(400);
  });

  it("counts concurrent wrong codes: 15 at once, then the right one is refused", async () => {
    const user = await registerUser();
    const { code } = await waitForEmail(user.email, "verify-email");
    const burst = await Promise.all(Array.from({ length: 15 }, () => verify(user.email, wrongCode(code!))));
    expect(burst.every((r) => r.status === 400 && r.body.error.code === "INVALID_CODE")).toBe(true);
    const right = await verify(user.email, code!);
    expect(right.status).toBe(400);
    expect(right.body.error.code).toBe("INVALID_CODE");
    const row = await env.DB.prepare("SELECT email_verified_at AS at FROM users WHERE id = ?")
      .bind(user.id)
      .first<{ at: number | null }>();
    expect(row!.at).toBeNull();
  });

  it("the right code on the 5th attempt still verifies", async () => {
    const user = await registerUser();
    const { code } = await waitForEmail(user.email, "verify-email");
    for (let i = 0; i < 4; i++) expect((await verify(user.email, wrongCode(code!))).status).toBe(400);
    expect((await verify(user.email, code!)).body).toEqual({ verified: true });
  });

  it("refuses a code after 15 minutes; resending issues a fresh one", async () => {
    const user = await registerUser();
    const first = await waitForEmail(user.email, "verify-email");
    advanceClockForTests(15 * MINUTE + 1);
    expect((await verify(user.email, first.code!)).status).toBe(400);
    expect(
      (await post("/api/v1/auth/resend-verification", { email: user.email }, { ip: freshIp() })).status,
    ).toBe(202);
    const second = await waitForEmail(user.email, "verify-email", { after: first.id });
    expect((await verify(user.email, second.code!)).status).toBe(200);
  });

  it("answers resend-verification the same way for unknown addresses", async () => {
    const known = await registerUser();
    const a = await post("/api/v1/auth/resend-verification", { email: known.email }, { ip: freshIp() });
    const b = await post(
      "/api/v1/auth/resend-verification",
      { email: "nobody@nowhere.example" },
      { ip: freshIp() },
    );
    expect(a.status).toBe(b.status);
    expect(a.body).toEqual(b.body);
  });

  it("answers an already verified address like an unknown one, whatever the code", async () => {
    const user = await registerUser();
    const { code } = await waitForEmail(user.email, "verify-email");
    expect((await verify(user.email, code!)).status).toBe(200);
    for (const guess of [code!, wrongCode(code!)]) {
      const again = await verify(user.email, guess);
      const unknown = await verify("nobody@nowhere.example", guess);
      expect(again.status).toBe(400);
      expect(again.body).toEqual(unknown.body);
    }
  });

  it("issues at most 10 codes a day to one member, from any number of addresses", async () => {
    const user = await registerUser();
    await waitForEmail(user.email, "verify-email");
    const codeHash = async () =>
      (await env.DB.prepare("SELECT code_hash AS h FROM email_verifications WHERE user_id = ?")
        .bind(user.id)
        .first<{ h: string }>())!.h;
    let last = await codeHash();
    let issued = 0;
    for (let i = 0; i < 13; i++) {
      const res = await post("/api/v1/auth/resend-verification", { email: user.email }, { ip: freshIp() });
      expect(res.status).toBe(202);
      const now = await codeHash();
      if (now !== last) issued++;
      last = now;
    }
    expect(issued).toBe(10);
  });

  it("answers an unknown email with INVALID_CODE and validates the code shape", async () => {
    expect((await verify("nobody@nowhere.example", "123456")).body.error.code).toBe("INVALID_CODE");
    expect((await verify("a@b.example", "12345")).status).toBe(400);
    expect((await verify("a@b.example", "abcdef")).body.error.code).toBe("VALIDATION_ERROR");
  });
});

describe("GET /api/v1/dev/outbox", () => {
  it("is refused outside development", async () => {
    const { app } = await import("../../src/app");
    const { productionEnv } = await import("../support/production");
    const res = await app.request("/api/v1/dev/outbox?to=a@b.example", {}, productionEnv());
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("DEV_ONLY");
  });

  it("requires the to parameter", async () => {
    expect((await get("/api/v1/dev/outbox")).status).toBe(400);
  });
});
