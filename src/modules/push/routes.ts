import { createRoute, z } from "@hono/zod-openapi";
import { depsOf } from "../../core/deps";
import { currentUser, requireAuth } from "../../core/identity/auth";
import { AppError } from "../../platform/errors";
import { bearer, createRouter, errors, json, jsonBody } from "../../platform/openapi";
import { rateLimit } from "../../platform/rate-limit";
import {
  PushSubscriptionInput,
  PushSubscriptionSchema,
  registerSubscription,
  unregisterSubscription,
} from "./service";
import { vapidKeys } from "./vapid";

const tags = ["Push"];

export const pushRoutes = createRouter()
  .openapi(
    createRoute({
      method: "get",
      path: "/vapid-public-key",
      tags,
      summary: "The server's VAPID public key, for PushManager.subscribe({applicationServerKey})",
      responses: {
        200: json(z.object({ publicKey: z.string() }).openapi("VapidPublicKey")),
        ...errors(404),
      },
    }),
    async (c) => {
      const keys = await vapidKeys(c.env);
      if (!keys) throw new AppError("PUSH_NOT_CONFIGURED");
      return c.json({ publicKey: keys.publicKey }, 200);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/register",
      tags,
      summary:
        "Register this browser's push subscription (PushSubscription.toJSON()); an endpoint another account registered is 409 PUSH_ENDPOINT_TAKEN",
      security: bearer,
      middleware: [requireAuth, rateLimit("push")] as const,
      request: { body: jsonBody(PushSubscriptionInput) },
      responses: {
        201: json(PushSubscriptionSchema, "Registered"),
        200: json(PushSubscriptionSchema, "Already registered (keys updated)"),
        ...errors(400, 401, 409, 429),
      },
    }),
    async (c) => {
      const { created, subscription } = await registerSubscription(
        depsOf(c),
        currentUser(c).id,
        c.req.valid("json"),
      );
      return c.json(subscription, created ? 201 : 200);
    },
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/unregister",
      tags,
      summary: "Remove a push subscription of mine (idempotent)",
      security: bearer,
      middleware: [requireAuth] as const,
      request: { body: jsonBody(z.object({ endpoint: z.string().min(1).max(2048) })) },
      responses: { 204: { description: "Removed" }, ...errors(400, 401) },
    }),
    async (c) => {
      await unregisterSubscription(depsOf(c), currentUser(c).id, c.req.valid("json").endpoint);
      return c.body(null, 204);
    },
  );
