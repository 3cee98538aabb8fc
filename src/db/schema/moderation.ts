import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

export const REPORT_CATEGORIES = [
  "SPAM",
  "HARASSMENT",
  "MISINFORMATION",
  "HATE_SPEECH",
  "IMPERSONATION",
  "OTHER",
] as const;

export const ACTION_KINDS = ["REMOVE_CONTENT", "WARN", "MUTE", "SUSPEND", "BAN", "SHADOWBAN"] as const;

/**
 * One case per reported target while it is open: the reports of several members about the same target
 * share it, and it keeps the target as it was when first reported (`snapshot`, JSON), so an author who
 * deletes the content does not destroy the evidence. At most one OPEN case per target (partial unique index).
 */
export const reportCases = sqliteTable(
  "report_cases",
  {
    id: text("id").primaryKey(),
    targetType: text("target_type").notNull(),
    targetId: text("target_id").notNull(),
    /** The member the target belongs to (the reported member for a member report). */
    ownerId: text("owner_id"),
    snapshot: text("snapshot").notNull(),
    status: text("status", { enum: ["OPEN", "DISMISSED", "ACTIONED"] })
      .notNull()
      .default("OPEN"),
    assignedTo: text("assigned_to"),
    reportCount: integer("report_count").notNull().default(0),
    openedAt: integer("opened_at").notNull(),
    resolvedBy: text("resolved_by"),
    resolvedAt: integer("resolved_at"),
    actionId: text("action_id"),
  },
  (t) => [
    uniqueIndex("report_cases_open_target").on(t.targetType, t.targetId).where(sql`status = 'OPEN'`),
    index("report_cases_status_idx").on(t.status, t.openedAt, t.id),
  ],
);

/** A member's report. One OPEN report per reporter and target (partial unique index). */
export const reports = sqliteTable(
  "reports",
  {
    id: text("id").primaryKey(),
    caseId: text("case_id").notNull(),
    reporterId: text("reporter_id").notNull(),
    targetType: text("target_type").notNull(),
    targetId: text("target_id").notNull(),
    category: text("category", { enum: REPORT_CATEGORIES }).notNull(),
    details: text("details"),
    status: text("status", { enum: ["OPEN", "DISMISSED", "ACTIONED"] })
      .notNull()
      .default("OPEN"),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [
    uniqueIndex("reports_open_unique").on(t.reporterId, t.targetType, t.targetId).where(sql`status = 'OPEN'`),
    index("reports_case_idx").on(t.caseId),
  ],
);

/**
 * An action a moderator took against a member (and, for REMOVE_CONTENT, one target). Enforced through
 * columns of `users` the access rules read (status, shadowbanned, muted_until); `expiresAt` null: until
 * revoked. `endedAt` is set when it is revoked or lifted on expiry.
 */
export const moderationActions = sqliteTable(
  "moderation_actions",
  {
    id: text("id").primaryKey(),
    kind: text("kind", { enum: ACTION_KINDS }).notNull(),
    userId: text("user_id").notNull(),
    targetType: text("target_type"),
    targetId: text("target_id"),
    caseId: text("case_id"),
    reason: text("reason"),
    createdBy: text("created_by").notNull(),
    createdAt: integer("created_at").notNull(),
    expiresAt: integer("expires_at"),
    endedAt: integer("ended_at"),
    endedBy: text("ended_by"),
  },
  (t) => [
    index("moderation_actions_user_idx").on(t.userId, t.endedAt),
    index("moderation_actions_expiry_idx").on(t.expiresAt).where(sql`ended_at IS NULL`),
  ],
);

/** Append-only: every staff action (no route updates or deletes a row). */
export const auditLog = sqliteTable(
  "audit_log",
  {
    id: text("id").primaryKey(),
    actorId: text("actor_id").notNull(),
    actorRole: text("actor_role").notNull(),
    action: text("action").notNull(),
    targetType: text("target_type"),
    targetId: text("target_id"),
    reason: text("reason"),
    requestId: text("request_id"),
    before: text("before"),
    after: text("after"),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [
    index("audit_log_time_idx").on(t.createdAt, t.id),
    index("audit_log_actor_idx").on(t.actorId, t.createdAt, t.id),
    index("audit_log_target_idx").on(t.targetType, t.targetId, t.createdAt, t.id),
  ],
);
