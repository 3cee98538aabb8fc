import { createRoute, z } from "@hono/zod-openapi";
import { depsOf } from "../../core/deps";
import { currentUser, requireAuth } from "../../core/identity/auth";
import { bearer, createRouter, errors, IdParam, json, jsonBody } from "../../platform/openapi";
import * as messages from "./messages";
import {
  DeleteScope,
  EditInput,
  HistoryQuery,
  HistorySchema,
  MessageSchema,
  ReactInput,
  ReadInput,
  SEQ,
  SendInput,
  SendResultSchema,
} from "./schemas";

/** The messages of a conversation (history, send, edit, delete, react, read), mounted beside ./routes.ts. */
const tags = ["Messaging"];
const MessageParams = IdParam.extend({ seq: SEQ.openapi({ param: { name: "seq", in: "path" } }) });
const MessageResult = z.object({ message: MessageSchema });

export const messageRoutes = createRouter()
  .openapi(
    createRoute({
      method: "get",
      path: "/{id}/messages",
      tags,
      summary:
        "Message history by seq: the latest, ?before=seq (older) or ?after=seq (newer); ascending order",
      security: bearer,
      middleware: [requireAuth] as const,
      request: { params: IdParam, query: HistoryQuery },
      responses: { 200: json(HistorySchema), ...errors(400, 401, 404) },
    }),
    async (c) => {
      const page = await messages.messageHistory(
        depsOf(c),
        currentUser(c),
        c.req.valid("param").id,
        c.req.valid("query"),
      );
      return c.json({ data: page.data, hasMore: page.hasMore, lastSeq: page.lastSeq }, 200);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/{id}/messages",
      tags,
      summary: "Send a message (50 per minute); retrying with the same clientId answers the same message",
      security: bearer,
      middleware: [requireAuth] as const,
      request: { params: IdParam, body: jsonBody(SendInput) },
      responses: {
        201: json(SendResultSchema, "Sent"),
        200: json(SendResultSchema, "Already sent with this clientId"),
        ...errors(400, 401, 403, 404, 429),
      },
    }),
    async (c) => {
      const { message, duplicate } = await messages.sendMessage(
        depsOf(c),
        currentUser(c),
        c.req.valid("param").id,
        c.req.valid("json"),
      );
      return duplicate ? c.json({ message, duplicate }, 200) : c.json({ message, duplicate }, 201);
    },
  )
  .openapi(
    createRoute({
      method: "patch",
      path: "/{id}/messages/{seq}",
      tags,
      summary: "Edit your message (within 15 minutes of sending)",
      security: bearer,
      middleware: [requireAuth] as const,
      request: { params: MessageParams, body: jsonBody(EditInput) },
      responses: { 200: json(MessageResult), ...errors(400, 401, 403, 404, 409) },
    }),
    async (c) => {
      const { id, seq } = c.req.valid("param");
      const { message } = await messages.editMessage(
        depsOf(c),
        currentUser(c),
        id,
        seq,
        c.req.valid("json").text,
      );
      return c.json({ message }, 200);
    },
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/{id}/messages/{seq}",
      tags,
      summary:
        "Delete a message for you (scope=me) or for everyone (scope=everyone: sender or group admin; leaves a tombstone)",
      security: bearer,
      middleware: [requireAuth] as const,
      request: { params: MessageParams, query: z.object({ scope: DeleteScope.default("me") }) },
      responses: { 204: { description: "Deleted" }, ...errors(400, 401, 403, 404) },
    }),
    async (c) => {
      const { id, seq } = c.req.valid("param");
      await messages.deleteMessage(depsOf(c), currentUser(c), id, seq, c.req.valid("query").scope);
      return c.body(null, 204);
    },
  )
  .openapi(
    createRoute({
      method: "put",
      path: "/{id}/messages/{seq}/reaction",
      tags,
      summary: "React to a message with an emoji (one reaction per member; putting another replaces it)",
      security: bearer,
      middleware: [requireAuth] as const,
      request: { params: MessageParams, body: jsonBody(ReactInput) },
      responses: { 200: json(MessageResult), ...errors(400, 401, 404, 409, 429) },
    }),
    async (c) => {
      const { id, seq } = c.req.valid("param");
      const { message } = await messages.reactToMessage(
        depsOf(c),
        currentUser(c),
        id,
        seq,
        c.req.valid("json").emoji,
      );
      return c.json({ message }, 200);
    },
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/{id}/messages/{seq}/reaction",
      tags,
      summary: "Remove your reaction",
      security: bearer,
      middleware: [requireAuth] as const,
      request: { params: MessageParams },
      responses: { 200: json(MessageResult), ...errors(401, 404, 409, 429) },
    }),
    async (c) => {
      const { id, seq } = c.req.valid("param");
      const { message } = await messages.reactToMessage(depsOf(c), currentUser(c), id, seq, null);
      return c.json({ message }, 200);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/{id}/read",
      tags,
      summary: "Mark everything up to seq as read (members see a read receipt)",
      security: bearer,
      middleware: [requireAuth] as const,
      request: { params: IdParam, body: jsonBody(ReadInput) },
      responses: { 200: json(z.object({ readSeq: z.number().int() })), ...errors(400, 401, 404) },
    }),
    async (c) => {
      const { readSeq } = await messages.markRead(
        depsOf(c),
        currentUser(c),
        c.req.valid("param").id,
        c.req.valid("json").seq,
      );
      return c.json({ readSeq }, 200);
    },
  );
