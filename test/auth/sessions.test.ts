import { describe, expect, it } from "vitest";
import { advanceClockForTests, DAY } from "../../src/platform/clock";
import { del, freshIp, get, post } from "../support/http";
import { createUser } from "../support/users";

const login = async (u: { username: string; password: string }, userAgent = "test-agent") =>
  (
    await post(
      "/api/v1/auth/login",
      { identifier: u.username, password: u.password },
      { ip: freshIp(), headers: { "user-agent": userAgent } },
    )
  ).body;

describe("refresh tokens", () => {
  it("rotate on every use: the new pair works, the old refresh token does not", async () => {
    const user = await createUser();
    const first = await post("/api/v1/auth/refresh", { refreshToken: user.refreshToken }, { ip: freshIp() });
    expect(first.status).toBe(200);
    expect(first.body.refreshToken).not.toBe(user.refreshToken);
    expect((await get("/api/v1/auth/me", { token: first.body.accessToken })).status).toBe(200);
    const second = await post(
      "/api/v1/auth/refresh",
      { refreshToken: first.body.refreshToken },
      { ip: freshIp() },
    );
    expect(second.status).toBe(200);
  });

  it("treat reuse of a rotated token as theft and end the whole session", async () => {
    const user = await createUser();
    const rotated = await post(
      "/api/v1/auth/refresh",
      { refreshToken: user.refreshToken },
      { ip: freshIp() },
    );
    const reuse = await post("/api/v1/auth/refresh", { refreshToken: user.refreshToken }, { ip: freshIp() });
    expect(reuse.status).toBe(401);
    // The legitimate holder of the newest token is signed out too, and so is its access token.
    expect(
      (await post("/api/v1/auth/refresh", { refreshToken: rotated.body.refreshToken }, { ip: freshIp() }))
        .status,
    ).toBe(401);
    expect((await get("/api/v1/auth/me", { token: rotated.body.accessToken })).status).toBe(401);
  });

  it("let only one of two concurrent refreshes of the same token succeed", async () => {
    const user = await createUser();
    const results = await Promise.all(
      [1, 2].map(() => post("/api/v1/auth/refresh", { refreshToken: user.refreshToken }, { ip: freshIp() })),
    );
    // Exactly one: the winner rotated the token, so the other presented a used one (401), never a 5xx.
    expect(results.map((r) => r.status).sort()).toEqual([200, 401]);
    const winner = results.find((r) => r.status === 200)!;
    expect(winner.body.refreshToken).not.toBe(user.refreshToken);
  });

  it("expire after 7 days without use", async () => {
    const user = await createUser();
    advanceClockForTests(7 * DAY + 1000);
    expect(
      (await post("/api/v1/auth/refresh", { refreshToken: user.refreshToken }, { ip: freshIp() })).status,
    ).toBe(401);
  });

  it("refuse unknown and malformed tokens", async () => {
    expect(
      (await post("/api/v1/auth/refresh", { refreshToken: "x".repeat(43) }, { ip: freshIp() })).status,
    ).toBe(401);
    expect((await post("/api/v1/auth/refresh", { refreshToken: 42 }, { ip: freshIp() })).status).toBe(400);
  });

  it("are stored hashed, never in plain text", async () => {
    const user = await createUser();
    const { env } = await import("cloudflare:test");
    const plain = await env.DB.prepare("SELECT count(*) AS n FROM refresh_tokens WHERE token_hash = ?")
      .bind(user.refreshToken)
      .first<{ n: number }>();
    expect(plain?.n).toBe(0);
  });
});

describe("sessions and logout", () => {
  it("lists the member's devices and marks the current one", async () => {
    const user = await createUser();
    await login(user, "Phone/1.0");
    const list = await get("/api/v1/auth/sessions", { token: user.token });
    expect(list.status).toBe(200);
    expect(list.body.data).toHaveLength(2);
    expect(list.body.data.filter((s: { current: boolean }) => s.current)).toHaveLength(1);
    expect(list.body.data.map((s: { userAgent: string }) => s.userAgent)).toContain("Phone/1.0");
  });

  it("logout ends this session at once: access and refresh tokens stop working", async () => {
    const user = await createUser();
    const other = await login(user);
    expect((await post("/api/v1/auth/logout", undefined, { token: user.token })).status).toBe(204);
    expect((await get("/api/v1/auth/me", { token: user.token })).status).toBe(401);
    expect(
      (await post("/api/v1/auth/refresh", { refreshToken: user.refreshToken }, { ip: freshIp() })).status,
    ).toBe(401);
    // The other device is unaffected.
    expect((await get("/api/v1/auth/me", { token: other.accessToken })).status).toBe(200);
  });

  it("logout-all ends every session", async () => {
    const user = await createUser();
    const other = await login(user);
    expect((await post("/api/v1/auth/logout-all", undefined, { token: user.token })).status).toBe(204);
    expect((await get("/api/v1/auth/me", { token: user.token })).status).toBe(401);
    expect((await get("/api/v1/auth/me", { token: other.accessToken })).status).toBe(401);
  });

  it("DELETE /sessions/:id ends one of your sessions, and 404s for someone else's", async () => {
    const user = await createUser();
    const intruder = await createUser();
    const second = await login(user);
    const sessions = (await get("/api/v1/auth/sessions", { token: user.token })).body.data;
    const secondId = sessions.find((s: { current: boolean }) => !s.current).id;
    expect(
      (await del(`/api/v1/auth/sessions/${secondId}`, undefined, { token: intruder.token })).status,
    ).toBe(404);
    expect((await get("/api/v1/auth/me", { token: second.accessToken })).status).toBe(200);
    expect((await del(`/api/v1/auth/sessions/${secondId}`, undefined, { token: user.token })).status).toBe(
      204,
    );
    expect((await get("/api/v1/auth/me", { token: second.accessToken })).status).toBe(401);
    expect((await del(`/api/v1/auth/sessions/${secondId}`, undefined, { token: user.token })).status).toBe(
      404,
    );
  });

  it("require a token", async () => {
    expect((await post("/api/v1/auth/logout")).status).toBe(401);
    expect((await post("/api/v1/auth/logout-all")).status).toBe(401);
    expect((await get("/api/v1/auth/sessions")).status).toBe(401);
    expect((await del("/api/v1/auth/sessions/abc")).status).toBe(401);
  });
});
