import { createRoute, z } from "@hono/zod-openapi";
import { depsOf } from "../../core/deps";
import { currentUser, requireAuth } from "../../core/identity/auth";
import { cachedJson, noStore } from "../../platform/http-cache";
import { bearer, createRouter, errors, json, jsonBody } from "../../platform/openapi";
import { rateLimit } from "../../platform/rate-limit";
import { repost, unrepost } from "./reposts";
import {
  CreatePostBody,
  PostEditSchema,
  PostIdParam,
  PostSchema,
  RepostBody,
  RepostResultSchema,
  UpdatePostBody,
} from "./schemas";
import * as posts from "./service";

const tags = ["Posts"];
const notModified = { 304: { description: "Not modified (If-None-Match matched the ETag)" } };

export const postRoutes = createRouter()
  .openapi(
    createRoute({
      method: "post",
      path: "/",
      tags,
      summary: "Publish a post (verified email required; 100 per 15 minutes)",
      description:
        "Text up to 3,000 characters, up to 10 of your own READY media, an optional poll (2-4 options, 1-14 days). Hashtags (at most 10) and @mentions are extracted on the server; mention offsets count UTF-16 code units. textDirection is detected from the content unless given.",
      security: bearer,
      middleware: [requireAuth, rateLimit("posts")] as const,
      request: { body: jsonBody(CreatePostBody) },
      responses: { 201: json(PostSchema, "Created"), ...errors(400, 401, 403, 429) },
    }),
    async (c) => {
      const post = await posts.createPost(depsOf(c), currentUser(c), c.req.valid("json"));
      noStore(c);
      return c.json(post, 201);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/{id}",
      tags,
      summary: "Read a post (anonymous readers see PUBLIC posts, cacheable with an ETag)",
      security: [...bearer, {}],
      request: { params: PostIdParam },
      responses: { 200: json(PostSchema), ...notModified, ...errors(400, 401, 404) },
    }),
    async (c) => {
      const viewer = c.var.user?.id;
      const post = await posts.getPost(depsOf(c), viewer, c.req.valid("param").id);
      // Anonymous readers only ever see PUBLIC posts.
      return cachedJson(c, post, !viewer);
    },
  )
  .openapi(
    createRoute({
      method: "patch",
      path: "/{id}",
      tags,
      summary: "Edit your post (the previous version is kept in its history; editedAt is set)",
      security: bearer,
      middleware: [requireAuth, rateLimit("posts")] as const,
      request: { params: PostIdParam, body: jsonBody(UpdatePostBody) },
      responses: { 200: json(PostSchema), ...errors(400, 401, 403, 404, 409, 429) },
    }),
    async (c) => {
      const post = await posts.updatePost(
        depsOf(c),
        currentUser(c),
        c.req.valid("param").id,
        c.req.valid("json"),
      );
      noStore(c);
      return c.json(post, 200);
    },
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/{id}",
      tags,
      summary: "Delete your post (soft delete: it disappears everywhere, and so do its plain reposts)",
      security: bearer,
      middleware: [requireAuth] as const,
      request: { params: PostIdParam },
      responses: { 204: { description: "Deleted" }, ...errors(401, 403, 404, 409) },
    }),
    async (c) => {
      await posts.deletePost(depsOf(c), currentUser(c).id, c.req.valid("param").id);
      return c.body(null, 204);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/{id}/history",
      tags,
      summary: "Earlier versions of an edited post, newest first",
      security: [...bearer, {}],
      request: { params: PostIdParam },
      responses: { 200: json(z.object({ data: z.array(PostEditSchema) })), ...errors(400, 401, 404) },
    }),
    async (c) => {
      const data = await posts.listEdits(depsOf(c), c.var.user?.id, c.req.valid("param").id);
      noStore(c);
      return c.json({ data }, 200);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/{id}/repost",
      tags,
      summary: "Repost (plain, or a quote with a comment up to 1,000 characters); one per member per post",
      description:
        "A second repost of the same post is 409 ALREADY_REPOSTED. Reposting a plain repost reposts its original. 10 per hour.",
      security: bearer,
      middleware: [requireAuth, rateLimit("reposts")] as const,
      request: {
        params: PostIdParam,
        body: {
          required: false,
          content: { "application/json": { schema: RepostBody } },
        },
      },
      responses: { 201: json(RepostResultSchema, "Reposted"), ...errors(400, 401, 403, 404, 409, 429) },
    }),
    async (c) => {
      const result = await repost(
        depsOf(c),
        currentUser(c),
        c.req.valid("param").id,
        c.req.valid("json") ?? {},
      );
      noStore(c);
      return c.json(result, 201);
    },
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/{id}/repost",
      tags,
      summary: "Remove your repost of this post",
      security: bearer,
      middleware: [requireAuth] as const,
      request: { params: PostIdParam },
      responses: { 204: { description: "Removed" }, ...errors(401, 404) },
    }),
    async (c) => {
      await unrepost(depsOf(c), currentUser(c).id, c.req.valid("param").id);
      return c.body(null, 204);
    },
  );
