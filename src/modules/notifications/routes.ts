import { createRoute, z } from "@hono/zod-openapi";
import { depsOf } from "../../core/deps";
import { currentUser, requireAuth } from "../../core/identity/auth";
import { bearer, createRouter, errors, IdParam, json, jsonBody } from "../../platform/openapi";
import { rateLimit } from "../../platform/rate-limit";
import { getPreferences, PreferencesPatch, PreferencesSchema, updatePreferences } from "./preferences";
import {
  ListQuery,
  NotificationPage,
  ReadAllResult,
  ReadResult,
  UnreadCount,
  UnsubscribeResult,
} from "./schemas";
import * as notifications from "./service";
import { unsubscribe, verifyUnsubscribeToken } from "./unsubscribe";
import { confirmPage, donePage, htmlOrError, wantsHtml } from "./unsubscribe-page";

const tags = ["Notifications"];
const TokenQuery = z.object({ token: z.string().min(10).max(512) });
/** JSON for API clients; a page for a browser (Accept: text/html), see unsubscribe-page.ts. */
const unsubscribeAnswer = (description: string) => ({
  description,
  content: {
    "application/json": { schema: UnsubscribeResult },
    "text/html": { schema: z.string() },
  },
});

export const notificationRoutes = createRouter()
  .openapi(
    createRoute({
      method: "get",
      path: "/",
      tags,
      summary: "My notifications, most recent activity first",
      security: bearer,
      middleware: [requireAuth] as const,
      request: { query: ListQuery },
      responses: { 200: json(NotificationPage), ...errors(400, 401) },
    }),
    async (c) =>
      c.json(await notifications.listNotifications(depsOf(c), currentUser(c).id, c.req.valid("query")), 200),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/unread-count",
      tags,
      summary: "How many notifications I have not read",
      security: bearer,
      middleware: [requireAuth] as const,
      responses: { 200: json(UnreadCount), ...errors(401) },
    }),
    async (c) => c.json({ count: await notifications.unreadCount(depsOf(c), currentUser(c).id) }, 200),
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/read-all",
      tags,
      summary: "Mark every notification read",
      security: bearer,
      middleware: [requireAuth] as const,
      responses: { 200: json(ReadAllResult), ...errors(401) },
    }),
    async (c) => c.json(await notifications.markAllRead(depsOf(c), currentUser(c).id), 200),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/preferences",
      tags,
      summary: "My notification preferences: channels per type, quiet hours, time zone, digest",
      security: bearer,
      middleware: [requireAuth] as const,
      responses: { 200: json(PreferencesSchema), ...errors(401) },
    }),
    async (c) => c.json(await getPreferences(depsOf(c), currentUser(c).id), 200),
  )
  .openapi(
    createRoute({
      method: "patch",
      path: "/preferences",
      tags,
      summary: "Change notification preferences (only the fields given; quietHours: null removes them)",
      security: bearer,
      middleware: [requireAuth] as const,
      request: { body: jsonBody(PreferencesPatch) },
      responses: { 200: json(PreferencesSchema), ...errors(400, 401) },
    }),
    async (c) => c.json(await updatePreferences(depsOf(c), currentUser(c).id, c.req.valid("json")), 200),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/unsubscribe",
      tags,
      summary:
        "Unsubscribe link from an email (no sign-in; the token is signed). API clients: turns off that email. Browsers: a confirmation page whose button POSTs",
      middleware: [rateLimit("unsubscribe")] as const,
      request: { query: TokenQuery },
      responses: {
        200: unsubscribeAnswer("Unsubscribed (JSON) or the confirmation page (HTML)"),
        ...errors(400, 404, 429),
      },
    }),
    async (c) => {
      const { token } = c.req.valid("query");
      if (wantsHtml(c)) {
        return htmlOrError(c, async () => {
          const { scope } = await verifyUnsubscribeToken(c.env, token);
          return confirmPage(c.var.locale, token, scope === "digest");
        });
      }
      // A GET that writes: the account check before it reads the primary, not a replica.
      return c.json(await unsubscribe(depsOf(c, "primary"), token), 200);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/unsubscribe",
      tags,
      summary:
        "One-click unsubscribe (RFC 8058, List-Unsubscribe-Post) and the confirmation page's button: turns off that email",
      middleware: [rateLimit("unsubscribe")] as const,
      request: { query: TokenQuery },
      responses: { 200: unsubscribeAnswer("Unsubscribed"), ...errors(400, 404, 429) },
    }),
    async (c) => {
      const { token } = c.req.valid("query");
      if (wantsHtml(c)) {
        return htmlOrError(c, async () => {
          await unsubscribe(depsOf(c), token);
          return donePage(c.var.locale);
        });
      }
      return c.json(await unsubscribe(depsOf(c), token), 200);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/{id}/read",
      tags,
      summary: "Mark one notification read",
      security: bearer,
      middleware: [requireAuth] as const,
      request: { params: IdParam },
      responses: { 200: json(ReadResult), ...errors(400, 401, 404) },
    }),
    async (c) =>
      c.json(await notifications.markRead(depsOf(c), currentUser(c).id, c.req.valid("param").id), 200),
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/{id}",
      tags,
      summary: "Delete one notification",
      security: bearer,
      middleware: [requireAuth] as const,
      request: { params: IdParam },
      responses: { 204: { description: "Deleted" }, ...errors(400, 401, 404) },
    }),
    async (c) => {
      await notifications.deleteNotification(depsOf(c), currentUser(c).id, c.req.valid("param").id);
      return c.body(null, 204);
    },
  );
