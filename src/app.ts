import { HTTPException } from "hono/http-exception";
import { readAuth } from "./core/identity/auth";
import { authRoutes } from "./modules/auth/routes";
import { bookmarkRoutes } from "./modules/bookmarks/routes";
import { commentRoutes, postCommentRoutes } from "./modules/comments/routes";
import { conversationRoutes } from "./modules/conversations/routes";
import { devRoutes } from "./modules/dev/routes";
import { docsPage } from "./modules/docs/page";
import { feedRoutes } from "./modules/feed/routes";
import { blockRoutes, connectionRoutes, followRoutes } from "./modules/graph/routes";
import { hashtagRoutes } from "./modules/hashtags/routes";
import { deliveryRoutes, mediaRoutes, STREAMED_UPLOAD_PATH } from "./modules/media/routes";
import { notificationRoutes } from "./modules/notifications/routes";
import { pollRoutes } from "./modules/polls/routes";
import { profilePostRoutes } from "./modules/posts/profile-routes";
import { postRoutes } from "./modules/posts/routes";
import { profileRoutes } from "./modules/profiles/routes";
import { pushRoutes } from "./modules/push/routes";
import { commentReactionRoutes, postReactionRoutes } from "./modules/reactions/routes";
import { realtimeRoutes } from "./modules/realtime/routes";
import { adminSearchRoutes, searchRoutes } from "./modules/search/routes";
import { settingsRoutes } from "./modules/settings/routes";
import { configurationProblems, reportConfigurationProblems } from "./platform/environment";
import { AppError, type ErrorCode, errorBody, errorStatus } from "./platform/errors";
import { logError } from "./platform/log";
import {
  corsAllowlist,
  JSON_BODY_LIMIT,
  limitBody,
  requestContext,
  requireConfiguration,
  securityHeaders,
} from "./platform/middleware";
import { createRouter } from "./platform/openapi";

const VERSION = "0.1.0";

/** Builds the Hono app: global middleware, then every module under /api/v1, then the API document. */
export function buildApp() {
  const app = createRouter();

  app.use("*", requestContext, securityHeaders, corsAllowlist);
  // Media uploads stream their bodies and enforce per-kind limits themselves (src/modules/media).
  const jsonLimit = limitBody(JSON_BODY_LIMIT);
  app.use(
    "/api/*",
    requireConfiguration,
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

  const routes = app
    .route("/api/v1/auth", authRoutes)
    .route("/api/v1/dev", devRoutes)
    .route("/api/v1/follow", followRoutes)
    .route("/api/v1/connections", connectionRoutes)
    .route("/api/v1/users", blockRoutes)
    .route("/api/v1/profiles", profileRoutes)
    .route("/api/v1/settings", settingsRoutes)
    .route("/api/v1/posts", postRoutes)
    .route("/api/v1/posts", postReactionRoutes)
    .route("/api/v1/posts", postCommentRoutes)
    .route("/api/v1/comments", commentRoutes)
    .route("/api/v1/comments", commentReactionRoutes)
    .route("/api/v1/bookmarks", bookmarkRoutes)
    .route("/api/v1/polls", pollRoutes)
    .route("/api/v1/hashtags", hashtagRoutes)
    .route("/api/v1/feed", feedRoutes)
    .route("/api/v1/profiles", profilePostRoutes)
    .route("/api/v1/conversations", conversationRoutes)
    .route("/api/v1/realtime", realtimeRoutes)
    .route("/api/v1/media", mediaRoutes)
    .route("/api/v1/notifications", notificationRoutes)
    .route("/api/v1/push", pushRoutes)
    .route("/api/v1/search", searchRoutes)
    .route("/api/v1/admin/search", adminSearchRoutes)
    .route("/media", deliveryRoutes);

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
