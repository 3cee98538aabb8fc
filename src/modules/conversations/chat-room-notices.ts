import { publishEvents, publishNoticesRead } from "../../core/events";
import type { Bindings } from "../../platform/env";
import { type RoomState, viewerOf } from "./chat-room-state";
import { logRoomError } from "./room";
import { isMuted, preview, seesMember } from "./rules";
import type { Message } from "./schemas";

type Notice = Parameters<typeof publishEvents>[1][number];

/**
 * At most one flush of offline notices per room in this time (the first after a quiet spell goes at
 * once), and after a flush of n notices at least n × NOTICE_SPACING_MS: a room feeds the notify queue at
 * most 10 notices a second on average, however large and busy it is (a 230-member flush waits 23 s).
 */
export const NOTICE_FLUSH_MS = 3_000;
export const NOTICE_SPACING_MS = 100;
/** A flush whose queue send failed is tried again after this long, with the same keys. */
const RETRY_MS = 5_000;

/** What one away member has not been told yet. */
interface Pending {
  count: number;
  lastSeq: number;
  lastAt: number;
  preview: string | null;
  /** Sender -> time of their latest message in this notice. */
  senders: Map<string, number>;
}

/**
 * The notices a new message raises once the fan-out knows who was online (`online`).
 * - Mentions always notify, one notice per message, at once.
 * - Other messages notify members who were offline and have not muted the conversation, coalesced: the
 *   room keeps one pending notice per away member (count, latest senders, latest preview) and sends them
 *   all in one flush (`sendBatch`, 100 a call) at most every NOTICE_FLUSH_MS (longer after a large flush,
 *   see NOTICE_SPACING_MS), so a message costs no queue operation of its own and a flush at most one
 *   message per member. The notify consumer adds each
 *   flush's count to the member's one open notice of the conversation ("Sara and 4 others: 12 new
 *   messages").
 * - Nobody hears of a sender a block hides from them, and inactive members hear nothing.
 * - Reading the conversation (or sending in it) drops what is pending for the reader and, when a notice
 *   was sent since, settles it (`notices.read`: marked read); the next message starts a new notice.
 * Pending notices live in memory: a room that is reset loses at most the last NOTICE_FLUSH_MS of them
 * (the unread counts of the conversation list are kept in D1 and are not affected).
 */
export class RoomNotices {
  private readonly pending = new Map<string, Pending>();
  /** Notices of a flush whose send failed, sent again as they were (their keys make that harmless). */
  private unsent: Notice[] = [];
  /** Member -> highest seq of the notices sent since they last read. */
  private readonly noticed = new Map<string, number>();
  private lastFlushAt = Number.NEGATIVE_INFINITY;
  private lastFlushSize = 0;
  /** When the next flush is due (null: nothing waits). */
  dueAt: number | null = null;

  constructor(
    private readonly env: Pick<Bindings, "NOTIFY_QUEUE">,
    private readonly schedule: (at: number) => Promise<void>,
  ) {}

  /** A new message reached the members in `online`: mentions go now, the rest wait for the next flush. */
  async collect(
    st: RoomState,
    conversationId: string,
    senderId: string,
    message: Message,
    online: ReadonlySet<string>,
    now: number,
  ): Promise<void> {
    const mentioned = new Set(message.mentions);
    const target = { type: "conversation", id: conversationId };
    const text = preview(message.text, false);
    const mentions: Notice[] = [];
    let waiting = false;
    for (const m of st.members.values()) {
      if (m.userId === senderId || !m.active || !seesMember(viewerOf(st, m), senderId)) continue;
      if (mentioned.has(m.userId)) {
        mentions.push({
          key: `mention:${conversationId}:${message.seq}:${m.userId}`,
          event: {
            type: "mention",
            actorId: senderId,
            recipientId: m.userId,
            target,
            data: { seq: message.seq, preview: text },
            at: now,
          },
        });
        continue;
      }
      if (online.has(m.userId) || isMuted(m.mutedUntil, now) || m.readSeq >= message.seq) continue;
      const p = this.pending.get(m.userId);
      if (p) {
        p.count++;
        if (message.seq > p.lastSeq) {
          p.lastSeq = message.seq;
          p.lastAt = now;
          p.preview = text;
        }
        p.senders.delete(senderId);
        p.senders.set(senderId, now);
      } else {
        this.pending.set(m.userId, {
          count: 1,
          lastSeq: message.seq,
          lastAt: now,
          preview: text,
          senders: new Map([[senderId, now]]),
        });
      }
      waiting = true;
    }
    if (waiting) await this.plan(now);
    if (mentions.length > 0)
      await publishEvents(this.env, mentions).catch((err) => logRoomError("mention notice failed", err));
  }

  /** The member read the conversation up to `seq` (or sent in it). */
  read(conversationId: string, userId: string, seq: number, now: number): void {
    const p = this.pending.get(userId);
    if (p && p.lastSeq <= seq) this.pending.delete(userId);
    const noticed = this.noticed.get(userId);
    if (noticed === undefined) return;
    if (noticed <= seq) this.noticed.delete(userId);
    void publishNoticesRead(this.env, `notices.read:${conversationId}:${userId}:${seq}`, {
      type: "notices.read",
      recipientId: userId,
      noticeType: "message",
      target: { type: "conversation", id: conversationId },
      upToSeq: seq,
      at: now,
    }).catch((err) => logRoomError("notice settle failed", err));
  }

  /** Sends every pending notice (the room's alarm calls it once `dueAt` passed). */
  async flush(conversationId: string | null, now: number): Promise<void> {
    if (this.dueAt === null || this.dueAt > now) return;
    this.dueAt = null;
    this.lastFlushAt = now;
    const out = this.unsent;
    this.unsent = [];
    if (conversationId) {
      const target = { type: "conversation", id: conversationId };
      for (const [userId, p] of this.pending) {
        const senders = [...p.senders].map(([id, at]) => ({ id, at }));
        out.push({
          key: `message:${conversationId}:${p.lastSeq}:${userId}`,
          event: {
            type: "message",
            actorId: senders[senders.length - 1]!.id,
            recipientId: userId,
            target,
            data: { seq: p.lastSeq, preview: p.preview },
            at: p.lastAt,
            count: p.count,
            actors: senders.slice(-256),
          },
        });
        this.noticed.set(userId, Math.max(this.noticed.get(userId) ?? 0, p.lastSeq));
      }
    }
    this.pending.clear();
    this.lastFlushSize = out.length;
    if (out.length === 0) return;
    try {
      await publishEvents(this.env, out);
    } catch (err) {
      logRoomError("message notices failed", err);
      this.unsent = out.concat(this.unsent);
      await this.plan(now + RETRY_MS);
    }
  }

  private async plan(earliest: number): Promise<void> {
    const gap = Math.max(NOTICE_FLUSH_MS, this.lastFlushSize * NOTICE_SPACING_MS);
    const at = Math.max(earliest, this.lastFlushAt + gap);
    if (this.dueAt !== null && this.dueAt <= at) return;
    this.dueAt = at;
    await this.schedule(at);
  }
}
