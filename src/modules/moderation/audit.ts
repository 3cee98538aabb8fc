import { and, eq, gte, lt, type SQL, sql } from "drizzle-orm";
import type { Db } from "../../core/db";
import type { Deps } from "../../core/deps";
import type { Role } from "../../core/identity/actor";
import { auditLog } from "../../db/schema";
import { isoAt } from "../../platform/clock";
import { keyset } from "../../platform/db/keyset";
import { newId } from "../../platform/ids";

/** The staff member acting, as the audit log records them. */
export interface Staff {
  id: string;
  role: Role;
  requestId: string;
}

export interface AuditEntry {
  action: string;
  targetType?: string | null;
  targetId?: string | null;
  reason?: string | null;
  before?: unknown;
  after?: unknown;
}

/**
 * The statement appending one audit row; it goes into the batch of the action it records, so an action
 * and its audit row commit together. Nothing updates or deletes audit rows.
 */
export function auditStatement(db: Db, staff: Staff, now: number, entry: AuditEntry) {
  return db.insert(auditLog).values({
    id: newId(now),
    actorId: staff.id,
    actorRole: staff.role,
    action: entry.action,
    targetType: entry.targetType ?? null,
    targetId: entry.targetId ?? null,
    reason: entry.reason ?? null,
    requestId: staff.requestId,
    before: entry.before === undefined ? null : JSON.stringify(entry.before),
    after: entry.after === undefined ? null : JSON.stringify(entry.after),
    createdAt: now,
  });
}

export interface AuditFilter {
  actorId?: string | undefined;
  action?: string | undefined;
  targetType?: string | undefined;
  targetId?: string | undefined;
  from?: number | undefined;
  to?: number | undefined;
}

type AuditRow = typeof auditLog.$inferSelect;

const newestFirst = keyset("desc", {
  t: { column: auditLog.createdAt, type: "number", of: (r: AuditRow) => r.createdAt },
  id: { column: auditLog.id, type: "string", of: (r: AuditRow) => r.id },
});

function where(filter: AuditFilter): SQL | undefined {
  return and(
    filter.actorId ? eq(auditLog.actorId, filter.actorId) : undefined,
    filter.action ? eq(auditLog.action, filter.action) : undefined,
    filter.targetType ? eq(auditLog.targetType, filter.targetType) : undefined,
    filter.targetId ? eq(auditLog.targetId, filter.targetId) : undefined,
    filter.from !== undefined ? gte(auditLog.createdAt, filter.from) : undefined,
    filter.to !== undefined ? lt(auditLog.createdAt, filter.to) : undefined,
  );
}

function toEntry(r: AuditRow) {
  return {
    id: r.id,
    actorId: r.actorId,
    actorRole: r.actorRole,
    action: r.action,
    targetType: r.targetType,
    targetId: r.targetId,
    reason: r.reason,
    requestId: r.requestId,
    before: r.before === null ? null : (JSON.parse(r.before) as unknown),
    after: r.after === null ? null : (JSON.parse(r.after) as unknown),
    createdAt: isoAt(r.createdAt),
  };
}

/** The audit log, newest first, filtered and keyset-paginated. */
export async function listAudit(
  deps: Deps,
  filter: AuditFilter,
  page: { cursor?: string | undefined; limit: number },
) {
  const rows = await deps.db.all<AuditRow>(sql`
    SELECT ${auditLog.id} AS id, ${auditLog.actorId} AS actorId, ${auditLog.actorRole} AS actorRole,
      ${auditLog.action} AS action, ${auditLog.targetType} AS targetType, ${auditLog.targetId} AS targetId,
      ${auditLog.reason} AS reason, ${auditLog.requestId} AS requestId, ${auditLog.before} AS "before",
      ${auditLog.after} AS "after", ${auditLog.createdAt} AS createdAt
    FROM ${auditLog}
    WHERE ${where(filter) ?? sql`1 = 1`} AND ${newestFirst.after(page.cursor)}
    ORDER BY ${newestFirst.orderBy}
    LIMIT ${page.limit + 1}`);
  const { data, nextCursor } = newestFirst.page(rows, page.limit);
  return { data: data.map(toEntry), nextCursor };
}

const CSV_COLUMNS = [
  "id",
  "createdAt",
  "actorId",
  "actorRole",
  "action",
  "targetType",
  "targetId",
  "reason",
  "requestId",
  "before",
  "after",
] as const;

/**
 * One CSV field. Quoted when needed (RFC 4180); a value starting with =, +, - or @ gets a leading
 * apostrophe so a spreadsheet does not run it as a formula.
 */
function csvField(value: unknown): string {
  let text =
    value === null || value === undefined ? "" : typeof value === "string" ? value : JSON.stringify(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The filtered audit log as CSV, newest first, at most `max` rows (the export's bound). */
export async function auditCsv(deps: Deps, filter: AuditFilter, max: number): Promise<string> {
  const lines: string[] = [CSV_COLUMNS.join(",")];
  let cursor: string | undefined;
  do {
    const page = await listAudit(deps, filter, { cursor, limit: Math.min(100, max - (lines.length - 1)) });
    for (const e of page.data) lines.push(CSV_COLUMNS.map((c) => csvField(e[c])).join(","));
    cursor = page.nextCursor ?? undefined;
  } while (cursor && lines.length - 1 < max);
  return `${lines.join("\r\n")}\r\n`;
}
