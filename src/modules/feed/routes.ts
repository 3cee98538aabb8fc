import { createRoute, z } from "@hono/zod-openapi";
import { eq } from "drizzle-orm";
import { depsOf } from "../../core/deps";
import { currentUser, requireAuth } from "../../core/identity/auth";
import { userPreferences } from "../../db/schema";
import { noStore } from "../../platform/http-cache";
import { bearer, createRouter, errors, json } from "../../platform/openapi";
import { PageQuery, pageSchema } from "../../platform/pagination";
import { PostSchema } from "../posts";
import { followingFeed, forYouFeed } from "./service";

const FeedQuery = PageQuery.extend({
  type: z.enum(["following", "for-you"]).optional().openapi({
    description:
      "following: newest first from people, hashtags and connections you follow, and yourself. for-you: ranked by recency × engagement × affinity. Default: your feedSort preference (RELEVANCE → for-you, RECENT → following).",
  }),
});

export const feedRoutes = createRouter().openapi(
  createRoute({
    method: "get",
    path: "/",
    tags: ["Feed"],
    summary: "Your home feed (one page per request; cursor from nextCursor)",
    security: bearer,
    middleware: [requireAuth] as const,
    request: { query: FeedQuery },
    responses: { 200: json(pageSchema(PostSchema).openapi("FeedPage")), ...errors(400, 401) },
  }),
  async (c) => {
    const deps = depsOf(c);
    const user = currentUser(c);
    const query = c.req.valid("query");
    let type = query.type;
    if (!type) {
      const pref = await deps.db
        .select({ feedSort: userPreferences.feedSort })
        .from(userPreferences)
        .where(eq(userPreferences.userId, user.id))
        .get();
      type = pref?.feedSort === "RECENT" ? "following" : "for-you";
    }
    const page =
      type === "following"
        ? await followingFeed(deps, user.id, query)
        : await forYouFeed(deps, user.id, query);
    noStore(c);
    return c.json(page, 200);
  },
);
