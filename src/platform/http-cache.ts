import type { Context } from "hono";
import { sha256Hex } from "./crypto";
import type { AppEnv } from "./env";

/** How long shared caches and browsers may keep an anonymous public read (seconds). */
export const PUBLIC_MAX_AGE = 30;

/**
 * HTTP caching for reads: an anonymous read of public content (a PUBLIC post, a hashtag page, trending)
 * gets a strong ETag and a short public max-age, and a matching If-None-Match is answered 304 with no
 * body. Anything read with a token is personal (myReaction, bookmarked, ...) and is `no-store`.
 * `Vary: Authorization` keeps shared caches from mixing the two.
 */
export async function cachedJson(c: Context<AppEnv>, body: unknown, publicRead: boolean): Promise<Response> {
  c.header("Vary", "Authorization, Accept-Language");
  if (!publicRead) {
    c.header("Cache-Control", "no-store");
    return c.json(body as object, 200);
  }
  const payload = JSON.stringify(body);
  const etag = `"${(await sha256Hex(payload)).slice(0, 32)}"`;
  c.header("ETag", etag);
  c.header("Cache-Control", `public, max-age=${PUBLIC_MAX_AGE}`);
  const ifNoneMatch = c.req.header("if-none-match");
  if (ifNoneMatch?.split(",").some((t) => t.trim().replace(/^W\//, "") === etag || t.trim() === "*")) {
    return c.body(null, 304);
  }
  return c.body(payload, 200, { "Content-Type": "application/json; charset=UTF-8" });
}

/** Personal answers are never stored by caches. */
export function noStore(c: Context<AppEnv>): void {
  c.header("Cache-Control", "no-store");
}
