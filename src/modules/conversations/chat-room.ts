import { DurableObject } from "cloudflare:workers";
import type { HubFrame } from "../../core/live";
import { systemClock } from "../../platform/clock";
import type { Bindings } from "../../platform/env";
import { type MessageUpdate, RoomFanout } from "./chat-room-fanout";
import { RoomLog } from "./chat-room-log";
import { RoomMembers } from "./chat-room-members";
import { RoomNotices } from "./chat-room-notices";
import { type RoomState, viewerOf } from "./chat-room-state";
import { RETRY_MS, RoomWriteBack } from "./chat-room-write-back";
import { type MembershipChange, membershipStatements } from "./membership-store";
import { messageFacts } from "./render";
import { fail, logRoomError, type RoomResult } from "./room";
import {
  deleteForEveryoneRefusal,
  editRefusal,
  extractMentions,
  reactRefusal,
  TYPING_THROTTLE_MS,
  TYPING_TTL_MS,
} from "./rules";
import type { HistoryQuery, Message, SendInput } from "./schemas";
import { forgetAttachments, readStatement, recordAttachments } from "./store";

declare module "../../platform/env" {
  interface Bindings {
    /** One ChatRoom Durable Object per conversation. */
    CHAT_ROOM: DurableObjectNamespace<ChatRoom>;
  }
}

/** Who calls the room and when (the service passes the member id and its clock reading). */
export interface Caller {
  id: string;
  now: number;
}

/**
 * One chat room per conversation (named by the conversation id): the authority for its messages.
 *
 * - Every change gets the next number of the conversation's log (`seq`, gap-free), stored in the room's
 *   SQLite (./chat-room-storage.ts) before anyone hears of it; a restarted or evicted room continues from it,
 *   and resume replays it.
 * - Per action: check (rules from ./rules.ts), store (one transaction), answer, fan out to each member's
 *   UserHub (./chat-room-fanout.ts), then write the conversation summary back to D1, coalesced
 *   (./chat-room-write-back.ts).
 * - Membership and every block of a member (with anyone: a former member's messages stay hidden) are
 *   cached from D1 and reloaded on every change (./chat-room-members.ts), so a group message costs no D1
 *   round trip. A 1:1 checks blocks and allowMessages in D1 on every write.
 * - Every reader gets what `maySee` (./rules.ts) admits, rendered as they see it (quoted message,
 *   reactions, mentions): in answers, live events, history and resume alike.
 */
export class ChatRoom extends DurableObject<Bindings> {
  /**
   * The stored log; null until D1 confirmed the conversation exists. A room asked about an id that names
   * no conversation answers NOT_FOUND and never writes storage, so made-up ids leave nothing behind.
   */
  private stored: RoomLog | null;
  private conversationId: string | null = null;
  private readonly members: RoomMembers;
  private readonly fanout: RoomFanout;
  private readonly writeBack: RoomWriteBack;
  private readonly notices: RoomNotices;
  private readonly typists = new Map<string, { expiresAt: number; forwardedAt: number }>();
  private alarmAt: number | null = null;

  constructor(ctx: DurableObjectState, env: Bindings) {
    super(ctx, env);
    this.members = new RoomMembers(env.DB, (conversationId) => {
      // The conversation exists: from here on the room keeps its log.
      this.stored ??= new RoomLog(this.ctx.storage);
      if (this.stored.meta("id") === null) this.stored.setMeta("id", conversationId);
      this.conversationId = conversationId;
    });
    this.notices = new RoomNotices(env, (at) => this.scheduleAlarm(at), ctx.storage);
    this.fanout = new RoomFanout(
      env,
      (member, seq) => this.writeBack.noteDelivered(member, seq),
      () => this.conversationId,
      this.notices,
    );
    this.writeBack = new RoomWriteBack(
      env.DB,
      () => (this.conversationId && this.stored ? { id: this.conversationId, log: this.stored } : null),
      (at) => this.scheduleAlarm(at),
    );
    this.stored = RoomLog.existing(ctx.storage);
    if (this.stored) {
      this.conversationId = this.stored.meta("id") as string | null;
      this.writeBack.resume(this.stored);
    }
  }

  /** The log, for code that runs only once `ready` found the conversation. */
  private get log(): RoomLog {
    if (!this.stored) throw new Error("chat room used before its conversation was found");
    return this.stored;
  }

  // ---------------------------------------------------------------- actions (RPC)

