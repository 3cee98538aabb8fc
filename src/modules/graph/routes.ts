import { createRoute, z } from "@hono/zod-openapi";
import { depsOf } from "../../core/deps";
import { currentUser, requireAuth } from "../../core/identity/auth";
import { bearer, createRouter, errors, json, jsonBody } from "../../platform/openapi";
import { PageQuery } from "../../platform/pagination";
import { rateLimit } from "../../platform/rate-limit";
import { blockUser, listBlocked, unblockUser } from "./blocks";
import {
  acceptRequest,
  ignoreRequest,
  listConnections,
  listRequests,
  removeConnectionWith,
  sendRequest,
  withdrawRequest,
} from "./connections";
import { follow, followTargetOf, listFollows, unfollow } from "./follows";
import {
  BlockedPage,
  BlockSchema,
  ConnectionPage,
  ConnectionRequestBody,
  ConnectionRequestResult,
  FollowBody,
  FollowPage,
  FollowSchema,
  NetworkQuery,
  OtherUserParam,
  RequestIdParam,
  RequestPage,
  RequestsQuery,
  SuggestionSchema,
  SuggestionsQuery,
  UserIdParam,
} from "./schemas";
import { suggestions } from "./suggestions";

const noContent = (description: string) => ({ 204: { description } });

const networkNote =
  "Yours by default; with ?userId= another member's, when their profile is visible to you (PUBLIC, or CONNECTIONS and you are connected) and they show their connections (403 otherwise). Blocked either way or inactive: 404.";

/** Mounted at /api/v1/follow. */
export const followRoutes = createRouter()
  .openapi(
    createRoute({
      method: "post",
      path: "/",
      tags: ["Follows"],
      summary: "Follow a member",
      security: bearer,
      middleware: [requireAuth, rateLimit("follow")] as const,
      request: { body: jsonBody(FollowBody) },
      responses: { 201: json(FollowSchema, "Following"), ...errors(400, 401, 404, 409, 429) },
    }),
    async (c) => {
      const result = await follow(depsOf(c), currentUser(c).id, followTargetOf(c.req.valid("json")));
      return c.json(result, 201);
    },
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/",
      tags: ["Follows"],
      summary: "Unfollow (idempotent)",
      security: bearer,
      middleware: [requireAuth] as const,
      request: { body: jsonBody(FollowBody) },
      responses: { ...noContent("Not following"), ...errors(400, 401) },
    }),
    async (c) => {
      await unfollow(depsOf(c), currentUser(c).id, followTargetOf(c.req.valid("json")));
      return c.body(null, 204);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/followers",
      tags: ["Follows"],
      summary: "Members who follow you (or ?userId=), newest first",
      description: networkNote,
      security: bearer,
      middleware: [requireAuth] as const,
      request: { query: NetworkQuery },
      responses: { 200: json(FollowPage), ...errors(400, 401, 403, 404) },
    }),
    async (c) => {
      const { userId, ...page } = c.req.valid("query");
      const me = currentUser(c).id;
      return c.json(await listFollows(depsOf(c), me, userId ?? me, "followers", page), 200);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/following",
      tags: ["Follows"],
      summary: "Members you follow (or ?userId=), newest first",
      description: networkNote,
      security: bearer,
      middleware: [requireAuth] as const,
      request: { query: NetworkQuery },
      responses: { 200: json(FollowPage), ...errors(400, 401, 403, 404) },
    }),
    async (c) => {
      const { userId, ...page } = c.req.valid("query");
      const me = currentUser(c).id;
      return c.json(await listFollows(depsOf(c), me, userId ?? me, "following", page), 200);
    },
  );

