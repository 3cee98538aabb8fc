import { sql } from "drizzle-orm";
import type { Deps } from "../../core/deps";
import { publishEvents } from "../../core/events";
import { roleRank } from "../../core/identity/actor";
import { targetByCode } from "../../core/targets";
import { reportCases, reports, users } from "../../db/schema";
import { isoAt } from "../../platform/clock";
import { changed, runBatch } from "../../platform/db/batch";
import { keyset } from "../../platform/db/keyset";
import { name } from "../../platform/db/statements";
import { AppError } from "../../platform/errors";
import { newId } from "../../platform/ids";
import {
  type ActionKind,
  applyStatements,
  endSessions,
  expiryOf,
  type NewAction,
  tellMember,
} from "./actions";
import { auditStatement, type Staff } from "./audit";

type CaseStatus = "OPEN" | "DISMISSED" | "ACTIONED";

interface CaseRow {
  id: string;
  targetType: string;
  targetId: string;
  ownerId: string | null;
  snapshot: string;
  status: CaseStatus;
  assignedTo: string | null;
  reportCount: number;
  openedAt: number;
  resolvedBy: string | null;
  resolvedAt: number | null;
  actionId: string | null;
  reports: string;
}

const oldestFirst = keyset("asc", {
  t: { column: reportCases.openedAt, type: "number", of: (r: CaseRow) => r.openedAt },
  id: { column: reportCases.id, type: "string", of: (r: CaseRow) => r.id },
});

const caseColumns = sql`${reportCases.id} AS id, ${reportCases.targetType} AS targetType,
  ${reportCases.targetId} AS targetId, ${reportCases.ownerId} AS ownerId, ${reportCases.snapshot} AS snapshot,
  ${reportCases.status} AS status, ${reportCases.assignedTo} AS assignedTo, ${reportCases.reportCount} AS reportCount,
  ${reportCases.openedAt} AS openedAt, ${reportCases.resolvedBy} AS resolvedBy, ${reportCases.resolvedAt} AS resolvedAt,
  ${reportCases.actionId} AS actionId,
  (SELECT json_group_array(json_object('id', ${reports.id}, 'reporterId', ${reports.reporterId},
      'category', ${reports.category}, 'details', ${reports.details}, 'createdAt', ${reports.createdAt}))
    FROM ${reports} WHERE ${reports.caseId} = ${reportCases.id}) AS reports`;

function toCase(r: CaseRow) {
  const filed = JSON.parse(r.reports) as {
    id: string;
    reporterId: string;
    category: string;
    details: string | null;
    createdAt: number;
  }[];
  return {
    id: r.id,
    type: targetByCode(r.targetType)?.type ?? r.targetType.toLowerCase(),
    targetId: r.targetId,
    ownerId: r.ownerId,
    snapshot: JSON.parse(r.snapshot) as Record<string, unknown>,
    status: r.status,
    assignedTo: r.assignedTo,
    reportCount: r.reportCount,
    openedAt: isoAt(r.openedAt),
    resolvedBy: r.resolvedBy,
    resolvedAt: r.resolvedAt === null ? null : isoAt(r.resolvedAt),
    actionId: r.actionId,
    reports: filed
      .sort((a, b) => a.createdAt - b.createdAt)
      .map((f) => ({ ...f, createdAt: isoAt(f.createdAt) })),
  };
}

/** The moderation queue: reports grouped by target (one case each), oldest first. */
export async function listCases(
  deps: Deps,
  status: CaseStatus,
  page: { cursor?: string | undefined; limit: number },
) {
  const rows = await deps.db.all<CaseRow>(sql`SELECT ${caseColumns} FROM ${reportCases}
    WHERE ${reportCases.status} = ${status} AND ${oldestFirst.after(page.cursor)}
    ORDER BY ${oldestFirst.orderBy} LIMIT ${page.limit + 1}`);
  const { data, nextCursor } = oldestFirst.page(rows, page.limit);
  return { data: data.map(toCase), nextCursor };
}

async function caseOf(deps: Deps, id: string): Promise<CaseRow> {
  const row = await deps.db.get<CaseRow>(
    sql`SELECT ${caseColumns} FROM ${reportCases} WHERE ${reportCases.id} = ${id}`,
  );
  if (!row) throw new AppError("CASE_NOT_FOUND");
  return row;
}

