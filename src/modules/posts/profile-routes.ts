import { createRoute, z } from "@hono/zod-openapi";
import { sql } from "drizzle-orm";
import { activeUserSql, notBlocked } from "../../core/access/members";
import { postVisibleTo } from "../../core/access/posts";
import { depsOf } from "../../core/deps";
import { posts } from "../../db/schema";
import { runBatch } from "../../platform/db/batch";
import { keyset } from "../../platform/db/keyset";
import { AppError } from "../../platform/errors";
import { cachedJson } from "../../platform/http-cache";
import { bearer, createRouter, errors, json } from "../../platform/openapi";
import { PageQuery, pageSchema } from "../../platform/pagination";
import { profileRefSql } from "../profiles";
import { postJsonSql, postsAs, toPosts } from "./read";
import { PostSchema } from "./schemas";

const p = postsAs("p");
const newestPosts = keyset("desc", {
  id: { column: p.id, type: "string", of: (row: { id: string }) => row.id },
});

/** Mounted at /api/v1/profiles next to the profiles module's router: a member's posts and reposts. */
export const profilePostRoutes = createRouter().openapi(
  createRoute({
    method: "get",
    path: "/{username}/posts",
    tags: ["Posts"],
    summary: "A member's posts and reposts, newest first, as you may see them",
    security: [...bearer, {}],
    request: {
      params: z.object({
        username: z
          .string()
          .min(1)
          .max(64)
          .openapi({ param: { name: "username", in: "path" } }),
      }),
      query: PageQuery,
    },
    responses: {
      200: json(pageSchema(PostSchema).openapi("PostPage")),
      304: { description: "Not modified (If-None-Match matched the ETag)" },
      ...errors(400, 401, 404),
    },
  }),
  async (c) => {
    const deps = depsOf(c);
    const viewer = c.var.user?.id;
    const { cursor, limit } = c.req.valid("query");
    const ref = profileRefSql(c.req.valid("param").username);
    if (!ref) throw new AppError("NOT_FOUND");
    const [member, rows] = (await runBatch(deps.db, [
      deps.db.get(sql`SELECT 1 AS ok WHERE ${activeUserSql(ref)} AND ${notBlocked(viewer, ref)}`),
      deps.db.all<{ id: string; json: string }>(sql`
        SELECT ${p.id}, ${postJsonSql(viewer)} AS json FROM ${posts} ${p}
        WHERE ${p.authorId} = ${ref} AND ${newestPosts.after(cursor)} AND ${postVisibleTo(viewer)}
        ORDER BY ${newestPosts.orderBy} LIMIT ${limit + 1}`),
    ])) as [unknown, { id: string; json: string }[]];
    if (!member) throw new AppError("NOT_FOUND");
    const page = newestPosts.page(rows, limit);
    return cachedJson(
      c,
      { data: await toPosts(deps, page.data, viewer), nextCursor: page.nextCursor },
      !viewer,
    );
  },
);
