import { sql } from "drizzle-orm";
import { conversationMembers } from "../../db/schema";
import { systemClock } from "../../platform/clock";
import { name, statement } from "../../platform/db/statements";
import type { RoomLog } from "./chat-room-log";
import { logRoomError } from "./room";
import { preview } from "./rules";
import { type RoomMember, summaryStatements } from "./store";

/** How long changes wait to be written back to D1 together (the conversation list lags by at most this). */
const WRITE_BACK_MS = 200;
export const RETRY_MS = 5_000;

/**
 * The chat room's write-back to D1: after messages were stored in the room, the conversation summary (the
 * list's last message, counts) and members' receipt positions go to D1 coalesced, at most one batch per
 * WRITE_BACK_MS, of at most three statements however many members moved (summary, reads, deliveries). A failed batch is retried by the room's alarm (`scheduleRetry`); a restarted room finishes
 * what its predecessor stored but had not written (the "synced" mark in the log's meta).
 */
export class RoomWriteBack {
  private syncedSeq = 0;
  private summaryDirty = false;
  private readonly pendingReads = new Map<string, { seq: number; count: number }>();
  private readonly pendingDelivered = new Map<string, number>();
  private flushing: Promise<void> | null = null;
  private flushAgain = false;

  /** `target` is the conversation and its log, null until the room found its conversation. */
  constructor(
    private readonly db: D1Database,
    private readonly target: () => { id: string; log: RoomLog } | null,
    private readonly scheduleRetry: (at: number) => Promise<void>,
  ) {}

  /** A room starting on stored log: anything stored but not yet written back when it stopped goes now. */
  resume(log: RoomLog): void {
    this.syncedSeq = Number(log.meta("synced") ?? 0);
    if (this.syncedSeq < log.lastSeq) this.summaryChanged();
  }

  /** The conversation summary changed (a new message, or the latest one edited or deleted). */
  summaryChanged(): void {
    this.summaryDirty = true;
    this.flushSoon();
  }

  /** The member read up to `seq` (`count` messages); written with the next batch. */
  noteRead(userId: string, seq: number, count: number): void {
    this.pendingReads.set(userId, { seq, count });
  }

  noteDelivered(member: RoomMember, seq: number): void {
    if (seq <= member.deliveredSeq) return;
    member.deliveredSeq = seq;
    this.pendingDelivered.set(member.userId, seq);
    this.flushSoon();
  }

  /** Something waits to be written. */
  get pending(): boolean {
    return this.summaryDirty || this.pendingReads.size > 0 || this.pendingDelivered.size > 0;
  }

  /** What a failed batch left behind, for the alarm to retry. */
  get needsRetry(): boolean {
    return this.summaryDirty || this.pendingDelivered.size > 0;
  }

  /** The first change schedules one D1 batch WRITE_BACK_MS later; every change until then rides along. */
  private flushSoon(): void {
    if (this.flushing) {
      this.flushAgain = true;
      return;
    }
    this.flushing = sleep(WRITE_BACK_MS)
      .then(async () => {
        do {
          this.flushAgain = false;
          await this.flush();
          if (this.flushAgain) await sleep(WRITE_BACK_MS);
        } while (this.flushAgain);
      })
      // Only when even the retry alarm cannot be set (the object is being reset): its successor re-syncs
      // the conversation summary from the stored log (the "synced" mark); receipts not yet written are
      // re-marked by the members' next read or resume.
      .catch((err) => logRoomError("room write-back failed", err))
      .finally(() => {
        this.flushing = null;
      });
  }

  /** Writes the conversation summary and receipt positions to D1 in one batch; on failure the alarm retries. */
  async flush(): Promise<void> {
    const target = this.target();
    if (!target) return;
    const { id, log } = target;
    const summaryDirty = this.summaryDirty;
    const reads = [...this.pendingReads].map(([userId, r]) => ({ userId, ...r }));
    const delivered = [...this.pendingDelivered];
    if (!summaryDirty && reads.length === 0 && delivered.length === 0) return;
    this.summaryDirty = false;
    this.pendingReads.clear();
    this.pendingDelivered.clear();
    const lastSeq = log.lastSeq;
    const statements: D1PreparedStatement[] = [];
    if (summaryDirty) {
      const latest = log.latestMessage();
      const summary = {
        lastSeq,
        messageCount: log.messageCount,
        last: latest && {
          seq: latest.seq,
          senderId: latest.sender_id,
          preview: preview(latest.text, latest.deleted_at !== null),
          at: latest.created_at,
        },
        reads: [],
        delivered: [],
        now: systemClock.now(),
      };
      statements.push(...summaryStatements(this.db, id, summary));
    }
    if (reads.length > 0) statements.push(readsStatement(this.db, id, reads));
    if (delivered.length > 0) statements.push(deliveredStatement(this.db, id, delivered));
    try {
      await this.db.batch(statements);
      if (summaryDirty && lastSeq > this.syncedSeq) {
        this.syncedSeq = lastSeq;
        log.setMeta("synced", lastSeq);
      }
    } catch (err) {
      logRoomError("room write-back failed", err);
      if (summaryDirty) this.summaryDirty = true;
      for (const r of reads) if (!this.pendingReads.has(r.userId)) this.pendingReads.set(r.userId, r);
      for (const [userId, seq] of delivered)
        this.pendingDelivered.set(userId, Math.max(seq, this.pendingDelivered.get(userId) ?? 0));
      await this.scheduleRetry(systemClock.now() + RETRY_MS);
    }
  }
}

/** Members' read positions (each only moves forward; reading delivers too), in one statement. */
function readsStatement(
  db: D1Database,
  conversationId: string,
  reads: { userId: string; seq: number; count: number }[],
): D1PreparedStatement {
  const m = conversationMembers;
  const rows = JSON.stringify(reads.map((r) => [r.userId, r.seq, r.count]));
  return statement(
    db,
    sql`UPDATE ${m} SET ${name(m.lastReadSeq)} = max(${m.lastReadSeq}, r.value ->> 1),
        ${name(m.readCount)} = max(${m.readCount}, r.value ->> 2),
        ${name(m.lastDeliveredSeq)} = max(${m.lastDeliveredSeq}, r.value ->> 1)
      FROM json_each(${rows}) AS r
      WHERE ${m.conversationId} = ${conversationId} AND ${m.userId} = r.value ->> 0`,
  );
}

/** Members' delivery positions (each only moves forward), in one statement. */
function deliveredStatement(
  db: D1Database,
  conversationId: string,
  delivered: [userId: string, seq: number][],
): D1PreparedStatement {
  const m = conversationMembers;
  return statement(
    db,
    sql`UPDATE ${m} SET ${name(m.lastDeliveredSeq)} = max(${m.lastDeliveredSeq}, d.value ->> 1)
      FROM json_each(${JSON.stringify(delivered)}) AS d
      WHERE ${m.conversationId} = ${conversationId} AND ${m.userId} = d.value ->> 0`,
  );
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
