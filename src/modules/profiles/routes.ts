import { createRoute, z } from "@hono/zod-openapi";
import { UserCardSchema } from "../../core/cards";
import { depsOf } from "../../core/deps";
import { currentUser, requireAuth } from "../../core/identity/auth";
import { bearer, createRouter, errors, json, jsonBody } from "../../platform/openapi";
import { rateLimit } from "../../platform/rate-limit";
import { endorse, withdrawEndorsement } from "./endorsements";
import { FullProfileSchema, ProfileResponse, UpdateProfileBody } from "./schemas";
import { getMyViews, getProfile } from "./service";
import { updateMyProfile } from "./update";

const tags = ["Profiles"];

const ProfileRefParam = z.object({
  username: z
    .string()
    .max(64)
    .openapi({ param: { name: "username", in: "path" }, description: "Username (any case) or member id" }),
});
const EndorseParams = z.object({
  id: z
    .string()
    .max(64)
    .openapi({ param: { name: "id", in: "path" }, description: "The skill owner's member id or username" }),
  skillId: z
    .string()
    .max(64)
    .openapi({ param: { name: "skillId", in: "path" } }),
});
const EndorsementStateSchema = z
  .object({ skillId: z.string(), endorsementCount: z.number().int(), endorsedByMe: z.boolean() })
  .openapi("EndorsementState");
const ProfileViewsSchema = z
  .object({
    total: z.number().int().openapi({ description: "All-time views (one per viewer per UTC day)" }),
    last90Days: z.number().int(),
    recentViewers: z.array(z.object({ user: UserCardSchema, viewedAt: z.string() })),
  })
  .openapi("ProfileViews");

// "/me" routes are registered before "/{username}" so they win.
export const profileRoutes = createRouter()
  .openapi(
    createRoute({
      method: "get",
      path: "/me",
      tags,
      summary: "Your own profile, with privacy settings, view count and completeness",
      security: bearer,
      middleware: [requireAuth] as const,
      responses: { 200: json(FullProfileSchema), ...errors(401) },
    }),
    async (c) => {
      const id = currentUser(c).id;
      return c.json((await getProfile(depsOf(c), id, id)) as z.infer<typeof FullProfileSchema>, 200);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/me/views",
      tags,
      summary: "Who viewed your profile: counts and the latest 20 viewers (last 90 days)",
      security: bearer,
      middleware: [requireAuth] as const,
      responses: { 200: json(ProfileViewsSchema), ...errors(401) },
    }),
    async (c) => c.json(await getMyViews(depsOf(c), currentUser(c).id), 200),
  )
  .openapi(
    createRoute({
      method: "patch",
      path: "/me",
      tags,
      summary: "Edit your profile: only the fields given change; a list given replaces the whole list",
      security: bearer,
      middleware: [requireAuth] as const,
      request: { body: jsonBody(UpdateProfileBody) },
      responses: { 200: json(FullProfileSchema), ...errors(400, 401) },
    }),
    async (c) => c.json(await updateMyProfile(depsOf(c), currentUser(c).id, c.req.valid("json")), 200),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/{username}",
      tags,
      summary: "A member's profile, as privacy settings let the viewer see it (sign-in optional)",
      description:
        "Full profile for the owner, for everyone when PUBLIC, for connections when CONNECTIONS; otherwise a limited card. Blocked, deleted or suspended members are 404. A signed-in view is recorded once per viewer per day.",
      request: { params: ProfileRefParam },
      responses: { 200: json(ProfileResponse), ...errors(401, 404) },
    }),
    async (c) => c.json(await getProfile(depsOf(c), c.req.valid("param").username, c.var.user?.id), 200),
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/{id}/skills/{skillId}/endorse",
      tags,
      summary: "Endorse a connection's skill (once per skill; 20 per day)",
      security: bearer,
      middleware: [requireAuth, rateLimit("endorsements")] as const,
      request: { params: EndorseParams },
      responses: { 201: json(EndorsementStateSchema, "Endorsed"), ...errors(400, 401, 403, 404, 409, 429) },
    }),
    async (c) => {
      const { id, skillId } = c.req.valid("param");
      return c.json(await endorse(depsOf(c), id, skillId, currentUser(c).id), 201);
    },
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/{id}/skills/{skillId}/endorse",
      tags,
      summary: "Withdraw your endorsement of a skill (idempotent)",
      security: bearer,
      middleware: [requireAuth] as const,
      request: { params: EndorseParams },
      responses: { 200: json(EndorsementStateSchema), ...errors(401, 404) },
    }),
    async (c) => {
      const { id, skillId } = c.req.valid("param");
      return c.json(await withdrawEndorsement(depsOf(c), id, skillId, currentUser(c).id), 200);
    },
  );