/** Mounted at /api/v1/connections. */
export const connectionRoutes = createRouter()
  .openapi(
    createRoute({
      method: "post",
      path: "/requests",
      tags: ["Connections"],
      summary: "Ask a member to connect (accepts their request instead if they already asked you)",
      description:
        "201 with the new pending request; 200 with the connection when the member had already asked you (A→B and B→A are one pair).",
      security: bearer,
      middleware: [requireAuth, rateLimit("connections")] as const,
      request: { body: jsonBody(ConnectionRequestBody) },
      responses: {
        201: json(ConnectionRequestResult, "Request sent"),
        200: json(ConnectionRequestResult, "Their request was accepted: you are connected"),
        ...errors(400, 401, 404, 409, 429),
      },
    }),
    async (c) => {
      const { userId, note } = c.req.valid("json");
      const { accepted, request, connection } = await sendRequest(
        depsOf(c),
        currentUser(c).id,
        userId,
        note || undefined,
      );
      return accepted ? c.json({ request, connection }, 200) : c.json({ request, connection }, 201);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/requests",
      tags: ["Connections"],
      summary: "Pending requests you received (incoming) or sent (outgoing), newest first",
      security: bearer,
      middleware: [requireAuth] as const,
      request: { query: RequestsQuery },
      responses: { 200: json(RequestPage), ...errors(400, 401) },
    }),
    async (c) => {
      const { direction, ...page } = c.req.valid("query");
      return c.json(await listRequests(depsOf(c), currentUser(c).id, direction, page), 200);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/requests/{id}/accept",
      tags: ["Connections"],
      summary: "Accept a request you received (you then follow each other)",
      security: bearer,
      middleware: [requireAuth] as const,
      request: { params: RequestIdParam },
      responses: { 200: json(ConnectionRequestResult, "Connected"), ...errors(401, 404, 409) },
    }),
    async (c) => {
      const { request, connection } = await acceptRequest(
        depsOf(c),
        currentUser(c).id,
        c.req.valid("param").id,
      );
      return c.json({ request, connection }, 200);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/requests/{id}/ignore",
      tags: ["Connections"],
      summary: "Ignore a request you received (the sender is not told)",
      security: bearer,
      middleware: [requireAuth] as const,
      request: { params: RequestIdParam },
      responses: { ...noContent("Ignored"), ...errors(401, 404) },
    }),
    async (c) => {
      await ignoreRequest(depsOf(c), currentUser(c).id, c.req.valid("param").id);
      return c.body(null, 204);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/requests/{id}/withdraw",
      tags: ["Connections"],
      summary: "Withdraw a request you sent",
      security: bearer,
      middleware: [requireAuth] as const,
      request: { params: RequestIdParam },
      responses: { ...noContent("Withdrawn"), ...errors(401, 404) },
    }),
    async (c) => {
      await withdrawRequest(depsOf(c), currentUser(c).id, c.req.valid("param").id);
      return c.body(null, 204);
    },
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/requests/{id}",
      tags: ["Connections"],
      summary: "Withdraw a request you sent (same as POST .../withdraw)",
      security: bearer,
      middleware: [requireAuth] as const,
      request: { params: RequestIdParam },
      responses: { ...noContent("Withdrawn"), ...errors(401, 404) },
    }),
    async (c) => {
      await withdrawRequest(depsOf(c), currentUser(c).id, c.req.valid("param").id);
      return c.body(null, 204);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/suggestions",
      tags: ["Connections"],
      summary: "People you may know, with the reasons",
      description:
        "Connections of your connections and members sharing a company, school or skill with you. score = 10 × mutual connections + 6 × shared companies + 5 × shared schools + 2 × min(shared skills, 10).",
      security: bearer,
      middleware: [requireAuth, rateLimit("suggestions")] as const,
      request: { query: SuggestionsQuery },
      responses: { 200: json(z.object({ data: z.array(SuggestionSchema) })), ...errors(400, 401, 429) },
    }),
    async (c) => {
      const data = await suggestions(depsOf(c), currentUser(c).id, c.req.valid("query").limit);
      return c.json({ data }, 200);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/",
      tags: ["Connections"],
      summary: "Your connections (or ?userId=), newest first",
      description: networkNote,
      security: bearer,
      middleware: [requireAuth] as const,
      request: { query: NetworkQuery },
      responses: { 200: json(ConnectionPage), ...errors(400, 401, 403, 404) },
    }),
    async (c) => {
      const { userId, ...page } = c.req.valid("query");
      const me = currentUser(c).id;
      return c.json(await listConnections(depsOf(c), me, userId ?? me, page), 200);
    },
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/{userId}",
      tags: ["Connections"],
      summary: "Remove a connection (idempotent; follows are kept)",
      security: bearer,
      middleware: [requireAuth] as const,
      request: { params: OtherUserParam },
      responses: { ...noContent("Not connected"), ...errors(400, 401) },
    }),
    async (c) => {
      await removeConnectionWith(depsOf(c), currentUser(c).id, c.req.valid("param").userId);
      return c.body(null, 204);
    },
  );

/** Mounted at /api/v1/users. */
export const blockRoutes = createRouter()
  .openapi(
    createRoute({
      method: "post",
      path: "/{id}/block",
      tags: ["Blocks"],
      summary:
        "Block a member: removes follows, connection and requests both ways; each is then hidden (404)",
      description: "201 when the block is new, 200 when you had already blocked the member.",
      security: bearer,
      middleware: [requireAuth, rateLimit("block-report")] as const,
      request: { params: UserIdParam },
      responses: {
        201: json(BlockSchema, "Blocked"),
        200: json(BlockSchema, "Already blocked"),
        ...errors(400, 401, 404, 429),
      },
    }),
    async (c) => {
      const { created, block } = await blockUser(depsOf(c), currentUser(c).id, c.req.valid("param").id);
      return created ? c.json(block, 201) : c.json(block, 200);
    },
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/{id}/block",
      tags: ["Blocks"],
      summary: "Unblock a member (idempotent; nothing removed by the block comes back)",
      security: bearer,
      middleware: [requireAuth] as const,
      request: { params: UserIdParam },
      responses: { ...noContent("Not blocked"), ...errors(400, 401) },
    }),
    async (c) => {
      await unblockUser(depsOf(c), currentUser(c).id, c.req.valid("param").id);
      return c.body(null, 204);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/blocked",
      tags: ["Blocks"],
      summary: "Members you blocked, most recent first",
      security: bearer,
      middleware: [requireAuth] as const,
      request: { query: PageQuery },
      responses: { 200: json(BlockedPage), ...errors(400, 401) },
    }),
    async (c) => c.json(await listBlocked(depsOf(c), currentUser(c).id, c.req.valid("query")), 200),
  );
