import { createRoute } from "@hono/zod-openapi";
import { depsOf } from "../../core/deps";
import { currentUser, requireAuth } from "../../core/identity/auth";
import { noStore } from "../../platform/http-cache";
import { bearer, createRouter, errors, json, jsonBody } from "../../platform/openapi";
import { pageSchema } from "../../platform/pagination";
import { rateLimit } from "../../platform/rate-limit";
import { PostIdParam } from "../posts";
import { CommentSchema, CommentsQuery, CreateCommentBody, UpdateCommentBody } from "./schemas";
import * as comments from "./service";

const tags = ["Comments"];
const CommentPage = pageSchema(CommentSchema).openapi("CommentPage");

/** Mounted at /api/v1/posts: the comments of a post. */
export const postCommentRoutes = createRouter()
  .openapi(
    createRoute({
      method: "post",
      path: "/{id}/comments",
      tags,
      summary: "Comment on a post, or reply to a comment (parentId); up to 1,250 characters",
      security: bearer,
      middleware: [requireAuth, rateLimit("comments")] as const,
      request: { params: PostIdParam, body: jsonBody(CreateCommentBody) },
      responses: { 201: json(CommentSchema, "Created"), ...errors(400, 401, 403, 404, 429) },
    }),
    async (c) => {
      const comment = await comments.createComment(
        depsOf(c),
        currentUser(c),
        c.req.valid("param").id,
        c.req.valid("json"),
      );
      noStore(c);
      return c.json(comment, 201);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/{id}/comments",
      tags,
      summary:
        "Top-level comments of a post, newest first; or the replies to one comment (parentId), oldest first",
      security: [...bearer, {}],
      request: { params: PostIdParam, query: CommentsQuery },
      responses: { 200: json(CommentPage), ...errors(400, 401, 404) },
    }),
    async (c) => {
      const page = await comments.listComments(
        depsOf(c),
        c.var.user?.id,
        c.req.valid("param").id,
        c.req.valid("query"),
      );
      noStore(c);
      return c.json(page, 200);
    },
  );

/** Mounted at /api/v1/comments: one comment. */
export const commentRoutes = createRouter()
  .openapi(
    createRoute({
      method: "get",
      path: "/{id}",
      tags,
      summary: "Read one comment",
      security: [...bearer, {}],
      request: { params: PostIdParam },
      responses: { 200: json(CommentSchema), ...errors(400, 401, 404) },
    }),
    async (c) => {
      const comment = await comments.getComment(depsOf(c), c.var.user?.id, c.req.valid("param").id);
      noStore(c);
      return c.json(comment, 200);
    },
  )
  .openapi(
    createRoute({
      method: "patch",
      path: "/{id}",
      tags,
      summary: "Edit your comment (editedAt is set)",
      security: bearer,
      middleware: [requireAuth, rateLimit("comments")] as const,
      request: { params: PostIdParam, body: jsonBody(UpdateCommentBody) },
      responses: { 200: json(CommentSchema), ...errors(400, 401, 403, 404, 429) },
    }),
    async (c) => {
      const comment = await comments.updateComment(
        depsOf(c),
        currentUser(c),
        c.req.valid("param").id,
        c.req.valid("json").content,
      );
      noStore(c);
      return c.json(comment, 200);
    },
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/{id}",
      tags,
      summary:
        "Delete a comment (its author or the post's author); a top-level comment takes its replies with it",
      security: bearer,
      middleware: [requireAuth] as const,
      request: { params: PostIdParam },
      responses: { 204: { description: "Deleted" }, ...errors(401, 403, 404) },
    }),
    async (c) => {
      await comments.deleteComment(depsOf(c), currentUser(c).id, c.req.valid("param").id);
      return c.body(null, 204);
    },
  );
