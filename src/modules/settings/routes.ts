import { createRoute } from "@hono/zod-openapi";
import { depsOf } from "../../core/deps";
import { currentUser, requireAuth } from "../../core/identity/auth";
import { bearer, createRouter, errors, json, jsonBody } from "../../platform/openapi";
import { PreferencesSchema, UpdatePreferencesBody } from "./schemas";
import { getPreferences, updatePreferences } from "./service";

const tags = ["Settings"];

export const settingsRoutes = createRouter()
  .openapi(
    createRoute({
      method: "get",
      path: "/preferences",
      tags,
      summary: "Your preferences: theme, feed order and language",
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
      summary: "Change preferences; only the fields given change",
      security: bearer,
      middleware: [requireAuth] as const,
      request: { body: jsonBody(UpdatePreferencesBody) },
      responses: { 200: json(PreferencesSchema), ...errors(400, 401) },
    }),
    async (c) => c.json(await updatePreferences(depsOf(c), currentUser(c).id, c.req.valid("json")), 200),
  );
