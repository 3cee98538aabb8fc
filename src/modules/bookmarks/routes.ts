import { createRoute, z } from "@hono/zod-openapi";
import { depsOf } from "../../core/deps";
import { currentUser, requireAuth } from "../../core/identity/auth";
import { noStore } from "../../platform/http-cache";
import { bearer, createRouter, errors, json, jsonBody, orNull } from "../../platform/openapi";
import { PageQuery, pageSchema } from "../../platform/pagination";
import { rateLimit } from "../../platform/rate-limit";
import { Id, PostIdParam, PostSchema } from "../posts";
import * as bookmarks from "./service";

const tags = ["Bookmarks"];

const BookmarkBody = z
  .object({ postId: Id.optional(), jobId: Id.optional(), articleId: Id.optional() })
  .strict()
  .refine((b) => [b.postId, b.jobId, b.articleId].filter((v) => v !== undefined).length === 1, {
    message: "Give exactly one of postId, jobId, articleId",
  })
  .openapi("BookmarkRequest");

const BookmarkSchema = z
  .object({
    bookmarkId: z.string(),
    type: z.enum(["POST", "JOB", "ARTICLE"]),
    postId: z.string().nullable(),
    createdAt: z.string().openapi({ format: "date-time" }),
  })
  .openapi("Bookmark");

const BookmarkItem = BookmarkSchema.extend({
  post: orNull(PostSchema, "null when the post was deleted or is no longer visible to you"),
}).openapi("BookmarkItem");

export const bookmarkRoutes = createRouter()
  .openapi(
    createRoute({
      method: "post",
      path: "/",
      tags,
      summary: "Save a post (exactly one of postId, jobId, articleId; 50 per hour)",
      security: bearer,
      middleware: [requireAuth, rateLimit("bookmarks")] as const,
      request: { body: jsonBody(BookmarkBody) },
      responses: { 201: json(BookmarkSchema, "Saved"), ...errors(400, 401, 404, 409, 429) },
    }),
    async (c) => {
      const body = c.req.valid("json");
      const target = body.postId
        ? { type: "post", id: body.postId }
        : body.jobId
          ? { type: "job", id: body.jobId }
          : { type: "article", id: body.articleId! };
      const result = await bookmarks.addBookmark(depsOf(c), currentUser(c).id, target);
      noStore(c);
      return c.json(result, 201);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/",
      tags,
      summary: "Your bookmarks, newest first",
      security: bearer,
      middleware: [requireAuth] as const,
      request: { query: PageQuery },
      responses: { 200: json(pageSchema(BookmarkItem).openapi("BookmarkPage")), ...errors(400, 401) },
    }),
    async (c) => {
      const page = await bookmarks.listBookmarks(depsOf(c), currentUser(c).id, c.req.valid("query"));
      noStore(c);
      return c.json(page, 200);
    },
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/{id}",
      tags,
      summary: "Remove one of your bookmarks, by its id or by the saved post/job/article id",
      security: bearer,
      middleware: [requireAuth] as const,
      request: { params: PostIdParam },
      responses: { 204: { description: "Removed" }, ...errors(401, 404) },
    }),
    async (c) => {
      await bookmarks.removeBookmark(depsOf(c), currentUser(c).id, c.req.valid("param").id);
      return c.body(null, 204);
    },
  );
