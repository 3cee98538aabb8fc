import { createRoute, z } from "@hono/zod-openapi";
import { depsOf } from "../../core/deps";
import { currentUser, requireAuth } from "../../core/identity/auth";
import { cachedJson, noStore } from "../../platform/http-cache";
import { bearer, createRouter, errors, json } from "../../platform/openapi";
import { PageQuery } from "../../platform/pagination";
import { rateLimit } from "../../platform/rate-limit";
import { PostSchema } from "../posts";
import * as hashtags from "./service";
import { trending } from "./trending";

const tags = ["Hashtags"];

const TagParam = z.object({
  tag: z
    .string()
    .min(1)
    .max(200)
    .openapi({
      param: { name: "tag", in: "path" },
      example: "الذكاء_الاصطناعي",
      description: "With or without #; any spelling",
    }),
});

const HashtagSchema = z
  .object({
    tag: z.string().openapi({ description: "Display form (as first used)" }),
    key: z.string().openapi({ description: "Normalized form used for matching" }),
    postCount: z.number().int(),
    followerCount: z.number().int(),
    following: z.boolean(),
  })
  .openapi("Hashtag");

const TrendingSchema = z
  .object({
    data: z.array(
      HashtagSchema.extend({
        score: z.number().openapi({ description: "0.5 × uses 24 h + 0.3 × uses 7 d + 0.2 × uses 30 d" }),
        uses24h: z.number().int(),
        uses7d: z.number().int(),
        uses30d: z.number().int(),
      }),
    ),
    computedAt: z
      .string()
      .nullable()
      .openapi({ format: "date-time", description: "When the hourly job last ran" }),
  })
  .openapi("TrendingHashtags");

const HashtagPostsSchema = z
  .object({ hashtag: HashtagSchema, data: z.array(PostSchema), nextCursor: z.string().nullable() })
  .openapi("HashtagPosts");

const notModified = { 304: { description: "Not modified (If-None-Match matched the ETag)" } };

export const hashtagRoutes = createRouter()
  .openapi(
    createRoute({
      method: "get",
      path: "/trending",
      tags,
      summary: "Trending hashtags (recomputed hourly)",
      security: [...bearer, {}],
      request: { query: z.object({ limit: z.coerce.number().int().min(1).max(100).default(10) }) },
      responses: { 200: json(TrendingSchema), ...notModified, ...errors(400, 401) },
    }),
    async (c) => {
      const viewer = c.var.user?.id;
      return cachedJson(c, await trending(depsOf(c), viewer, c.req.valid("query").limit), !viewer);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/{tag}",
      tags,
      summary: "A hashtag: counts and whether you follow it",
      security: [...bearer, {}],
      request: { params: TagParam },
      responses: { 200: json(HashtagSchema), ...notModified, ...errors(400, 401, 404) },
    }),
    async (c) => {
      const viewer = c.var.user?.id;
      return cachedJson(c, await hashtags.getHashtag(depsOf(c), viewer, c.req.valid("param").tag), !viewer);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/{tag}/posts",
      tags,
      summary:
        "Posts with a hashtag, newest first (anonymous readers see PUBLIC posts, cacheable with an ETag)",
      security: [...bearer, {}],
      request: { params: TagParam, query: PageQuery },
      responses: { 200: json(HashtagPostsSchema), ...notModified, ...errors(400, 401, 404) },
    }),
    async (c) => {
      const viewer = c.var.user?.id;
      const page = await hashtags.hashtagPosts(
        depsOf(c),
        viewer,
        c.req.valid("param").tag,
        c.req.valid("query"),
      );
      return cachedJson(c, page, !viewer);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/{tag}/follow",
      tags,
      summary: "Follow a hashtag (its posts join your following feed)",
      security: bearer,
      middleware: [requireAuth, rateLimit("follow")] as const,
      request: { params: TagParam },
      responses: { 201: json(HashtagSchema, "Following"), ...errors(400, 401, 409, 429) },
    }),
    async (c) => {
      const hashtag = await hashtags.followHashtag(depsOf(c), currentUser(c).id, c.req.valid("param").tag);
      noStore(c);
      return c.json(hashtag, 201);
    },
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/{tag}/follow",
      tags,
      summary: "Stop following a hashtag",
      security: bearer,
      middleware: [requireAuth] as const,
      request: { params: TagParam },
      responses: { 204: { description: "Not following" }, ...errors(400, 401) },
    }),
    async (c) => {
      await hashtags.unfollowHashtag(depsOf(c), currentUser(c).id, c.req.valid("param").tag);
      return c.body(null, 204);
    },
  );
