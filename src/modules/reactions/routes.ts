import { createRoute, z } from "@hono/zod-openapi";
import { UserCardSchema } from "../../core/cards";
import { depsOf } from "../../core/deps";
import { currentUser, requireAuth } from "../../core/identity/auth";
import { type Target, targetOf } from "../../core/targets";
import { noStore } from "../../platform/http-cache";
import { bearer, createRouter, errors, json, jsonBody, orNull } from "../../platform/openapi";
import { PageQuery, pageSchema } from "../../platform/pagination";
import { rateLimit } from "../../platform/rate-limit";
import { PostIdParam, ReactionCountsSchema, ReactionTypeSchema } from "../posts";
import { listReactions, react, unreact } from "./service";

export const ReactionResultSchema = z
  .object({ reacted: z.boolean(), type: orNull(ReactionTypeSchema), reactionCounts: ReactionCountsSchema })
  .openapi("ReactionResult");

const ReactorSchema = z
  .object({
    user: UserCardSchema,
    type: ReactionTypeSchema,
    reactedAt: z.string().openapi({ format: "date-time" }),
  })
  .openapi("Reactor");
const ReactorPage = pageSchema(ReactorSchema)
  .extend({ reactionCounts: ReactionCountsSchema })
  .openapi("ReactorPage");

/** The same three routes on posts and on comments. */
function reactionRoutes(type: "post" | "comment", noun: string) {
  // Looked up per request: targets register when their modules load, after this router is built.
  const target = (): Target => targetOf(type);
  const tags = ["Reactions"];
  return createRouter()
    .openapi(
      createRoute({
        method: "post",
        path: "/{id}/react",
        tags,
        summary: `React to a ${noun}, or change your reaction (60 per minute)`,
        security: bearer,
        middleware: [requireAuth, rateLimit("reactions")] as const,
        request: { params: PostIdParam, body: jsonBody(z.object({ type: ReactionTypeSchema }).strict()) },
        responses: { 200: json(ReactionResultSchema), ...errors(400, 401, 403, 404, 429) },
      }),
      async (c) => {
        const result = await react(
          depsOf(c),
          currentUser(c),
          target(),
          c.req.valid("param").id,
          c.req.valid("json").type,
        );
        noStore(c);
        return c.json(result, 200);
      },
    )
    .openapi(
      createRoute({
        method: "delete",
        path: "/{id}/react",
        tags,
        summary: `Remove your reaction from a ${noun}`,
        security: bearer,
        middleware: [requireAuth, rateLimit("reactions")] as const,
        request: { params: PostIdParam },
        responses: { 200: json(ReactionResultSchema), ...errors(401, 404, 429) },
      }),
      async (c) => {
        const result = await unreact(depsOf(c), currentUser(c).id, target(), c.req.valid("param").id);
        noStore(c);
        return c.json(result, 200);
      },
    )
    .openapi(
      createRoute({
        method: "get",
        path: "/{id}/reactions",
        tags,
        summary: `Members who reacted to a ${noun}, newest first (optionally one type), with counts per type`,
        security: [...bearer, {}],
        request: { params: PostIdParam, query: PageQuery.extend({ type: ReactionTypeSchema.optional() }) },
        responses: { 200: json(ReactorPage), ...errors(400, 401, 404) },
      }),
      async (c) => {
        const result = await listReactions(
          depsOf(c),
          c.var.user?.id,
          target(),
          c.req.valid("param").id,
          c.req.valid("query"),
        );
        noStore(c);
        return c.json(result, 200);
      },
    );
}

export const postReactionRoutes = reactionRoutes("post", "post");
export const commentReactionRoutes = reactionRoutes("comment", "comment");
