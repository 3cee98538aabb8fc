import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { depsOf } from "../../core/deps";
import { currentUser, requireAuth, requireRole } from "../../core/identity/auth";
import type { AppEnv } from "../../platform/env";
import { AppError } from "../../platform/errors";
import { noStore } from "../../platform/http-cache";
import { bearer, createRouter, errors, IdParam, json, jsonBody } from "../../platform/openapi";
import { pageSchema } from "../../platform/pagination";
import { rateLimit } from "../../platform/rate-limit";
import { revokeAction } from "./actions";
import { type AuditFilter, auditCsv, listAudit, type Staff } from "./audit";
import { assignCase, listCases, resolveCase } from "./cases";
import { fileReport } from "./reports";
import { grantRole, revokeRole } from "./roles";
import {
  ActionSchema,
  AssignBody,
  AuditEntrySchema,
  AuditQuery,
  CaseQuery,
  CaseSchema,
  ReportBody,
  ReportSchema,
  ResolveBody,
  RevokeBody,
  RoleBody,
  RoleSchema,
} from "./schemas";

/** The caller of an administrative route, with the role `requireRole` read from D1. */
function staffOf(c: Context<AppEnv>): Staff {
  const role = c.var.role;
  if (!role) throw new AppError("FORBIDDEN");
  return { id: currentUser(c).id, role, requestId: c.var.requestId };
}

/** Mounted at /api/v1/reports. */
export const reportRoutes = createRouter().openapi(
  createRoute({
    method: "post",
    path: "/",
    tags: ["Reports"],
    summary: "Report a member, post or comment you can see (10 per day, shared with blocks)",
    description: "One open report per target; the target is kept as it was when first reported.",
    security: bearer,
    middleware: [requireAuth, rateLimit("block-report")] as const,
    request: { body: jsonBody(ReportBody) },
    responses: { 201: json(ReportSchema, "Reported"), ...errors(400, 401, 404, 409, 429) },
  }),
  async (c) => {
    const report = await fileReport(depsOf(c), currentUser(c).id, c.req.valid("json"));
    noStore(c);
    return c.json(report, 201);
  },
);

const tags = ["Moderation"];
const CAN_READ_QUEUE = requireRole("support", "moderator", "admin");
const CAN_MODERATE = requireRole("moderator", "admin");
const ADMIN_ONLY = requireRole("admin");

function auditFilter(q: z.output<typeof AuditQuery>): AuditFilter {
  return {
    actorId: q.actorId,
    action: q.action,
    targetType: q.targetType,
    targetId: q.targetId,
    from: q.from ? Date.parse(q.from) : undefined,
    to: q.until ? Date.parse(q.until) : undefined,
  };
}

/** Mounted at /api/v1/admin: each route declares the staff roles it admits. */
export const adminRoutes = createRouter()
  .openapi(
    createRoute({
      method: "get",
      path: "/reports",
      tags,
      summary: "The moderation queue: reports grouped by target, oldest first (support, moderator, admin)",
      security: bearer,
      middleware: [requireAuth, CAN_READ_QUEUE] as const,
      request: { query: CaseQuery },
      responses: { 200: json(pageSchema(CaseSchema).openapi("ReportCasePage")), ...errors(400, 401, 403) },
    }),
    async (c) => {
      const { status, ...page } = c.req.valid("query");
      const result = await listCases(depsOf(c), status, page);
      noStore(c);
      return c.json(result, 200);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/reports/{id}/assign",
      tags,
      summary: "Assign an open report to a moderator or admin, yourself by default (moderator, admin)",
      security: bearer,
      middleware: [requireAuth, CAN_MODERATE] as const,
      request: { params: IdParam, body: jsonBody(AssignBody) },
      responses: { 200: json(CaseSchema), ...errors(400, 401, 403, 404, 409) },
    }),
    async (c) => {
      const result = await assignCase(
        depsOf(c),
        staffOf(c),
        c.req.valid("param").id,
        c.req.valid("json").assigneeId,
      );
      return c.json(result, 200);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/reports/{id}/resolve",
      tags,
      summary:
        "Resolve an open report: DISMISSED, or ACTIONED with an action against the target's owner (moderator, admin)",
      security: bearer,
      middleware: [requireAuth, CAN_MODERATE] as const,
      request: { params: IdParam, body: jsonBody(ResolveBody) },
      responses: { 200: json(CaseSchema), ...errors(400, 401, 403, 404, 409) },
    }),
    async (c) => {
      const result = await resolveCase(depsOf(c), staffOf(c), c.req.valid("param").id, c.req.valid("json"));
      return c.json(result, 200);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/actions/{id}/revoke",
      tags,
      summary: "Revoke a mute, suspension, ban or shadowban in force (moderator, admin)",
      security: bearer,
      middleware: [requireAuth, CAN_MODERATE] as const,
      request: { params: IdParam, body: jsonBody(RevokeBody) },
      responses: { 200: json(ActionSchema), ...errors(400, 401, 403, 404, 409) },
    }),
    async (c) => {
      const result = await revokeAction(
        depsOf(c),
        staffOf(c),
        c.req.valid("param").id,
        c.req.valid("json").reason,
      );
      return c.json(result, 200);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/users/{id}/roles",
      tags,
      summary: "Grant a staff role: support, moderator or admin (admin)",
      security: bearer,
      middleware: [requireAuth, ADMIN_ONLY] as const,
      request: { params: IdParam, body: jsonBody(RoleBody) },
      responses: { 200: json(RoleSchema), ...errors(400, 401, 403, 404, 409) },
    }),
    async (c) => {
      const result = await grantRole(
        depsOf(c),
        staffOf(c),
        c.req.valid("param").id,
        c.req.valid("json").role,
      );
      return c.json(result, 200);
    },
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/users/{id}/roles",
      tags,
      summary: "Revoke a member's staff role (admin)",
      security: bearer,
      middleware: [requireAuth, ADMIN_ONLY] as const,
      request: { params: IdParam },
      responses: { 200: json(RoleSchema), ...errors(400, 401, 403, 404, 409) },
    }),
    async (c) => {
      const result = await revokeRole(depsOf(c), staffOf(c), c.req.valid("param").id);
      return c.json(result, 200);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/audit",
      tags,
      summary:
        "The audit log, newest first, filtered by actor, action, target and time (from inclusive, until exclusive) (admin)",
      security: bearer,
      middleware: [requireAuth, ADMIN_ONLY] as const,
      request: { query: AuditQuery },
      responses: { 200: json(pageSchema(AuditEntrySchema).openapi("AuditPage")), ...errors(400, 401, 403) },
    }),
    async (c) => {
      const { cursor, limit, ...filter } = c.req.valid("query");
      const result = await listAudit(depsOf(c), auditFilter({ cursor, limit, ...filter }), { cursor, limit });
      noStore(c);
      return c.json(result, 200);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/audit.csv",
      tags,
      summary: "The audit log as CSV, same filters, at most 10,000 rows (admin)",
      security: bearer,
      middleware: [requireAuth, ADMIN_ONLY] as const,
      request: { query: AuditQuery.omit({ cursor: true, limit: true }) },
      responses: {
        200: { description: "CSV", content: { "text/csv": { schema: z.string() } } },
        ...errors(400, 401, 403),
      },
    }),
    async (c) => {
      const q = c.req.valid("query");
      const body = await auditCsv(depsOf(c), auditFilter({ ...q, limit: 100 }), 10_000);
      noStore(c);
      return c.body(body, 200, {
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": 'attachment; filename="audit.csv"',
      });
    },
  );
