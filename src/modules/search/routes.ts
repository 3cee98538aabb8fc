import { createRoute, z } from "@hono/zod-openapi";
import { depsOf } from "../../core/deps";
import { currentUser, requireAuth, requireRole } from "../../core/identity/auth";
import { bearer, createRouter, errors, json, jsonBody } from "../../platform/openapi";
import { PageQuery, pageSchema } from "../../platform/pagination";
import { rateLimit } from "../../platform/rate-limit";
import {
  AlertBody,
  RebuildBody,
  SavedIdParam,
  SavedSearchSchema,
  SaveSearchBody,
  SearchPageSchema,
  SearchQuery,
} from "./schemas";
import * as service from "./service";

const tags = ["Search"];

const SEARCH_DESCRIPTION = `Full-text search over one type. Arabic-aware, with the same rules in the index and in the query: tashkeel, tatweel, alef forms (أ إ آ ٱ), ة/ه, ى/ي, every hamza carrier (مسؤول/مسئول, شيء/شئ), Arabic-Indic and Persian digits, the Persian letters of dialect writing (گ چ ڤ پ), Latin case and accents; attached prefixes (و ف ب ك ل + ال, e.g. بالرياض / والرياض / للرياض) are stripped except from whole words (كريم is not ك + ريم); English plurals and possessives meet their singular; a hashtag matches the same words in text and the other way round (#الذكاء_الاصطناعي, #MachineLearning); names written in both scripts (python/بايثون) and dialect spellings (كتير/كثير) meet.

Every word must match (stop words such as "في" are ignored). Words are matched as typed first; only when that finds nothing at all does the search correct words one edit away, read Latin words as Arabizi (mohandes → مهندس) and, with prefix=true (default), complete the last word as a prefix of 2+ letters (typeahead). So a correction or completion never pushes down an exact match. Ranking is bm25 with field weights: people by name (10) > headline (4) > location (2) > the rest of the profile (1); posts by hashtags (3) > text (1).

Results are what the caller may see anywhere else: posts through the post visibility rule (no CONNECTIONS post to non-connections, no PRIVATE or deleted posts), people as user cards, matched only on what GET /profiles shows the caller (full profile: everything; CONNECTIONS profile of a non-connection: name and headline; PRIVATE profile: the name), never members blocked either way, deleted or suspended.

Filters (JSON in \`filters\`): location (people), industry (reserved: ignored until companies and jobs exist), from/to (posts, ISO date or date-time), type. Types jobs, companies, groups, events and articles are accepted and answer an empty page until those features exist.

With SEARCH_ENGINE=meilisearch, Meilisearch proposes the candidates (same stop words, spellings and one-typo rule; it always matches the last word as a prefix) and the same visibility rules filter them in D1; if Meilisearch fails, the D1 index answers.

Offset pagination: page (1-100) and limit (1-50), answering {data, page, limit, hasMore}. 30 searches per minute.`;

export const searchRoutes = createRouter()
  .openapi(
    createRoute({
      method: "get",
      path: "/",
      tags,
      summary: "Search people, posts, jobs, companies, groups, events or articles (30 per minute)",
      description: SEARCH_DESCRIPTION,
      security: bearer,
      middleware: [requireAuth, rateLimit("search")] as const,
      request: { query: SearchQuery },
      responses: { 200: json(SearchPageSchema), ...errors(400, 401, 429) },
    }),
    async (c) => c.json(await service.search(depsOf(c), currentUser(c).id, c.req.valid("query")), 200),
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/saved",
      tags,
      summary: "Save a search (10 per day, at most 50 kept)",
      security: bearer,
      middleware: [requireAuth, rateLimit("saved-search")] as const,
      request: { body: jsonBody(SaveSearchBody) },
      responses: { 201: json(SavedSearchSchema, "Created"), ...errors(400, 401, 409, 429) },
    }),
    async (c) => c.json(await service.saveSearch(depsOf(c), currentUser(c).id, c.req.valid("json")), 201),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/saved",
      tags,
      summary: "My saved searches, newest first",
      security: bearer,
      middleware: [requireAuth] as const,
      request: { query: PageQuery },
      responses: { 200: json(pageSchema(SavedSearchSchema)), ...errors(400, 401) },
    }),
    async (c) => {
      const { cursor, limit } = c.req.valid("query");
      return c.json(await service.listSaved(depsOf(c), currentUser(c).id, cursor, limit), 200);
    },
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/saved/{id}",
      tags,
      summary: "Delete a saved search (and its alert)",
      security: bearer,
      middleware: [requireAuth] as const,
      request: { params: SavedIdParam },
      responses: { 204: { description: "Deleted" }, ...errors(400, 401, 404) },
    }),
    async (c) => {
      await service.deleteSaved(depsOf(c), currentUser(c).id, c.req.valid("param").id);
      return c.body(null, 204);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/saved/{id}/alert",
      tags,
      summary: "Set the alert of a saved search: INSTANT (hourly check), DAILY or WEEKLY",
      description:
        "New results (created after the alert was set, or after the last check) are announced by a `system` notification (in-app, and email/push per the member's preferences). The cron runs hourly: INSTANT alerts are checked on every run, DAILY ones once a day, WEEKLY ones once a week. Setting the alert again changes the frequency and keeps the watermark.",
      security: bearer,
      middleware: [requireAuth] as const,
      request: { params: SavedIdParam, body: jsonBody(AlertBody) },
      responses: { 200: json(SavedSearchSchema), ...errors(400, 401, 404) },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      return c.json(
        await service.setAlert(depsOf(c), currentUser(c).id, id, c.req.valid("json").frequency),
        200,
      );
    },
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/saved/{id}/alert",
      tags,
      summary: "Turn off the alert of a saved search",
      security: bearer,
      middleware: [requireAuth] as const,
      request: { params: SavedIdParam },
      responses: { 204: { description: "Turned off" }, ...errors(400, 401, 404) },
    }),
    async (c) => {
      await service.removeAlert(depsOf(c), currentUser(c).id, c.req.valid("param").id);
      return c.body(null, 204);
    },
  );

export const adminSearchRoutes = createRouter().openapi(
  createRoute({
    method: "post",
    path: "/rebuild",
    tags,
    summary: "Rebuild search indexes from D1 (admins)",
    description:
      "Walks the people and/or posts tables in chunks of 100 through the search queue and upserts every entity in the D1 FTS5 index and/or Meilisearch (index settings are applied first). Locally, `npm run search:rebuild` does the same without a server.",
    security: bearer,
    middleware: [requireAuth, requireRole("admin")] as const,
    request: { body: jsonBody(RebuildBody) },
    responses: {
      202: json(z.object({ run: z.string(), types: z.array(z.string()), engine: z.string() }), "Queued"),
      ...errors(400, 401, 403),
    },
  }),
  async (c) => c.json(await service.requestRebuild(depsOf(c), c.req.valid("json")), 202),
);
