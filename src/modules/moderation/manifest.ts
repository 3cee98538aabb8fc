import { defineModule } from "../../core/module";
import { auditLog, moderationActions, reportCases, reports } from "../../db/schema";
import { expiryTask } from "./actions";
import { moderationErrors } from "./errors";
import { moderationNotifications } from "./notifications";
import { adminRoutes, reportRoutes } from "./routes";

/**
 * Trust and safety: members report what they see, staff work the queue, act on members (enforced by
 * the access rules through columns of `users`), and every staff action is in the append-only audit log.
 */
export const moderationModule = defineModule({
  name: "moderation",
  routes: [
    { path: "/api/v1/reports", router: reportRoutes },
    { path: "/api/v1/admin", router: adminRoutes },
  ],
  errors: moderationErrors,
  notifications: moderationNotifications,
  maintenance: [expiryTask],
  purge: {
    memberColumns: [reports.reporterId],
    keeps: [
      [reports.targetId, "a reported target (a member's id for member reports): the case keeps the evidence"],
      [reports.caseId, "a report case, not a member"],
      [
        reportCases.targetId,
        "evidence: the reported target, kept with its snapshot after the author's account goes",
      ],
      [reportCases.ownerId, "evidence: the member the case is about"],
      [reportCases.assignedTo, "a staff member; the case history stays"],
      [reportCases.resolvedBy, "a staff member; the case history stays"],
      [reportCases.actionId, "a moderation action, not a member"],
      [
        moderationActions.userId,
        "evidence: a banned member who deletes their account must not come back clean",
      ],
      [moderationActions.targetId, "evidence: the content acted on"],
      [moderationActions.caseId, "a report case, not a member"],
      [moderationActions.createdBy, "a staff member; actions stay attributable"],
      [moderationActions.endedBy, "a staff member; actions stay attributable"],
      [auditLog.actorId, "the audit log is append-only: who did what stays on record"],
      [auditLog.targetId, "the audit log is append-only: what was acted on stays on record"],
      [auditLog.requestId, "a request id, not a member"],
    ],
  },
});
