import { createRoute, z } from "@hono/zod-openapi";
import { authenticate } from "../../core/identity/auth";
import { hubOf } from "../../core/live";
import { AppError } from "../../platform/errors";
import { negotiateLocale } from "../../platform/i18n";
import { createRouter, ErrorSchema, errors } from "../../platform/openapi";
import { PROTOCOL } from "./protocol";
import { BEARER_PROTOCOL_PREFIX, offeredProtocols, type SocketClaims, tokenExpiry } from "./socket";

/**
 * `GET /api/v1/realtime` opens the member's WebSocket (protocol: docs/REALTIME.md). Browsers cannot set an
 * Authorization header on a WebSocket, so the access token may also come as `?access_token=` or as a
 * subprotocol `bearer.<token>` offered next to `majlis.v1` (the answer selects `majlis.v1`, never the token).
 */
export const realtimeRoutes = createRouter().openapi(
  createRoute({
    method: "get",
    path: "/",
    tags: ["Realtime"],
    summary: "Open the real-time WebSocket (Upgrade: websocket); see docs/REALTIME.md for the protocol",
    request: {
      query: z.object({
        access_token: z.string().max(4096).optional().openapi({ description: "Access token, for browsers" }),
        lang: z
          .enum(["ar", "en"])
          .optional()
          .openapi({ description: "Language of error messages on the socket" }),
        resume: z.enum(["0", "1"]).optional().openapi({
          description:
            "1: the client will send `resume` first; conversation events wait for it, so a reconnect yields a gap-free, ordered, duplicate-free stream",
        }),
      }),
    },
    responses: {
      101: { description: "Switching Protocols: the socket is open" },
      ...errors(400, 401),
      426: {
        description: "Not a WebSocket upgrade",
        content: { "application/json": { schema: ErrorSchema } },
      },
    },
  }),
  async (c) => {
    if (c.req.header("upgrade")?.toLowerCase() !== "websocket") throw new AppError("UPGRADE_REQUIRED");
    const query = c.req.valid("query");
    const offered = offeredProtocols(c.req.header("sec-websocket-protocol"));
    const header = /^Bearer\s+(\S+)$/i.exec(c.req.header("authorization") ?? "")?.[1];
    const token =
      header ??
      query.access_token ??
      offered.find((p) => p.startsWith(BEARER_PROTOCOL_PREFIX))?.slice(BEARER_PROTOCOL_PREFIX.length);
    if (!token) throw new AppError("UNAUTHENTICATED");
    const user = c.var.user ?? (await authenticate(c, token));
    const claims: SocketClaims = {
      userId: user.id,
      sessionId: user.sessionId,
      emailVerified: user.emailVerified,
      exp: tokenExpiry(token) ?? c.var.clock.now(),
      locale: query.lang ?? negotiateLocale(c.req.header("accept-language")),
      protocol: offered.includes(PROTOCOL) ? PROTOCOL : null,
      holdUntilResume: query.resume === "1",
    };
    const headers = new Headers({ upgrade: "websocket", "x-majlis-socket": JSON.stringify(claims) });
    const res = await hubOf(c.env, user.id).fetch("https://hub/connect", { headers });
    // A fresh Response: the hub's answer has immutable headers, and the global middleware adds some.
    return new Response(null, {
      status: res.status,
      webSocket: res.webSocket,
      headers: res.headers,
    }) as never;
  },
);
