import { createRoute, z } from "@hono/zod-openapi";
import { depsOf } from "../../core/deps";
import { currentUser, requireAuth } from "../../core/identity/auth";
import { bearer, createRouter, errors, IdParam, json, jsonBody } from "../../platform/openapi";
import { PageQuery, pageSchema } from "../../platform/pagination";
import { rateLimit } from "../../platform/rate-limit";
import * as invitations from "./invitations";
import { getConversation, listConversations } from "./read";
import {
  AddMembersInput,
  ConversationDetailSchema,
  ConversationInvitationSchema,
  ConversationSchema,
  CreateConversationInput,
  InvitedSchema,
  ListQuery,
  RoleInput,
  SettingsInput,
  UpdateConversationInput,
} from "./schemas";
import * as conversations from "./service";

const tags = ["Messaging"];
const MemberParams = IdParam.extend({
  userId: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: "userId", in: "path" } }),
});
const Detail = z.object({ conversation: ConversationDetailSchema });
const DetailWithInvited = z.object({ conversation: ConversationDetailSchema, invited: InvitedSchema });

export const conversationRoutes = createRouter()
  .openapi(
    createRoute({
      method: "post",
      path: "/",
      tags,
      summary:
        "Start a conversation: one other member and no name is a 1:1 (asking again answers the same one); a group gets your connections as members and invites everyone else",
      security: bearer,
      middleware: [requireAuth, rateLimit("conversations")] as const,
      request: { body: jsonBody(CreateConversationInput) },
      responses: {
        201: json(DetailWithInvited, "Created"),
        200: json(DetailWithInvited, "The existing 1:1 with this member"),
        ...errors(400, 401, 403, 404, 409, 429),
      },
    }),
    async (c) => {
      const user = currentUser(c);
      const { conversation, created, invited } = await conversations.createConversation(
        depsOf(c),
        user,
        c.req.valid("json"),
      );
      return created ? c.json({ conversation, invited }, 201) : c.json({ conversation, invited }, 200);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/invitations",
      tags,
      summary: "Groups you are invited to: you join one, and see anything of it, only by accepting",
      security: bearer,
      middleware: [requireAuth] as const,
      request: { query: PageQuery },
      responses: { 200: json(pageSchema(ConversationInvitationSchema)), ...errors(400, 401) },
    }),
    async (c) =>
      c.json(await invitations.listInvitations(depsOf(c), currentUser(c).id, c.req.valid("query")), 200),
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/{id}/invitation/accept",
      tags,
      summary: "Accept an invitation to a group: you become a member and see what is sent from now on",
      security: bearer,
      middleware: [requireAuth] as const,
      request: { params: IdParam },
      responses: { 200: json(Detail), ...errors(401, 404, 409) },
    }),
    async (c) =>
      c.json(
        {
          conversation: await invitations.acceptInvitation(
            depsOf(c),
            currentUser(c).id,
            c.req.valid("param").id,
          ),
        },
        200,
      ),
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/{id}/invitation/decline",
      tags,
      summary: "Decline an invitation to a group (silently: the group cannot invite you again for 30 days)",
      security: bearer,
      middleware: [requireAuth] as const,
      request: { params: IdParam },
      responses: { 204: { description: "Declined" }, ...errors(401, 404) },
    }),
    async (c) => {
      await invitations.declineInvitation(depsOf(c), currentUser(c).id, c.req.valid("param").id);
      return c.body(null, 204);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/",
      tags,
      summary: "Your conversations: pinned first, then newest activity first, with unread counts",
      security: bearer,
      middleware: [requireAuth] as const,
      request: { query: PageQuery.extend(ListQuery.shape) },
      responses: { 200: json(pageSchema(ConversationSchema)), ...errors(400, 401) },
    }),
    async (c) => c.json(await listConversations(depsOf(c), currentUser(c).id, c.req.valid("query")), 200),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/{id}",
      tags,
      summary: "A conversation with its members and their receipts",
      security: bearer,
      middleware: [requireAuth] as const,
      request: { params: IdParam },
      responses: { 200: json(Detail), ...errors(401, 404) },
    }),
    async (c) =>
      c.json(
        {
          conversation: await getConversation(depsOf(c), currentUser(c).id, c.req.valid("param").id),
        },
        200,
      ),
  )
  .openapi(
    createRoute({
      method: "patch",
      path: "/{id}",
      tags,
      summary: "Rename a group or change its image (admins)",
      security: bearer,
      middleware: [requireAuth] as const,
      request: { params: IdParam, body: jsonBody(UpdateConversationInput) },
      responses: { 200: json(Detail), ...errors(400, 401, 403, 404, 409) },
    }),
    async (c) => {
      const conversation = await conversations.updateConversation(
        depsOf(c),
        currentUser(c).id,
        c.req.valid("param").id,
        c.req.valid("json"),
      );
      return c.json({ conversation }, 200);
    },
  )
  .openapi(
    createRoute({
      method: "patch",
      path: "/{id}/settings",
      tags,
      summary: "Your own settings for a conversation: mute (optionally until a time), archive, pin",
      security: bearer,
      middleware: [requireAuth] as const,
      request: { params: IdParam, body: jsonBody(SettingsInput) },
      responses: { 200: json(Detail), ...errors(400, 401, 404) },
    }),
    async (c) => {
      const conversation = await conversations.updateSettings(
        depsOf(c),
        currentUser(c).id,
        c.req.valid("param").id,
        c.req.valid("json"),
      );
      return c.json({ conversation }, 200);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/{id}/members",
      tags,
      summary:
        "Add members to a group (admins; at most 256 members and pending invitations): your connections join at once, everyone else is invited (50 invitations a day)",
      security: bearer,
      middleware: [requireAuth] as const,
      request: { params: IdParam, body: jsonBody(AddMembersInput) },
      responses: { 200: json(DetailWithInvited), ...errors(400, 401, 403, 404, 409, 429) },
    }),
    async (c) => {
      const { conversation, invited } = await conversations.addMembers(
        depsOf(c),
        currentUser(c).id,
        c.req.valid("param").id,
        c.req.valid("json"),
      );
      return c.json({ conversation, invited }, 200);
    },
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/{id}/members/{userId}",
      tags,
      summary:
        "Remove a member from a group, or withdraw someone's invitation (admins; removing yourself is leaving)",
      security: bearer,
      middleware: [requireAuth] as const,
      request: { params: MemberParams },
      responses: { 204: { description: "Removed" }, ...errors(401, 403, 404, 409) },
    }),
    async (c) => {
      const { id, userId } = c.req.valid("param");
      await conversations.removeMember(depsOf(c), currentUser(c).id, id, userId);
      return c.body(null, 204);
    },
  )
  .openapi(
    createRoute({
      method: "patch",
      path: "/{id}/members/{userId}",
      tags,
      summary: "Make a member admin or member (admins); to hand over, promote someone then step down",
      security: bearer,
      middleware: [requireAuth] as const,
      request: { params: MemberParams, body: jsonBody(RoleInput) },
      responses: { 200: json(Detail), ...errors(400, 401, 403, 404, 409) },
    }),
    async (c) => {
      const { id, userId } = c.req.valid("param");
      const conversation = await conversations.setMemberRole(
        depsOf(c),
        currentUser(c).id,
        id,
        userId,
        c.req.valid("json").role,
      );
      return c.json({ conversation }, 200);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/{id}/leave",
      tags,
      summary: "Leave a group (if you were its only admin, the longest-standing member becomes admin)",
      security: bearer,
      middleware: [requireAuth] as const,
      request: { params: IdParam },
      responses: { 204: { description: "Left" }, ...errors(401, 404, 409) },
    }),
    async (c) => {
      await conversations.leaveConversation(depsOf(c), currentUser(c).id, c.req.valid("param").id);
      return c.body(null, 204);
    },
  );
