import { createRoute, z } from "@hono/zod-openapi";
import { depsOf } from "../../core/deps";
import { currentUser, requireAuth } from "../../core/identity/auth";
import { noStore } from "../../platform/http-cache";
import { bearer, createRouter, errors, json, jsonBody } from "../../platform/openapi";
import { rateLimit } from "../../platform/rate-limit";
import { Id, PollSchema, PostIdParam } from "../posts";
import * as polls from "./service";

const tags = ["Polls"];

export const pollRoutes = createRouter()
  .openapi(
    createRoute({
      method: "post",
      path: "/{id}/vote",
      tags,
      summary: "Vote in a poll (once; not after it closes); answers the results",
      security: bearer,
      middleware: [requireAuth, rateLimit("reactions")] as const,
      request: { params: PostIdParam, body: jsonBody(z.object({ optionId: Id }).strict()) },
      responses: { 200: json(PollSchema), ...errors(400, 401, 403, 404, 409, 429) },
    }),
    async (c) => {
      const poll = await polls.vote(
        depsOf(c),
        currentUser(c),
        c.req.valid("param").id,
        c.req.valid("json").optionId,
      );
      noStore(c);
      return c.json(poll, 200);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/{id}/results",
      tags,
      summary:
        "Poll results: visible after you voted, after the poll closed, or to the post's author (else 403)",
      security: [...bearer, {}],
      request: { params: PostIdParam },
      responses: { 200: json(PollSchema), ...errors(400, 401, 403, 404) },
    }),
    async (c) => {
      const poll = await polls.results(depsOf(c), c.var.user?.id, c.req.valid("param").id);
      noStore(c);
      return c.json(poll, 200);
    },
  );
