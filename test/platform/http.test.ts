import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { call, get } from "../support/http";

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
