import { describe, expect, it } from "vitest";
import { unsubscribeToken } from "../../src/modules/notifications/unsubscribe";
import { parseCsp, sourcesFor } from "../support/csp";
import { call, env, freshIp, get } from "../support/http";
import { registerUser } from "../support/users";

/**
 * The unsubscribe page is HTML opened from an email: its own CSP must let its one button submit the form
 * back to this origin (the API's CSP has form-action 'none', which blocked it), and nothing else.
 */
const browser = { accept: "text/html", "accept-language": "en" };
const PAGE_ORIGIN = "http://majlis.test";

function expectOnlyItsOwnForm(csp: Map<string, string[]>, html: string, pageUrl: string) {
  // The form: its action resolves to this origin, which form-action allows ('self' and nothing wider).
  const action = /<form method="post" action="([^"]*)">/.exec(html)?.[1]?.replace(/&#38;/g, "&");
  expect(action).toBeDefined();
  expect(new URL(action!, pageUrl).origin).toBe(PAGE_ORIGIN);
  expect(csp.get("form-action")).toEqual(["'self'"]);
  // Nothing else: no script, style, image, frame or base URL is allowed, and the page uses none.
  for (const directive of ["script-src", "style-src", "img-src", "connect-src", "frame-src"]) {
    expect(sourcesFor(csp, directive)).toEqual(["'none'"]);
  }
  expect(csp.get("frame-ancestors")).toEqual(["'none'"]);
  expect(csp.get("base-uri")).toEqual(["'none'"]);
  expect(html).not.toMatch(/<script|<style|<img|<iframe|\sstyle=|\son[a-z]+=/i);
}

describe("unsubscribe page CSP", () => {
  it("lets the confirmation page's button post its form to this origin, and allows nothing else", async () => {
    const user = await registerUser();
    const token = await unsubscribeToken(env, user.id, "mention");
    const path = `/api/v1/notifications/unsubscribe?token=${token}`;
    const ip = freshIp();

    const page = await get<string>(path, { headers: browser, ip });
    expect(page.status).toBe(200);
    const policy = page.headers.get("content-security-policy");
    expectOnlyItsOwnForm(parseCsp(policy), page.body, PAGE_ORIGIN + path);

    // The result and error pages carry the same policy.
    const done = await call<string>("POST", path, {
      headers: { ...browser, "content-type": "application/x-www-form-urlencoded" },
      ip,
    });
    expect(done.status).toBe(200);
    expect(done.headers.get("content-security-policy")).toBe(policy);
    const broken = await get<string>(`${path}x`, { headers: browser, ip });
    expect(broken.status).toBe(400);
    expect(broken.headers.get("content-security-policy")).toBe(policy);

    // JSON answers keep the API's policy.
    const json = await get(`${path}x`, { ip });
    expect(parseCsp(json.headers.get("content-security-policy")).get("form-action")).toEqual(["'none'"]);
  });
});
