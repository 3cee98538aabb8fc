import { describe, expect, it } from "vitest";
import { assetUrl, SWAGGER_UI } from "../../src/platform/docs-page";
import { parseCsp } from "../support/csp";
import { get } from "../support/http";

/**
 * /docs loads Swagger UI from a CDN: every external script and stylesheet is pinned to one version and
 * carries an SRI hash (recomputed from the npm package in test/node/docs-assets.spec.mjs), and the page's
 * CSP allows exactly those two files and its one inline script, by hash.
 */
const tags = (html: string, name: string) => html.match(new RegExp(`<${name}\\b[^>]*>`, "gi")) ?? [];
const attr = (tag: string, name: string) => new RegExp(`\\s${name}="([^"]*)"`).exec(tag)?.[1];

async function cspHashOf(script: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(script));
  return `'sha256-${btoa(String.fromCharCode(...new Uint8Array(digest)))}'`;
}

describe("/docs", () => {
  it("loads every external script and stylesheet pinned, with integrity and crossorigin", async () => {
    const res = await get<string>("/docs");
    expect(res.status).toBe(200);
    const external = [
      ...tags(res.body, "script").filter((t) => attr(t, "src")),
      ...tags(res.body, "link").filter((t) => attr(t, "rel") === "stylesheet"),
    ];
    expect(external).toHaveLength(2);
    for (const tag of external) {
      const url = attr(tag, "src") ?? attr(tag, "href");
      expect(url).toMatch(
        new RegExp(`^https://cdn\\.jsdelivr\\.net/npm/swagger-ui-dist@${SWAGGER_UI.version}/`),
      );
      expect(attr(tag, "integrity")).toMatch(/^sha384-[A-Za-z0-9+/]{64}$/);
      expect(attr(tag, "crossorigin")).toBe("anonymous");
    }
    expect(res.body).toContain(`integrity="${SWAGGER_UI.script.integrity}"`);
    expect(res.body).toContain(`integrity="${SWAGGER_UI.stylesheet.integrity}"`);
  });

  it("has a CSP that allows those two files and its inline script by hash, and nothing wider", async () => {
    const res = await get<string>("/docs");
    const csp = parseCsp(res.headers.get("content-security-policy"));
    const inline = [...res.body.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]!);
    expect(inline).toHaveLength(1);
    expect(csp.get("script-src")).toEqual([await cspHashOf(inline[0]!), assetUrl(SWAGGER_UI.script.file)]);
    expect(csp.get("style-src")).toEqual([assetUrl(SWAGGER_UI.stylesheet.file), "'unsafe-inline'"]);
    expect(csp.get("default-src")).toEqual(["'none'"]);
    expect(csp.get("connect-src")).toEqual(["'self'"]);
    expect(csp.get("img-src")).toEqual(["data:"]);
    expect(csp.get("frame-ancestors")).toEqual(["'none'"]);
    expect(csp.get("form-action")).toEqual(["'none'"]);
    for (const sources of csp.values()) {
      expect(sources).not.toContain("'unsafe-eval'");
      expect(sources).not.toContain("https:");
      expect(sources.some((s) => s.endsWith("cdn.jsdelivr.net"))).toBe(false);
    }
  });
});
