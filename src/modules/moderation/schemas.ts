import { z } from "@hono/zod-openapi";
import { STAFF_ROLES } from "../../core/identity/actor";
import { ACTION_KINDS, REPORT_CATEGORIES } from "../../db/schema";
import { line, text } from "../../platform/openapi";
import { PageQuery } from "../../platform/pagination";

const Id = z.string().min(1).max(64);

export const ReportBody = z
  .object({
    type: z.string().min(1).max(32).openapi({
      description: "The target type: user, post, comment, message, or any later reportable target",
    }),
    id: Id.openapi({ description: "The target's id; for a message, its conversation's id" }),
    seq: z
      .number()
      .int()
      .min(1)
      .optional()
      .openapi({ description: "For a message: its seq in the conversation" }),
    category: z.enum(REPORT_CATEGORIES),
    details: text(500).optional(),
  })
  .strict()
  .openapi("ReportRequest");

export const ReportSchema = z
  .object({
    id: z.string(),
    type: z.string(),
    targetId: z.string(),
    category: z.enum(REPORT_CATEGORIES),
    details: z.string().nullable(),
    status: z.literal("OPEN"),
    createdAt: z.string().openapi({ format: "date-time" }),
  })
  .openapi("Report");

const CaseStatus = z.enum(["OPEN", "DISMISSED", "ACTIONED"]);

export const CaseSchema = z
  .object({
    id: z.string(),
    type: z.string(),
    targetId: z.string(),
    ownerId: z.string().nullable(),
    snapshot: z
      .record(z.string(), z.unknown())
      .openapi({ description: "The target as it was when first reported" }),
    status: CaseStatus,
    assignedTo: z.string().nullable(),
    reportCount: z.number().int(),
    openedAt: z.string(),
    resolvedBy: z.string().nullable(),
    resolvedAt: z.string().nullable(),
    actionId: z.string().nullable(),
    reports: z.array(
      z.object({
        id: z.string(),
        reporterId: z.string(),
        category: z.string(),
        details: z.string().nullable(),
        createdAt: z.string(),
      }),
    ),
  })
  .openapi("ReportCase");

export const CaseQuery = PageQuery.extend({ status: CaseStatus.default("OPEN") });

export const AssignBody = z.object({ assigneeId: Id.optional() }).strict().openapi("AssignReportRequest");

export const ResolveBody = z
  .object({
    resolution: z.enum(["DISMISSED", "ACTIONED"]),
    action: z
      .object({
        kind: z.enum(ACTION_KINDS),
        days: z.number().int().min(1).max(3650).optional().openapi({
          description: "MUTE (required), SUSPEND and SHADOWBAN (optional: until revoked); not for the others",
        }),
      })
      .strict()
      .refine((a) => (a.kind === "MUTE" ? a.days !== undefined : true), { message: "MUTE needs days" })
      .refine((a) => (["WARN", "REMOVE_CONTENT", "BAN"].includes(a.kind) ? a.days === undefined : true), {
        message: "This action takes no days",
      })
      .optional(),
    reason: line(500).optional(),
  })
  .strict()
  .openapi("ResolveReportRequest");

export const ActionSchema = z
  .object({
    id: z.string(),
    kind: z.enum(ACTION_KINDS),
    userId: z.string(),
    targetType: z.string().nullable(),
    targetId: z.string().nullable(),
    reportId: z.string().nullable(),
    reason: z.string().nullable(),
    createdBy: z.string(),
    createdAt: z.string(),
    expiresAt: z.string().nullable(),
    endedAt: z.string().nullable(),
  })
  .openapi("ModerationAction");

export const RevokeBody = z
  .object({ reason: line(500).optional() })
  .strict()
  .openapi("RevokeActionRequest");

export const RoleBody = z
  .object({ role: z.enum(STAFF_ROLES) })
  .strict()
  .openapi("GrantRoleRequest");
export const RoleSchema = z.object({ userId: z.string(), role: z.string() }).openapi("MemberRole");

const Time = z.iso.datetime({ offset: true }).openapi({ format: "date-time" });

export const AuditQuery = PageQuery.extend({
  actorId: Id.optional(),
  action: z.string().min(1).max(64).optional(),
  targetType: z.string().min(1).max(32).optional(),
  targetId: Id.optional(),
  from: Time.optional(),
  until: Time.optional(),
});

export const AuditEntrySchema = z
  .object({
    id: z.string(),
    actorId: z.string(),
    actorRole: z.string(),
    action: z.string(),
    targetType: z.string().nullable(),
    targetId: z.string().nullable(),
    reason: z.string().nullable(),
    requestId: z.string().nullable(),
    before: z.unknown(),
    after: z.unknown(),
    createdAt: z.string(),
  })
  .openapi("AuditEntry");