  async send(
    conversationId: string,
    actor: Caller,
    input: SendInput,
    origin?: string,
  ): Promise<RoomResult<{ message: Message; duplicate: boolean }>> {
    const st = await this.ready(conversationId);
    const me = st?.members.get(actor.id);
    if (!st || !me) return fail("NOT_FOUND");
    const existing = this.log.byClientId(actor.id, input.clientId);
    if (existing)
      return {
        ok: true,
        message: this.log.renderOne(conversationId, existing, viewerOf(st, me)),
        duplicate: true,
      };

    const refusal = await this.directRefusal(st, actor.id, true);
    if (refusal) return fail(refusal);
    const attachments = await recordAttachments(
      this.env.DB,
      conversationId,
      actor.id,
      input.attachments,
      actor.now,
    );
    if (!attachments)
      return fail("INVALID_MEDIA", [{ path: "attachments", message: "attach your own READY media" }]);
    // Awaited above: the member may have left, or a retry with this clientId may have won meanwhile.
    if (!st.members.has(actor.id)) return fail("NOT_FOUND");
    const raced = this.log.byClientId(actor.id, input.clientId);
    if (raced)
      return {
        ok: true,
        message: this.log.renderOne(conversationId, raced, viewerOf(st, me)),
        duplicate: true,
      };
    // A message the sender may not see answers exactly like one that does not exist.
    const reply = input.replyTo === undefined ? null : this.log.visibleRow(input.replyTo, viewerOf(st, me));
    if (input.replyTo !== undefined && !reply) {
      return fail("NOT_FOUND", [{ path: "replyTo", message: "no such message" }]);
    }

    const text = input.text && input.text.length > 0 ? input.text : null;
    const row = this.log.append({
      senderId: actor.id,
      clientId: input.clientId,
      text,
      attachments,
      mentions: extractMentions(text, st.usernames).filter((id) => id !== actor.id),
      replyTo: input.replyTo ?? null,
      at: actor.now,
    });
    const message = this.fanout.message(st, this.log, conversationId, me, row, origin);
    // Sending reads everything before it.
    me.readSeq = row.seq;
    this.notices.read(conversationId, actor.id, row.seq, actor.now);
    this.writeBack.noteRead(actor.id, row.seq, row.n);
    this.writeBack.summaryChanged();
    return { ok: true, message, duplicate: false };
  }

  async edit(
    conversationId: string,
    actor: Caller,
    seq: number,
    text: string,
    origin?: string,
  ): Promise<RoomResult<{ message: Message }>> {
    const st = await this.ready(conversationId);
    const me = st?.members.get(actor.id);
    if (!st || !me) return fail("NOT_FOUND");
    const before = this.log.visibleRow(seq, viewerOf(st, me));
    const early = before ? editRefusal(messageFacts(before), actor.id, actor.now) : "NOT_FOUND";
    if (early) return fail(early);
    const blocked = await this.directRefusal(st, actor.id, false);
    if (blocked) return fail(blocked);
    const row = this.log.row(seq)!;
    const refusal = editRefusal(messageFacts(row), actor.id, actor.now);
    if (refusal) return fail(refusal);

    const mentions = extractMentions(text, st.usernames).filter((id) => id !== actor.id);
    const logSeq = this.log.edit(seq, text, mentions, actor.now);
    const update = { logSeq, change: "edited" as const, actor: me, row: this.log.row(seq)!, origin };
    return { ok: true, message: this.broadcastUpdate(st, conversationId, update) };
  }

  async remove(
    conversationId: string,
    actor: Caller,
    seq: number,
    scope: "me" | "everyone",
    origin?: string,
  ): Promise<RoomResult<{ message: Message | null }>> {
    const st = await this.ready(conversationId);
    const me = st?.members.get(actor.id);
    if (!st || !me) return fail("NOT_FOUND");
    const row = this.log.visibleRow(seq, viewerOf(st, me));
    if (!row) return fail("NOT_FOUND");
    const early =
      scope === "everyone"
        ? deleteForEveryoneRefusal(messageFacts(row), { id: actor.id, role: me.role }, st.type)
        : null;
    if (early) return fail(early);
    const blocked = await this.directRefusal(st, actor.id, false);
    if (blocked) return fail(blocked);

    if (scope === "me") {
      if (!this.log.visibleRow(seq, viewerOf(st, me))) return { ok: true, message: null };
      const logSeq = this.log.hide(seq, actor.id);
      this.fanout.hidden(actor.id, conversationId, logSeq, seq, origin);
      return { ok: true, message: null };
    }
    const current = this.log.row(seq)!;
    if (current.deleted_at !== null)
      return { ok: true, message: this.log.renderOne(conversationId, current, viewerOf(st, me)) };
    const attached = (JSON.parse(current.attachments) as { id: string }[]).map((a) => a.id);
    const logSeq = this.log.tombstone(seq, actor.id, actor.now);
    if (attached.length > 0) await forgetAttachments(this.env.DB, conversationId, attached).run();
    const update = { logSeq, change: "deleted" as const, actor: me, row: this.log.row(seq)!, origin };
    return { ok: true, message: this.broadcastUpdate(st, conversationId, update) };
  }

