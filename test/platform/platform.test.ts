import { SELF } from "cloudflare:test";
import { hc } from "hono/client";
import { describe, expect, it } from "vitest";
import type { AppType } from "../../src/app";
import { call, freshIp, get } from "../support/http";
import { uniqueName } from "../support/users";

/**
 * Small cross-cutting checks in one file (each file pays a workerd start-up of several seconds, which was
 * most of their run time): health, HTTP behaviour, the typed client, the dev outbox and the profile part
 * of the API document. /health and the typed client go through SELF, the real loopback entry point.
 */
describe("platform", () => {
  it("answers /health", async () => {
    const res = await SELF.fetch("http://x/health");
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: "ok" });
  });
});

describe("cross-cutting HTTP behaviour", () => {
  it("answers unknown routes with 404 ROUTE_NOT_FOUND in the envelope, in the caller's language", async () => {
    const en = await get("/api/v1/nope", { lang: "en" });
    expect(en.status).toBe(404);
    expect(en.body.error).toEqual({ code: "ROUTE_NOT_FOUND", message: "No such endpoint." });
    const ar = await get("/api/v1/nope", { lang: "ar" });
    expect(ar.body.error.message).toBe("لا توجد واجهة بهذا العنوان.");
    expect(ar.headers.get("content-language")).toBe("ar");
  });

  it("defaults to Arabic without Accept-Language and honours q-values", async () => {
    const res = await SELF.fetch("http://x/api/v1/nope");
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/[\u0600-\u06FF]/);
    const q = await get("/api/v1/nope", { headers: { "accept-language": "fr;q=1, en;q=0.8, ar;q=0.5" } });
    expect(q.body.error.message).toBe("No such endpoint.");
  });

  it("echoes a sane X-Request-Id and replaces a hostile one", async () => {
    const echoed = await get("/health", { headers: { "x-request-id": "abc-123" } });
    expect(echoed.headers.get("x-request-id")).toBe("abc-123");
    const replaced = await get("/health", { headers: { "x-request-id": "<script>alert(1)</script>" } });
    expect(replaced.headers.get("x-request-id")).toMatch(/^[0-9A-Z]{26}$/);
  });

  it("sets security headers on every answer", async () => {
    for (const path of ["/health", "/api/v1/nope", "/openapi.json"]) {
      const res = await get(path);
      expect(res.headers.get("strict-transport-security")).toContain("max-age=");
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      expect(res.headers.get("referrer-policy")).toBe("strict-origin-when-cross-origin");
      expect(res.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    }
    const docs = await get("/docs");
    expect(docs.status).toBe(200);
    expect(docs.headers.get("content-security-policy")).toContain("script-src");
  });

  it("counts per-IP limits by the platform's CF-Connecting-IP only, never a client-chosen X-Real-IP", async () => {
    // Without CF-Connecting-IP (a local runtime with nothing in front), inventing X-Real-IP values must
    // not give each request a fresh budget.
    const refresh = (realIp: string) =>
      SELF.fetch("http://x/api/v1/auth/refresh", {
        method: "POST",
        headers: { "content-type": "application/json", "x-real-ip": realIp, "x-forwarded-for": realIp },
        body: JSON.stringify({ refreshToken: "not-a-real-refresh-token" }),
      });
    const first = await refresh("198.51.100.1");
    const second = await refresh("198.51.100.2");
    expect(first.status).toBe(401);
    const remaining = (r: Response) => Number(r.headers.get("ratelimit-remaining"));
    expect(remaining(second)).toBe(remaining(first) - 1);
    // CF-Connecting-IP does separate clients.
    const other = await call("POST", "/api/v1/auth/refresh", {
      body: { refreshToken: "not-a-real-refresh-token" },
      ip: "198.51.100.3",
    });
    expect(Number(other.headers.get("ratelimit-remaining"))).toBeGreaterThan(remaining(second));
  });

  it("allows CORS only for configured origins", async () => {
    const allowed = await call("OPTIONS", "/api/v1/auth/login", {
      headers: { origin: "http://localhost:5173", "access-control-request-method": "POST" },
    });
    expect(allowed.headers.get("access-control-allow-origin")).toBe("http://localhost:5173");
    const denied = await call("OPTIONS", "/api/v1/auth/login", {
      headers: { origin: "https://evil.example", "access-control-request-method": "POST" },
    });
    expect(denied.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("publishes an OpenAPI 3.1 document covering the API, with bearer security", async () => {
    const doc = await get("/openapi.json");
    expect(doc.body.openapi).toBe("3.1.0");
    expect(doc.body.components.securitySchemes.bearerAuth.scheme).toBe("bearer");
    for (const path of ["/api/v1/auth/register", "/api/v1/auth/login", "/api/v1/auth/refresh"]) {
      expect(Object.keys(doc.body.paths)).toContain(path);
    }
  });

  it("never shows a stack trace, even for a wrong method", async () => {
    const res = await call("PUT", "/api/v1/auth/login", { body: {} });
    expect(res.status).toBe(404);
    expect(JSON.stringify(res.body)).not.toMatch(/at .*\.ts/);
  });
});

describe("typed client (hono/client with AppType)", () => {
  it("registers and reads /me with request and response types checked by tsc", async () => {
    const ip = freshIp();
    const client = hc<AppType>("http://majlis.test", {
      fetch: (input: RequestInfo | URL, init?: RequestInit) => SELF.fetch(input, init),
      headers: { "cf-connecting-ip": ip },
    });
    const username = uniqueName();
    const res = await client.api.v1.auth.register.$post({
      json: {
        username,
        email: `${username}@example.com`,
        password: "typed-client-passphrase",
        displayName: "Typed",
      },
    });
    expect(res.status).toBe(201);
    const login = await client.api.v1.auth.login.$post({
      json: { identifier: username, password: "typed-client-passphrase" },
    });
    if (login.status !== 200) throw new Error("login failed");
    const { accessToken } = await login.json();
    const me = await client.api.v1.auth.me.$get({}, { headers: { authorization: `Bearer ${accessToken}` } });
    if (me.status !== 200) throw new Error("me failed");
    const body = await me.json();
    expect(body.user.username).toBe(username);
  });
});

describe("profile and settings routes in the API document", () => {
  it("documents every route with its request and response schemas", async () => {
    const res = await get("/openapi.json");
    expect(res.status).toBe(200);
    const paths = res.body.paths;
    expect(Object.keys(paths)).toEqual(
      expect.arrayContaining([
        "/api/v1/profiles/me",
        "/api/v1/profiles/me/views",
        "/api/v1/profiles/{username}",
        "/api/v1/profiles/{id}/skills/{skillId}/endorse",
        "/api/v1/settings/preferences",
      ]),
    );
    expect(Object.keys(paths["/api/v1/profiles/me"])).toEqual(expect.arrayContaining(["get", "patch"]));
    expect(Object.keys(paths["/api/v1/profiles/{id}/skills/{skillId}/endorse"])).toEqual(["post", "delete"]);
    for (const name of ["Profile", "LimitedProfile", "UpdateProfileRequest", "Preferences", "ProfileViews"]) {
      expect(res.body.components.schemas).toHaveProperty(name);
    }
  });
});