/** Assigns an open case to a moderator or admin (the caller when no one is named). */
export async function assignCase(deps: Deps, staff: Staff, id: string, assigneeId: string | undefined) {
  const { db, now } = deps;
  const current = await caseOf(deps, id);
  if (current.status !== "OPEN") throw new AppError("CASE_CLOSED");
  const assignee = assigneeId ?? staff.id;
  const results = await runBatch(db, [
    db.run(sql`UPDATE ${reportCases} SET ${name(reportCases.assignedTo)} = ${assignee}
      WHERE ${reportCases.id} = ${id} AND ${reportCases.status} = 'OPEN'
        AND EXISTS (SELECT 1 FROM ${users} WHERE ${users.id} = ${assignee} AND ${users.status} = 'ACTIVE'
          AND ${users.role} IN ('moderator', 'admin'))`),
    auditStatement(db, staff, now, {
      action: "report.assign",
      targetType: "report",
      targetId: id,
      before: { assignedTo: current.assignedTo },
      after: { assignedTo: assignee },
    }),
  ]);
  if (changed(results[0]) === 0) {
    const again = await caseOf(deps, id);
    throw new AppError(again.status !== "OPEN" ? "CASE_CLOSED" : "NOT_STAFF");
  }
  return toCase({ ...current, assignedTo: assignee });
}

export interface Resolution {
  resolution: "DISMISSED" | "ACTIONED";
  action?: { kind: ActionKind; days?: number | undefined } | undefined;
  reason?: string | undefined;
}

/**
 * Resolves an open case: DISMISSED, or ACTIONED with one action against the owner of the reported target.
 * A moderator cannot act on a member whose role is theirs or above (no moderator bans an admin). The case,
 * its reports, the action and the audit row commit in one batch; reporters learn the outcome, the member
 * learns the action.
 */
export async function resolveCase(deps: Deps, staff: Staff, id: string, input: Resolution) {
  const { db, now } = deps;
  const current = await caseOf(deps, id);
  if (current.status !== "OPEN") throw new AppError("CASE_CLOSED");
  if ((input.resolution === "ACTIONED") !== (input.action !== undefined))
    throw new AppError("ACTION_REQUIRED");
  let action: NewAction | undefined;
  if (input.action) {
    const owner = current.ownerId
      ? await db.get<{ id: string; role: string; status: string }>(
          sql`SELECT ${users.id} AS id, ${users.role} AS role, ${users.status} AS status FROM ${users}
            WHERE ${users.id} = ${current.ownerId}`,
        )
      : undefined;
    if (!owner || owner.status === "DELETED") throw new AppError("TARGET_GONE");
    if (roleRank(owner.role) >= roleRank(staff.role)) throw new AppError("ROLE_TOO_HIGH");
    const target = targetByCode(current.targetType);
    const kind = input.action.kind;
    if (kind === "REMOVE_CONTENT") {
      if (!target?.remove) throw new AppError("NO_CONTENT_TO_REMOVE");
      try {
        await target.remove(deps, owner.id, current.targetId);
      } catch (err) {
        if (err instanceof AppError && err.code === "NOT_FOUND") throw new AppError("TARGET_GONE");
        throw err;
      }
    }
    action = {
      id: newId(now),
      kind,
      userId: owner.id,
      targetType: target?.type ?? current.targetType.toLowerCase(),
      targetId: current.targetId,
      caseId: id,
      reason: input.reason ?? null,
      expiresAt: expiryOf(kind, input.action.days, now),
    };
  }
  const results = await runBatch(db, [
    db.run(sql`UPDATE ${reportCases} SET ${name(reportCases.status)} = ${input.resolution},
        ${name(reportCases.resolvedBy)} = ${staff.id}, ${name(reportCases.resolvedAt)} = ${now},
        ${name(reportCases.actionId)} = ${action?.id ?? null}
      WHERE ${reportCases.id} = ${id} AND ${reportCases.status} = 'OPEN'`),
    db.run(sql`UPDATE ${reports} SET ${name(reports.status)} = ${input.resolution}
      WHERE ${reports.caseId} = ${id} AND ${reports.status} = 'OPEN'`),
    ...(action ? applyStatements(db, staff, now, action) : []),
    auditStatement(db, staff, now, {
      action: `report.${input.resolution.toLowerCase()}`,
      targetType: "report",
      targetId: id,
      reason: input.reason ?? null,
      before: { status: "OPEN" },
      after: {
        status: input.resolution,
        action: action
          ? { id: action.id, kind: action.kind, userId: action.userId, expiresAt: action.expiresAt }
          : null,
      },
    }),
  ]);
  if (changed(results[0]) === 0) throw new AppError("CASE_CLOSED");
  if (action && (action.kind === "SUSPEND" || action.kind === "BAN")) await endSessions(deps, action.userId);
  const filed = JSON.parse(current.reports) as { reporterId: string }[];
  await publishEvents(
    deps.env,
    [...new Set(filed.map((f) => f.reporterId))].map((reporterId) => ({
      key: `report_resolved:${id}:${reporterId}`,
      event: {
        type: "report_resolved",
        actorId: staff.id,
        recipientId: reporterId,
        data: { resolution: input.resolution },
        at: now,
      },
    })),
  );
  if (action) await tellMember(deps, staff, action);
  return toCase({
    ...current,
    status: input.resolution,
    resolvedBy: staff.id,
    resolvedAt: now,
    actionId: action?.id ?? null,
  });
}
