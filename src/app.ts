import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import type { MergeSchemaPath } from "hono/types";
import { readAuth } from "./core/identity/auth";
import type { ModuleManifest } from "./core/module";
import { MODULES } from "./modules";
import { STREAMED_UPLOAD_PATH } from "./modules/media";
import { docsPage } from "./platform/docs-page";
import type { AppEnv } from "./platform/env";
import { configurationProblems, reportConfigurationProblems } from "./platform/environment";
import { AppError, type ErrorCode, errorBody, errorStatus } from "./platform/errors";
import { logError } from "./platform/log";
import {
  corsAllowlist,
  d1Session,
  JSON_BODY_LIMIT,
  limitBody,
  requestContext,
  requireConfiguration,
  securityHeaders,
} from "./platform/middleware";
import { createRouter, withBookmarkHeader } from "./platform/openapi";

const VERSION = "0.1.0";

/** The routes of every module as one schema, so `hc<AppType>` types every endpoint. */
type MountsOf<M> = M extends { routes: readonly (infer R)[] } ? R : never;
type Mounted<R> = R extends { path: infer P extends string; router: Hono<AppEnv, infer S, "/"> }
  ? MergeSchemaPath<S, P>
  : never;
type AppSchema = Mounted<MountsOf<(typeof MODULES)[number]>>;

/**
 * Builds the Hono app: global middleware, then the routes of `modules` (the registered list by default;
 * tests add an example module), then the API document.
 */
export function buildApp(modules: readonly ModuleManifest[] = MODULES) {
  const app = createRouter();

  app.use("*", requestContext, securityHeaders, corsAllowlist);
  // Media uploads stream their bodies and enforce per-kind limits themselves (src/modules/media).
  const jsonLimit = limitBody(JSON_BODY_LIMIT);
  app.use(
    "/api/*",
    requireConfiguration,
    d1Session,
    (c, next) => (STREAMED_UPLOAD_PATH.test(c.req.path) ? next() : jsonLimit(c, next)),
    readAuth,
  );
  app.use("/media/*", requireConfiguration);

  app.get("/health", (c) => {
    const time = new Date(c.var.clock.now()).toISOString();
    const problems = configurationProblems(c.env);
    if (problems.length === 0) return c.json({ status: "ok", version: VERSION, time });
    reportConfigurationProblems(problems);
    return c.json({ status: "misconfigured", version: VERSION, time, problems }, 503);
  });

  for (const module of modules) {
    for (const mount of module.routes ?? []) app.route(mount.path, mount.router);
  }
  const routes = app as unknown as OpenAPIHono<AppEnv, AppSchema, "/">;

  app.openAPIRegistry.registerComponent("securitySchemes", "bearerAuth", {
    type: "http",
    scheme: "bearer",
    bearerFormat: "JWT",
  });
  const document = {
    openapi: "3.1.0",
    info: {
      title: "Majlis API",
      version: VERSION,
      description:
        "Arabic-first social and professional network. Errors use {error:{code,message,details?}} with messages in Arabic or English by Accept-Language. Lists use cursor pagination: ?cursor=&limit= (default 20, max 100) answering {data,nextCursor}. Text offsets (mentions) count UTF-16 code units. Reads may come from a database replica a moment behind: every /api answer carries x-d1-bookmark, and a client that sends the greatest bookmark it has received back in x-d1-bookmark reads its own writes.",
    },
  };
  app.get("/openapi.json", (c) => c.json(withBookmarkHeader(app.getOpenAPI31Document(document))));
  app.get("/docs", docsPage);

  app.notFound((c) => c.json(errorBody("ROUTE_NOT_FOUND", c.var.locale ?? "ar"), 404));
  app.onError((err, c) => {
    const locale = c.var.locale ?? "ar";
    if (err instanceof AppError) {
      return c.json(errorBody(err.code, locale, err.details), err.status as 400, err.headers);
    }
    if (err instanceof HTTPException) {
      const code: ErrorCode =
        err.status === 400 && /JSON/i.test(err.message)
          ? "MALFORMED_JSON"
          : err.status === 413
            ? "PAYLOAD_TOO_LARGE"
            : err.status === 415
              ? "UNSUPPORTED_MEDIA_TYPE"
              : err.status === 401
                ? "UNAUTHENTICATED"
                : err.status === 404
                  ? "NOT_FOUND"
                  : err.status < 500
                    ? "VALIDATION_ERROR"
                    : "INTERNAL";
      return c.json(errorBody(code, locale), errorStatus(code) as 400);
    }
    logError("unhandled error", {
      requestId: c.var.requestId,
      path: c.req.path,
      error: err instanceof Error ? `${err.name}: ${err.message}` : String(err),
      stack: err instanceof Error ? err.stack : undefined,
    });
    return c.json(errorBody("INTERNAL", locale), 500);
  });

  return routes;
}

export const app = buildApp();
/** The typed API for `hc<AppType>()` from "hono/client". */
export type AppType = typeof app;
