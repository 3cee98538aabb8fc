import { sql } from "drizzle-orm";
import type { Deps } from "../../core/deps";
import { findTarget, targetSnapshotSql } from "../../core/targets";
import { type REPORT_CATEGORIES, reportCases, reports } from "../../db/schema";
import { isoAt } from "../../platform/clock";
import { changed, runBatch } from "../../platform/db/batch";
import { isUniqueViolation } from "../../platform/db/errors";
import { name } from "../../platform/db/statements";
import { AppError } from "../../platform/errors";
import { newId } from "../../platform/ids";
import { messageHistory } from "../conversations";

export interface ReportInput {
  type: string;
  id: string;
  /** For a message: its seq in the conversation `id`. */
  seq?: number | undefined;
  category: (typeof REPORT_CATEGORIES)[number];
  details?: string | undefined;
}

/**
 * A member reports a target (a member, a post, a comment, any target whose module declares a
 * `snapshot`). The target must exist and be visible to the reporter (the target's own rule: blocked,
 * deleted and hidden things are 404) and must not be the reporter's own. The first open report of a
 * target opens its case with a snapshot of the row; further reports join that case. One OPEN report per
 * reporter and target: the unique partial index decides, not a read before the write.
 */
export async function fileReport(deps: Deps, reporterId: string, input: ReportInput) {
  const row =
    input.type === "message"
      ? await messageRow(deps, reporterId, input)
      : await targetRow(deps, reporterId, input);
  if (row.ownerId === reporterId) throw new AppError("CANNOT_REPORT_SELF");
  const target = { code: row.code };
  const { db, now } = deps;
  const id = newId(now);
  const openCase = sql`(SELECT ${reportCases.id} FROM ${reportCases} WHERE ${reportCases.targetType} = ${target.code}
    AND ${reportCases.targetId} = ${row.id} AND ${reportCases.status} = 'OPEN')`;
  try {
    const results = await runBatch(db, [
      db.run(sql`INSERT INTO ${reportCases} (${name(reportCases.id)}, ${name(reportCases.targetType)},
          ${name(reportCases.targetId)}, ${name(reportCases.ownerId)}, ${name(reportCases.snapshot)},
          ${name(reportCases.status)}, ${name(reportCases.reportCount)}, ${name(reportCases.openedAt)})
        VALUES (${newId(now)}, ${target.code}, ${row.id}, ${row.ownerId}, ${row.snapshot}, 'OPEN', 0, ${now})
        ON CONFLICT (${name(reportCases.targetType)}, ${name(reportCases.targetId)}) WHERE status = 'OPEN' DO NOTHING`),
      db.run(sql`INSERT INTO ${reports} (${name(reports.id)}, ${name(reports.caseId)}, ${name(reports.reporterId)},
          ${name(reports.targetType)}, ${name(reports.targetId)}, ${name(reports.category)}, ${name(reports.details)},
          ${name(reports.status)}, ${name(reports.createdAt)})
        SELECT ${id}, ${openCase}, ${reporterId}, ${target.code}, ${row.id}, ${input.category}, ${input.details || null},
          'OPEN', ${now}`),
      db.run(sql`UPDATE ${reportCases} SET ${name(reportCases.reportCount)} = ${reportCases.reportCount} + 1
        WHERE ${reportCases.id} = ${openCase}`),
    ]);
    if (changed(results[1]) !== 1) throw new AppError("CONFLICT");
  } catch (err) {
    if (isUniqueViolation(err)) throw new AppError("ALREADY_REPORTED");
    throw err;
  }
  return {
    id,
    type: input.type,
    targetId: row.id,
    category: input.category,
    details: input.details || null,
    status: "OPEN" as const,
    createdAt: isoAt(now),
  };
}

interface Reported {
  code: string;
  id: string;
  ownerId: string | null;
  snapshot: string;
}

/** A registered target, read through its own visibility rule. */
async function targetRow(deps: Deps, reporterId: string, input: ReportInput): Promise<Reported> {
  const target = findTarget(input.type);
  const query =
    target && input.seq === undefined ? targetSnapshotSql(target, reporterId, input.id) : undefined;
  if (!target || !query) throw new AppError("NOT_REPORTABLE");
  const row = await deps.db.get<{ id: string; ownerId: string | null; snapshot: string }>(query);
  if (!row) throw new AppError("NOT_FOUND");
  return { code: target.code, ...row };
}

/**
 * A conversation message (Durable Object storage, not D1): read through the conversations module's
 * history as the reporter sees it, so a message they may not read is a 404 like a missing one. Its case
 * is keyed by `conversationId:seq`.
 */
async function messageRow(deps: Deps, reporterId: string, input: ReportInput): Promise<Reported> {
  if (input.seq === undefined) throw new AppError("NOT_REPORTABLE");
  let message:
    | {
        seq: number;
        senderId: string;
        state: string;
        text: string | null;
        attachments: unknown[];
        createdAt: string;
      }
    | undefined;
  try {
    const history = await messageHistory(deps, { id: reporterId, emailVerified: true }, input.id, {
      after: input.seq - 1,
      limit: 1,
    });
    message = history.data.find((m) => m.seq === input.seq);
  } catch (err) {
    if (err instanceof AppError && err.status < 500) throw new AppError("NOT_FOUND");
    throw err;
  }
  if (!message || message.state === "DELETED") throw new AppError("NOT_FOUND");
  return {
    code: "MESSAGE",
    id: `${input.id}:${message.seq}`,
    ownerId: message.senderId,
    snapshot: JSON.stringify({
      conversationId: input.id,
      seq: message.seq,
      senderId: message.senderId,
      text: message.text,
      attachmentCount: message.attachments.length,
      createdAt: message.createdAt,
    }),
  };
}