  async react(
    conversationId: string,
    actor: Caller,
    seq: number,
    emoji: string | null,
    origin?: string,
  ): Promise<RoomResult<{ message: Message }>> {
    const st = await this.ready(conversationId);
    const me = st?.members.get(actor.id);
    if (!st || !me) return fail("NOT_FOUND");
    const row = this.log.visibleRow(seq, viewerOf(st, me));
    const early = row ? reactRefusal(messageFacts(row)) : "NOT_FOUND";
    if (early) return fail(early);
    const blocked = await this.directRefusal(st, actor.id, false);
    if (blocked) return fail(blocked);
    const current = this.log.row(seq)!;
    const refusal = reactRefusal(messageFacts(current));
    if (refusal) return fail(refusal);
    if (this.log.reactionOf(seq, actor.id) === emoji) {
      return { ok: true, message: this.log.renderOne(conversationId, current, viewerOf(st, me)) };
    }
    const logSeq = this.log.react(seq, actor.id, emoji, actor.now);
    const reaction = { userId: actor.id, emoji };
    const update = { logSeq, change: "reaction" as const, actor: me, row: current, origin, reaction };
    return { ok: true, message: this.broadcastUpdate(st, conversationId, update) };
  }

  /** Marks everything up to `seq` read by the actor (written to D1 before answering); members see a receipt. */
  async read(conversationId: string, actor: Caller, seq: number): Promise<RoomResult<{ readSeq: number }>> {
    const st = await this.ready(conversationId);
    const me = st?.members.get(actor.id);
    if (!st || !me) return fail("NOT_FOUND");
    const blocked = await this.directRefusal(st, actor.id, false);
    if (blocked) return fail(blocked);
    const target = Math.min(seq, this.log.lastSeq);
    if (target <= me.readSeq) return { ok: true, readSeq: me.readSeq };
    await readStatement(this.env.DB, conversationId, actor.id, target, this.log.ordinalAt(target)).run();
    if (target <= me.readSeq) return { ok: true, readSeq: me.readSeq };
    me.readSeq = target;
    me.deliveredSeq = Math.max(me.deliveredSeq, target);
    this.notices.read(conversationId, actor.id, target, actor.now);
    this.fanout.receipt(st, conversationId, me);
    return { ok: true, readSeq: target };
  }

  /** Typing indicators: forwarded at most every TYPING_THROTTLE_MS, stopped by the room after TYPING_TTL_MS. */
  async typing(conversationId: string, actor: Caller, on: boolean): Promise<void> {
    const st = await this.ready(conversationId);
    if (!st?.members.has(actor.id)) return;
    if (st.type === "DIRECT" && !(await this.members.directTypingAllowed(st, actor.id))) return;
    const entry = this.typists.get(actor.id);
    if (!on) {
      if (!entry) return;
      this.typists.delete(actor.id);
      this.fanout.typing(st, conversationId, actor.id, null);
      return;
    }
    const expiresAt = actor.now + TYPING_TTL_MS;
    if (entry && actor.now - entry.forwardedAt < TYPING_THROTTLE_MS) {
      entry.expiresAt = expiresAt;
      return;
    }
    this.typists.set(actor.id, { expiresAt, forwardedAt: actor.now });
    this.fanout.typing(st, conversationId, actor.id, expiresAt);
    await this.scheduleAlarm(expiresAt);
  }

  async history(
    conversationId: string,
    actor: Caller,
    q: HistoryQuery,
  ): Promise<RoomResult<{ data: Message[]; hasMore: boolean; lastSeq: number }>> {
    const viewer = await this.viewer(conversationId, actor.id);
    if (!viewer) return fail("NOT_FOUND");
    const { rows, hasMore } = this.log.history(viewer, q);
    const last = rows[rows.length - 1];
    if (last) this.writeBack.noteDelivered(viewer.member, last.seq);
    return {
      ok: true,
      data: this.log.render(conversationId, rows, viewer),
      hasMore,
      lastSeq: this.log.lastSeq,
    };
  }

