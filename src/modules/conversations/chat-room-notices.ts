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

const STORAGE_KEY = "notices";

/** RoomNotices as the room's storage keeps it. */
interface SavedNotices {
  pending: [string, Omit<Pending, "senders"> & { senders: [string, number][] }][];
  noticed: [string, number][];
  unsent: Notice[];
  lastFlushAt: number | null;
  lastFlushSize: number;
  dueAt: number | null;
}

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
 * Pending notices are kept in the room's storage, written once per turn that changed them, so an
 * evicted room's alarm finds them in the next instance.
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

  private saveQueued = false;

  /**
   * `storage` keeps what is pending across an eviction: a room with nothing to do is evicted within
   * seconds, long before a spaced flush is due, and its alarm then wakes a new instance.
   */
  constructor(
    private readonly env: Pick<Bindings, "NOTIFY_QUEUE">,
    private readonly schedule: (at: number) => Promise<void>,
    private readonly storage?: Pick<DurableObjectStorage, "kv">,
  ) {
    const saved = storage?.kv.get<SavedNotices>(STORAGE_KEY);
    if (!saved) return;
    for (const [userId, p] of saved.pending) this.pending.set(userId, { ...p, senders: new Map(p.senders) });
    for (const [userId, seq] of saved.noticed) this.noticed.set(userId, seq);
    this.unsent = saved.unsent;
    this.lastFlushAt = saved.lastFlushAt ?? Number.NEGATIVE_INFINITY;
    this.lastFlushSize = saved.lastFlushSize;
    this.dueAt = saved.dueAt;
  }

  /** Writes the state once per turn, after the changes of that turn. */
  private save(): void {
    if (!this.storage || this.saveQueued) return;
    this.saveQueued = true;
    queueMicrotask(() => {
      this.saveQueued = false;
      const saved: SavedNotices = {
        pending: [...this.pending].map(([userId, p]) => [userId, { ...p, senders: [...p.senders] }]),
        noticed: [...this.noticed],
        unsent: this.unsent,
        lastFlushAt: Number.isFinite(this.lastFlushAt) ? this.lastFlushAt : null,
        lastFlushSize: this.lastFlushSize,
        dueAt: this.dueAt,
      };
      try {
        this.storage?.kv.put(STORAGE_KEY, saved);
      } catch (err) {
        logRoomError("saving pending notices failed", err);
      }
    });
  }

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
    if (waiting) {
      this.save();
      await this.plan(now);
    }
    if (mentions.length > 0)
      await publishEvents(this.env, mentions).catch((err) => logRoomError("mention notice failed", err));
  }

  /** The member read the conversation up to `seq` (or sent in it). */
  read(conversationId: string, userId: string, seq: number, now: number): void {
    const p = this.pending.get(userId);
    if (p && p.lastSeq <= seq) this.pending.delete(userId);
    const noticed = this.noticed.get(userId);
    if (p || noticed !== undefined) this.save();
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
    this.save();
    if (out.length === 0) return;
    try {
      await publishEvents(this.env, out);
    } catch (err) {
      logRoomError("message notices failed", err);
      this.unsent = out.concat(this.unsent);
      this.save();
      await this.plan(now + RETRY_MS);
    }
  }

  private async plan(earliest: number): Promise<void> {
    const gap = Math.max(NOTICE_FLUSH_MS, this.lastFlushSize * NOTICE_SPACING_MS);
    const at = Math.max(earliest, this.lastFlushAt + gap);
    if (this.dueAt !== null && this.dueAt <= at) return;
    this.dueAt = at;
    this.save();
    await this.schedule(at);
  }
}
