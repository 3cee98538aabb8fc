import { swaggerUI } from "@hono/swagger-ui";
import { HTTPException } from "hono/http-exception";
import type { AppEnv } from "./env";
import { readAuth } from "./lib/auth";
import { AppError, type ErrorCode, errorBody, errorStatus } from "./lib/errors";
import { corsAllowlist, JSON_BODY_LIMIT, limitBody, requestContext, securityHeaders } from "./lib/middleware";
import { logError } from "./lib/log";
import { createRouter } from "./lib/openapi";
import { authRoutes } from "./modules/auth/routes";
import { devRoutes } from "./modules/dev/routes";

const VERSION = "0.1.0";

/** Builds the Hono app: global middleware, then every module under /api/v1, then the API document. */
export function buildApp() {
  const app = createRouter();

  app.use("*", requestContext, securityHeaders, corsAllowlist);
  app.use("/api/*", limitBody(JSON_BODY_LIMIT), readAuth);

  app.get("/health", (c) => c.json({ status: "ok", version: VERSION, time: new Date(c.var.clock.now()).toISOString() }));

  const routes = app.route("/api/v1/auth", authRoutes).route("/api/v1/dev", devRoutes);

  app.openAPIRegistry.registerComponent("securitySchemes", "bearerAuth", {
    type: "http",
    scheme: "bearer",
    bearerFormat: "JWT",
  });
  app.doc31("/openapi.json", {
    openapi: "3.1.0",
    info: {
      title: "Majlis API",
      version: VERSION,
      description:
        "Arabic-first social and professional network. Errors use {error:{code,message,details?}} with messages in Arabic or English by Accept-Language. Lists use cursor pagination: ?cursor=&limit= (default 20, max 100) answering {data,nextCursor}. Text offsets (mentions) count UTF-16 code units.",
    },
  });
  app.get("/docs", swaggerUI({ url: "/openapi.json", title: "Majlis API" }));

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