  /**
   * Resume: the log after `after` as the member would have received it live, in order, with messages in
   * their current state. `upTo` is the highest seq covered: everything visible up to it is in `frames`.
   */
  async replay(
    conversationId: string,
    userId: string,
    after: number,
  ): Promise<RoomResult<{ frames: HubFrame[]; upTo: number; more: boolean; epoch: string }>> {
    const viewer = await this.viewer(conversationId, userId);
    if (!viewer) return fail("NOT_FOUND");
    // In the same turn as reading the log: what the fan-out skipped while the member had no socket is in
    // this replay, and everything after it reaches their sockets live.
    this.fanout.online(userId);
    const { frames, upTo, more, lastMessageSeq } = this.log.replay(conversationId, viewer, after);
    if (lastMessageSeq) this.writeBack.noteDelivered(viewer.member, lastMessageSeq);
    return { ok: true, frames, upTo, more, epoch: this.fanout.epoch };
  }

  /**
   * Membership changes run here with every other event held back, so a message is either before a member
   * joined (invisible to them) or after (delivered to them), never in between.
   */
  async changeMembers(
    conversationId: string,
    change: MembershipChange,
  ): Promise<RoomResult<{ seq: number }>> {
    return this.ctx.blockConcurrencyWhile(async () => {
      try {
        if (!(await this.ready(conversationId))) return fail("NOT_FOUND");
        const at = { seq: this.log.lastSeq, messageCount: this.log.messageCount };
        await this.env.DB.batch(membershipStatements(this.env.DB, conversationId, change, at));
        if (!(await this.members.reload(conversationId))) return fail("NOT_FOUND");
        return { ok: true as const, seq: this.log.lastSeq };
      } catch (err) {
        // Never let it throw: an exception inside blockConcurrencyWhile resets the object.
        logRoomError("membership change failed", err);
        return fail("INTERNAL");
      }
    });
  }

  /** The member's hub connected a socket after answering this room "no sockets": deliver to them again. */
  memberOnline(conversationId: string, userId: string): void {
    if (this.conversationId === conversationId) this.fanout.online(userId);
  }

  /** Re-reads membership, settings and block pairs from D1 (after a change made elsewhere). */
  async refresh(conversationId: string): Promise<void> {
    if (this.conversationId === conversationId || this.conversationId === null)
      await this.members.reload(conversationId);
  }

  override async alarm(): Promise<void> {
    this.alarmAt = null;
    const now = systemClock.now();
    const id = this.conversationId;
    for (const [userId, entry] of this.typists) {
      if (entry.expiresAt > now) continue;
      this.typists.delete(userId);
      if (this.members.state && id) this.fanout.typing(this.members.state, id, userId, null);
    }
    if (this.writeBack.pending) await this.writeBack.flush();
    await this.notices.flush(id, now);
    let next = this.notices.dueAt ?? Number.POSITIVE_INFINITY;
    for (const entry of this.typists.values()) next = Math.min(next, entry.expiresAt);
    if (this.writeBack.needsRetry) next = Math.min(next, now + RETRY_MS);
    if (next !== Number.POSITIVE_INFINITY) await this.scheduleAlarm(next);
  }

  // ---------------------------------------------------------------- membership

  /** The membership cache, for the conversation this room is named after (null for any other id). */
  private async ready(conversationId: string): Promise<RoomState | null> {
    if (this.conversationId !== null && this.conversationId !== conversationId) return null;
    return this.members.ready(conversationId);
  }

  private async viewer(conversationId: string, userId: string) {
    return this.members.viewer(await this.ready(conversationId), userId);
  }

  private directRefusal(st: RoomState, actorId: string, checkAllow: boolean) {
    return this.members.directRefusal(st, actorId, checkAllow, (id) => this.log.hasSpoken(id));
  }

  // ---------------------------------------------------------------- fan-out

  /** Tells every reader who may see the message about a change; answers it as the actor sees it. */
  private broadcastUpdate(st: RoomState, conversationId: string, update: MessageUpdate): Message {
    const message = this.fanout.update(st, this.log, conversationId, update);
    const { change, row } = update;
    if (change !== "reaction" && this.log.latestMessage()?.seq === row.seq) this.writeBack.summaryChanged();
    return message;
  }

  private async scheduleAlarm(at: number): Promise<void> {
    if (this.alarmAt !== null && this.alarmAt <= at) return;
    this.alarmAt = at;
    await this.ctx.storage.setAlarm(at);
  }
}
