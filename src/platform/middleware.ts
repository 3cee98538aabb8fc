import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { cors } from "hono/cors";
import { systemClock } from "./clock";
import { BOOKMARK_HEADER, isBookmark, laterBookmark, sessionDatabase, sessionStart } from "./db/session";
import type { AppEnv } from "./env";
import { ConfigurationError, configurationProblems, reportConfigurationProblems } from "./environment";
import { AppError } from "./errors";
import { negotiateLocale } from "./i18n";
import { newId } from "./ids";
import { logInfo } from "./log";

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Request id (echoed when the client sent a sane one), locale, clock, and one JSON log line per request. */
export const requestContext: MiddlewareHandler<AppEnv> = async (c, next) => {
  const started = Date.now();
  const incoming = c.req.header("x-request-id");
  const requestId = incoming && REQUEST_ID.test(incoming) ? incoming : newId();
  c.set("requestId", requestId);
  c.set("locale", negotiateLocale(c.req.header("accept-language")));
  c.set("clock", systemClock);
  await next();
  c.res.headers.set("X-Request-Id", requestId);
  if (!c.res.headers.has("Content-Language") && c.res.headers.get("content-type")?.includes("json")) {
    c.res.headers.set("Content-Language", c.var.locale);
  }
  logInfo(c.env, "request", {
    requestId,
    method: c.req.method,
    path: c.req.path,
    status: c.res.status,
    ms: Date.now() - started,
    userId: c.var.user?.id,
  });
};

/**
 * The JSON API's CSP: nothing may load, run, frame or submit. An HTML page sets its own policy, no wider than
 * the page needs, next to its markup (src/platform/docs-page.ts, src/modules/notifications/unsubscribe-page.ts);
 * this one applies to every answer that has none.
 */
const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

export const securityHeaders: MiddlewareHandler<AppEnv> = async (c, next) => {
  await next();
  const h = c.res.headers;
  h.set("Strict-Transport-Security", "max-age=63072000; includeSubDomains; preload");
  h.set("X-Content-Type-Options", "nosniff");
  h.set("X-Frame-Options", "DENY");
  h.set("Referrer-Policy", "strict-origin-when-cross-origin");
  h.set("Cross-Origin-Opener-Policy", "same-origin");
  h.set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()");
  if (!h.has("Content-Security-Policy")) h.set("Content-Security-Policy", API_CSP);
};

/** CORS for the origins listed in CORS_ORIGINS (comma-separated); everything else gets no CORS headers. */
export const corsAllowlist: MiddlewareHandler<AppEnv> = (c, next) =>
  corsFor(c.env.CORS_ORIGINS ?? "")(c, next);

// One handler per CORS_ORIGINS value (there is one per deployment): building it per request showed in profiles.
const corsHandlers = new Map<string, MiddlewareHandler<AppEnv>>();

function corsFor(origins: string): MiddlewareHandler<AppEnv> {
  let handler = corsHandlers.get(origins);
  if (!handler) {
    const allowed = new Set(
      origins
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean),
    );
    handler = cors({
      origin: (origin) => (allowed.has(origin) ? origin : null),
      allowMethods: ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
      allowHeaders: [
        "Authorization",
        "Content-Type",
        "Accept-Language",
        "X-Request-Id",
        "Idempotency-Key",
        "X-D1-Bookmark",
      ],
      exposeHeaders: [
        "X-Request-Id",
        "X-D1-Bookmark",
        "Retry-After",
        "RateLimit-Limit",
        "RateLimit-Remaining",
        "RateLimit-Reset",
        "ETag",
      ],
      maxAge: 600,
      credentials: false,
    });
    corsHandlers.set(origins, handler);
  }
  return handler;
}

export const JSON_BODY_LIMIT = 256 * 1024;

/** Bodies above the limit are refused with 413 before they are read in full. */
export function limitBody(maxSize: number): MiddlewareHandler<AppEnv> {
  return bodyLimit({
    maxSize,
    onError: () => {
      throw new AppError("PAYLOAD_TOO_LARGE");
    },
  });
}

/**
 * A Worker whose secrets are missing or too short (platform/environment.ts) serves nothing that would need them:
 * 503 SERVICE_MISCONFIGURED, and one error line naming the settings. /health reports the same problems.
 */
export const requireConfiguration: MiddlewareHandler<AppEnv> = async (c, next) => {
  const problems = configurationProblems(c.env);
  if (problems.length > 0) {
    reportConfigurationProblems(problems);
    throw new ConfigurationError(problems);
  }
  await next();
};

/**
 * The request's D1 session (src/platform/db/session.ts): started where its method allows, at the client's
 * `x-d1-bookmark` when it sent one, and set as `c.var.d1`, the database of the request's services. The
 * answer carries the session's latest bookmark (or the client's, when nothing was queried).
 *
 * A header that is not a bookmark is refused with 400 INVALID_BOOKMARK rather than ignored: the client
 * sent it to read its own writes, and ignoring it would quietly give it reads that may miss them, the very
 * bug it guards against. Like a malformed cursor, it is the client's to fix (drop the header and start
 * again from the next answer's bookmark).
 */
export const d1Session: MiddlewareHandler<AppEnv> = async (c, next) => {
  const sent = c.req.header(BOOKMARK_HEADER)?.trim() || undefined;
  if (sent !== undefined && !isBookmark(sent)) throw new AppError("INVALID_BOOKMARK");
  const session = c.env.DB.withSession(sessionStart(c.req.method, sent));
  c.set("d1", sessionDatabase(c.env.DB, session));
  await next();
  const bookmark = laterBookmark(session.getBookmark(), sent);
  if (bookmark) c.res.headers.set(BOOKMARK_HEADER, bookmark);
};
