import { DurableObject } from "cloudflare:workers";
import { publishEvents } from "../../core/events";
import { type HubFrame, hubOf } from "../../core/live";
import { systemClock } from "../../platform/clock";
import type { Bindings } from "../../platform/env";
import type { ErrorCode } from "../../platform/errors";
import { RoomLog } from "./chat-room-log";
import { events } from "./events";
import type { MessageRow } from "./render";
import { fail, type RoomResult } from "./room";
import {
  deleteForEveryoneRefusal,
  editRefusal,
  extractMentions,
  isMuted,
  messagingRefusal,
  preview,
  reactRefusal,
  seesMember,
  TYPING_THROTTLE_MS,
  TYPING_TTL_MS,
  type Viewer,
} from "./rules";
import type { HistoryQuery, Message, SendInput } from "./schemas";
import {
  blockedAround,
  forgetAttachments,
  loadRoom,
  type MembershipChange,
  membershipStatements,
  pairFacts,
  type RoomMember,
  readStatement,
  recordAttachments,
  summaryStatements,
} from "./store";

declare module "../../platform/env" {
  interface Bindings {
    /** One ChatRoom Durable Object per conversation. */
    CHAT_ROOM: DurableObjectNamespace<ChatRoom>;
  }
}

/**
 * One chat room per conversation (named by the conversation id): the authority for its messages.
 *
 * - Every change gets the next number of the conversation's log (`seq`, gap-free), stored in the room's
 *   SQLite (./chat-room-log.ts) before anyone hears of it; a restarted or evicted room continues from it,
 *   and resume replays it.
 * - Per action: check (rules from src/modules/conversations), store (one transaction), answer, fan out
 *   to each member's UserHub, then write the conversation summary back to D1, coalesced (at most one
 *   batch per WRITE_BACK_MS; an alarm retries a failed one, and a restarted room finishes it).
 * - Membership and the block pairs between members are cached from D1 and reloaded on every change, so a
 *   group message costs no D1 round trip. A 1:1 checks blocks and allowMessages in D1 on every write.
 * - Every reader gets what `maySee` (src/modules/conversations/rules.ts) admits, rendered as they see it
 *   (quoted message, reactions, mentions): in answers, live events, history and resume alike.
 */
/** Who calls the room and when (the service passes the member id and its clock reading). */
export interface Caller {
  id: string;
  now: number;
}

interface RoomState {
  type: "DIRECT" | "GROUP";
  members: Map<string, RoomMember>;
  /** username -> user id, for mentions. */
  usernames: Map<string, string>;
  /** Member -> the members a block (either way) hides from them. */
  hidden: Map<string, Set<string>>;
  loadedAt: number;
}

const NOBODY: ReadonlySet<string> = new Set();

/** A member as a reader of the log, from the cached membership and blocks. */
function viewerOf(st: RoomState, m: RoomMember): Viewer {
  return { userId: m.userId, joinedSeq: m.joinedSeq, hiddenMembers: st.hidden.get(m.userId) ?? NOBODY };
}

function hideEachOther(st: RoomState, a: string, b: string): void {
  for (const [x, y] of [
    [a, b],
    [b, a],
  ] as const) {
    const set = st.hidden.get(x);
    if (set) set.add(y);
    else st.hidden.set(x, new Set([y]));
  }
}

/** Frames for one reader: the frame, or null when the reader must not get this event. */
type FrameFor = (m: RoomMember) => HubFrame | null;

interface Outbox {
  stub: ReturnType<typeof hubOf>;
  frames: HubFrame[];
  callbacks: ((sockets: number) => void)[];
  busy: boolean;
}

/** Membership is re-read from D1 in the background when older than this (sends never wait for it). */
const STATE_TTL_MS = 60_000;
/** A 1:1's block status is re-checked for typing indicators at most this old (writes always check). */
const DIRECT_TYPING_TTL_MS = 10_000;
/** How long changes wait to be written back to D1 together (the conversation list lags by at most this). */
const WRITE_BACK_MS = 200;
const RETRY_MS = 5_000;

export class ChatRoom extends DurableObject<Bindings> {
  /**
   * The stored log; null until D1 confirmed the conversation exists. A room asked about an id that names
   * no conversation answers NOT_FOUND and never writes storage, so made-up ids leave nothing behind.
   */
  private stored: RoomLog | null;
  private conversationId: string | null = null;
  private state: RoomState | null = null;
  private loading: Promise<RoomState | null> | null = null;
  private loadGeneration = 0;
  private readonly outboxes = new Map<string, Outbox>();
  private directTypingCheck: { at: number; ok: boolean } | null = null;
  private readonly typists = new Map<string, { expiresAt: number; forwardedAt: number }>();
  private alarmAt: number | null = null;
  // Write-back to D1.
  private syncedSeq = 0;
  private summaryDirty = false;
  private readonly pendingReads = new Map<string, { seq: number; count: number }>();
  private readonly pendingDelivered = new Map<string, number>();
  private flushing: Promise<void> | null = null;
  private flushAgain = false;

  constructor(ctx: DurableObjectState, env: Bindings) {
    super(ctx, env);
    this.stored = RoomLog.existing(ctx.storage);
    if (this.stored) {
      this.conversationId = this.stored.meta("id") as string | null;
      this.syncedSeq = Number(this.stored.meta("synced") ?? 0);
      // Stored but not yet written back to D1 when the room stopped: finish it now.
      if (this.syncedSeq < this.stored.lastSeq) {
        this.summaryDirty = true;
        this.flushSoon();
      }
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
    const view = this.log.viewsOf(conversationId, row);
    const message = view(viewerOf(st, me)) ?? this.log.renderOne(conversationId, row, viewerOf(st, me));
    const frames = this.logFrames(
      st,
      conversationId,
      row.seq,
      view,
      (m) => events.message(conversationId, m),
      {
        id: actor.id,
        whenHidden: "skip",
      },
    );
    void this.fanOut(st, actor.id, frames, origin, { includeActor: true, wantResult: true }).then((reached) =>
      this.afterMessage(st, conversationId, actor.id, message, reached),
    );
    // Sending reads everything before it.
    me.readSeq = row.seq;
    this.pendingReads.set(actor.id, { seq: row.seq, count: row.n });
    this.summaryDirty = true;
    this.flushSoon();
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
    const early = before ? editRefusal(facts(before), actor.id, actor.now) : "NOT_FOUND";
    if (early) return fail(early);
    const blocked = await this.directRefusal(st, actor.id, false);
    if (blocked) return fail(blocked);
    const row = this.log.row(seq)!;
    const refusal = editRefusal(facts(row), actor.id, actor.now);
    if (refusal) return fail(refusal);

    const mentions = extractMentions(text, st.usernames).filter((id) => id !== actor.id);
    const logSeq = this.log.edit(seq, text, mentions, actor.now);
    const message = this.broadcastUpdate(
      st,
      conversationId,
      logSeq,
      "edited",
      me,
      this.log.row(seq)!,
      origin,
    );
    return { ok: true, message };
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
        ? deleteForEveryoneRefusal(facts(row), { id: actor.id, role: me.role }, st.type)
        : null;
    if (early) return fail(early);
    const blocked = await this.directRefusal(st, actor.id, false);
    if (blocked) return fail(blocked);

    if (scope === "me") {
      if (!this.log.visibleRow(seq, viewerOf(st, me))) return { ok: true, message: null };
      const logSeq = this.log.hide(seq, actor.id);
      const frame = {
        c: conversationId,
        s: logSeq,
        j: JSON.stringify(events.hidden(conversationId, logSeq, seq)),
      };
      this.deliverTo(actor.id, origin ? { ...frame, o: origin } : frame);
      return { ok: true, message: null };
    }
    const current = this.log.row(seq)!;
    if (current.deleted_at !== null)
      return { ok: true, message: this.log.renderOne(conversationId, current, viewerOf(st, me)) };
    const attached = (JSON.parse(current.attachments) as { id: string }[]).map((a) => a.id);
    const logSeq = this.log.tombstone(seq, actor.id, actor.now);
    if (attached.length > 0) await forgetAttachments(this.env.DB, conversationId, attached).run();
    const message = this.broadcastUpdate(
      st,
      conversationId,
      logSeq,
      "deleted",
      me,
      this.log.row(seq)!,
      origin,
    );
    return { ok: true, message };
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
    const early = row ? reactRefusal(facts(row)) : "NOT_FOUND";
    if (early) return fail(early);
    const blocked = await this.directRefusal(st, actor.id, false);
    if (blocked) return fail(blocked);
    const current = this.log.row(seq)!;
    const refusal = reactRefusal(facts(current));
    if (refusal) return fail(refusal);
    if (this.log.reactionOf(seq, actor.id) === emoji) {
      return { ok: true, message: this.log.renderOne(conversationId, current, viewerOf(st, me)) };
    }
    const logSeq = this.log.react(seq, actor.id, emoji, actor.now);
    const message = this.broadcastUpdate(st, conversationId, logSeq, "reaction", me, current, origin, {
      userId: actor.id,
      emoji,
    });
    return { ok: true, message };
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
    const receipt = events.receipt(conversationId, actor.id, me.readSeq, me.deliveredSeq);
    void this.fanOut(st, actor.id, this.toSeersOf(st, actor.id, { j: JSON.stringify(receipt) }), undefined, {
      includeActor: true,
    });
    return { ok: true, readSeq: target };
  }

  /** Typing indicators: forwarded at most every TYPING_THROTTLE_MS, stopped by the room after TYPING_TTL_MS. */
  async typing(conversationId: string, actor: Caller, on: boolean): Promise<void> {
    const st = await this.ready(conversationId);
    if (!st?.members.has(actor.id)) return;
    if (st.type === "DIRECT" && !(await this.directTypingAllowed(st, actor.id))) return;
    const entry = this.typists.get(actor.id);
    if (!on) {
      if (!entry) return;
      this.typists.delete(actor.id);
      this.sendTyping(st, conversationId, actor.id, null);
      return;
    }
    const expiresAt = actor.now + TYPING_TTL_MS;
    if (entry && actor.now - entry.forwardedAt < TYPING_THROTTLE_MS) {
      entry.expiresAt = expiresAt;
      return;
    }
    this.typists.set(actor.id, { expiresAt, forwardedAt: actor.now });
    this.sendTyping(st, conversationId, actor.id, expiresAt);
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
    if (last) this.noteDelivered(viewer.member, last.seq);
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
  ): Promise<RoomResult<{ frames: HubFrame[]; upTo: number; more: boolean }>> {
    const viewer = await this.viewer(conversationId, userId);
    if (!viewer) return fail("NOT_FOUND");
    const { frames, upTo, more, lastMessageSeq } = this.log.replay(conversationId, viewer, after);
    if (lastMessageSeq) this.noteDelivered(viewer.member, lastMessageSeq);
    return { ok: true, frames, upTo, more };
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
        if (!(await this.reload(conversationId))) return fail("NOT_FOUND");
        return { ok: true as const, seq: this.log.lastSeq };
      } catch (err) {
        // Never let it throw: an exception inside blockConcurrencyWhile resets the object.
        logError("membership change failed", err);
        return fail("INTERNAL");
      }
    });
  }

  /** Re-reads membership, settings and block pairs from D1 (after a change made elsewhere). */
  async refresh(conversationId: string): Promise<void> {
    if (this.conversationId === conversationId || this.conversationId === null)
      await this.reload(conversationId);
  }

  override async alarm(): Promise<void> {
    this.alarmAt = null;
    const now = systemClock.now();
    const id = this.conversationId;
    for (const [userId, entry] of this.typists) {
      if (entry.expiresAt > now) continue;
      this.typists.delete(userId);
      if (this.state && id) this.sendTyping(this.state, id, userId, null);
    }
    if (this.summaryDirty || this.pendingReads.size > 0 || this.pendingDelivered.size > 0) await this.flush();
    let next = Number.POSITIVE_INFINITY;
    for (const entry of this.typists.values()) next = Math.min(next, entry.expiresAt);
    if (this.summaryDirty || this.pendingDelivered.size > 0) next = Math.min(next, now + RETRY_MS);
    if (next !== Number.POSITIVE_INFINITY) await this.scheduleAlarm(next);
  }

  // ---------------------------------------------------------------- membership cache and rules

  private async ready(conversationId: string): Promise<RoomState | null> {
    if (this.conversationId !== null && this.conversationId !== conversationId) return null;
    const st = this.state;
    if (!st) return this.loading ?? this.reload(conversationId);
    if (systemClock.now() - st.loadedAt > STATE_TTL_MS && !this.loading)
      void this.reload(conversationId).catch(() => {});
    return st;
  }

  private reload(conversationId: string): Promise<RoomState | null> {
    const generation = ++this.loadGeneration;
    const loading = loadRoom(this.env.DB, conversationId).then((snap) => {
      // A newer load (after a membership change) started meanwhile: it wins.
      if (generation !== this.loadGeneration) return this.state;
      if (!snap) {
        this.state = null;
        return null;
      }
      // The conversation exists: from here on the room keeps its log.
      this.stored ??= new RoomLog(this.ctx.storage);
      if (this.stored.meta("id") === null) this.stored.setMeta("id", conversationId);
      this.conversationId = conversationId;
      const members = new Map<string, RoomMember>();
      for (const m of snap.members) {
        // Receipt positions only move forward; memory may be ahead of D1 until the next write-back.
        const known = this.state?.members.get(m.userId);
        if (known && known.joinedSeq === m.joinedSeq) {
          m.readSeq = Math.max(m.readSeq, known.readSeq);
          m.deliveredSeq = Math.max(m.deliveredSeq, known.deliveredSeq);
        }
        members.set(m.userId, m);
      }
      const state: RoomState = {
        type: snap.type,
        members,
        usernames: new Map(snap.members.map((m) => [m.username, m.userId])),
        hidden: new Map(),
        loadedAt: systemClock.now(),
      };
      for (const [a, b] of snap.blocks) hideEachOther(state, a, b);
      this.state = state;
      return state;
    });
    this.loading = loading;
    const clear = () => {
      if (this.loading === loading) this.loading = null;
    };
    loading.then(clear, clear);
    return loading;
  }

  private peerOf(st: RoomState, userId: string): RoomMember | undefined {
    for (const m of st.members.values()) if (m.userId !== userId) return m;
    return undefined;
  }

  /**
   * 1:1 only (null for groups): a block either way or an inactive peer hides the conversation (404), and
   * when `checkAllow`, the peer's allowMessages must admit the actor unless the peer wrote here already.
   */
  private async directRefusal(
    st: RoomState,
    actorId: string,
    checkAllow: boolean,
  ): Promise<ErrorCode | null> {
    if (st.type !== "DIRECT") return null;
    const peer = this.peerOf(st, actorId);
    if (!peer) return "NOT_FOUND";
    const facts = await pairFacts(this.env.DB, actorId, peer.userId);
    this.directTypingCheck = { at: systemClock.now(), ok: !facts.blocked && facts.recipientActive };
    return messagingRefusal(facts, !checkAllow || this.log.hasSpoken(peer.userId));
  }

  private async directTypingAllowed(st: RoomState, actorId: string): Promise<boolean> {
    const cached = this.directTypingCheck;
    if (cached && systemClock.now() - cached.at < DIRECT_TYPING_TTL_MS) return cached.ok;
    await this.directRefusal(st, actorId, false);
    return this.directTypingCheck?.ok ?? false;
  }

  /**
   * A member as a reader of the log, with their blocks read fresh from D1 (and remembered for the live
   * fan-out). Null when the member is not in the conversation or a block hides a 1:1 entirely.
   */
  private async viewer(
    conversationId: string,
    userId: string,
  ): Promise<(Viewer & { member: RoomMember }) | null> {
    const st = await this.ready(conversationId);
    const member = st?.members.get(userId);
    if (!st || !member) return null;
    const around = await blockedAround(this.env.DB, userId);
    const hiddenMembers = new Set<string>();
    if (st.type === "DIRECT") {
      const peer = this.peerOf(st, userId);
      if (peer && (around.has(peer.userId) || !peer.active)) return null;
    } else {
      for (const id of around) {
        if (!st.members.has(id)) continue;
        hiddenMembers.add(id);
        hideEachOther(st, userId, id);
      }
    }
    return { userId, joinedSeq: member.joinedSeq, hiddenMembers, member };
  }

  // ---------------------------------------------------------------- fan-out

  /**
   * Sends each active member the frame `frameFor` gives them (none when it gives null), the actor's own
   * other devices included when asked, except the `origin` socket (it gets an ack instead). With
   * `wantResult`, resolves to the members that had an open socket.
   */
  private fanOut(
    st: RoomState,
    actorId: string,
    frameFor: FrameFor,
    origin: string | undefined,
    opts: { includeActor?: boolean; wantResult?: boolean } = {},
  ): Promise<string[]> {
    const targets: [string, HubFrame][] = [];
    for (const m of st.members.values()) {
      if (!m.active || (m.userId === actorId && !opts.includeActor)) continue;
      const frame = frameFor(m);
      if (!frame) continue;
      targets.push([m.userId, m.userId === actorId && origin ? { ...frame, o: origin } : frame]);
    }
    if (!opts.wantResult) {
      for (const [id, frame] of targets) this.deliverTo(id, frame);
      return Promise.resolve([]);
    }
    return new Promise((resolve) => {
      const reached: string[] = [];
      let waiting = targets.length;
      if (waiting === 0) resolve(reached);
      for (const [id, frame] of targets) {
        this.deliverTo(id, frame, (sockets) => {
          if (sockets > 0) reached.push(id);
          if (--waiting === 0) resolve(reached);
        });
      }
    });
  }

  /** One frame for every member who sees `actorId` (a block either way hides the actor's receipts and typing). */
  private toSeersOf(st: RoomState, actorId: string, frame: HubFrame): FrameFor {
    return (m) => (seesMember(viewerOf(st, m), actorId) ? frame : null);
  }

  /**
   * The frames of one log event about a message: each reader gets it only when they may see the message,
   * rendered as they see it; an actor hidden from the reader skips the event, or (`anonymous`, for a
   * deletion, which must reach everyone who saw the text) shows as a null actorId. Each distinct view is
   * serialized once.
   */
  private logFrames(
    st: RoomState,
    conversationId: string,
    logSeq: number,
    view: (viewer: Viewer) => Message | null,
    event: (message: Message, actorId: string | null) => object,
    actor: { id: string; whenHidden: "skip" | "anonymous" },
  ): FrameFor {
    const serialized = new Map<Message, { named?: string; anonymous?: string }>();
    return (m) => {
      const viewer = viewerOf(st, m);
      const message = view(viewer);
      if (!message) return null;
      const named = seesMember(viewer, actor.id);
      if (!named && actor.whenHidden === "skip") return null;
      const texts = serialized.get(message) ?? {};
      serialized.set(message, texts);
      if (named) texts.named ??= JSON.stringify(event(message, actor.id));
      else texts.anonymous ??= JSON.stringify(event(message, null));
      const j = (named ? texts.named : texts.anonymous)!;
      return { c: conversationId, s: logSeq, j };
    };
  }

  /**
   * Frames go to each member's hub through a per-member outbox with at most one call in flight: calls to
   * one hub arrive in order, and when a hub is slower than the room, the frames that piled up meanwhile
   * go together in the next call (no added latency when idle, far fewer calls under load).
   */
  private deliverTo(userId: string, frame: HubFrame, onResult?: (sockets: number) => void): void {
    let box = this.outboxes.get(userId);
    if (!box) {
      box = { stub: hubOf(this.env, userId), frames: [], callbacks: [], busy: false };
      this.outboxes.set(userId, box);
    }
    box.frames.push(frame);
    if (onResult) box.callbacks.push(onResult);
    if (!box.busy) this.pump(box);
  }

  private pump(box: Outbox): void {
    const { frames, callbacks } = box;
    box.frames = [];
    box.callbacks = [];
    box.busy = true;
    box.stub
      .deliver(frames)
      .then(
        (r) => r.sockets,
        () => 0,
      )
      .then((sockets) => {
        for (const cb of callbacks) cb(sockets);
        box.busy = false;
        if (box.frames.length > 0) this.pump(box);
      });
  }

  /** Tells every reader who may see `row` about a change to it; answers the message as the actor sees it. */
  private broadcastUpdate(
    st: RoomState,
    conversationId: string,
    logSeq: number,
    change: "edited" | "deleted" | "reaction",
    actor: RoomMember,
    row: MessageRow,
    origin: string | undefined,
    reaction?: { userId: string; emoji: string | null },
  ): Message {
    const view = this.log.viewsOf(conversationId, row);
    const frames = this.logFrames(
      st,
      conversationId,
      logSeq,
      view,
      (message, actorId) => events.updated(conversationId, logSeq, change, actorId, message, reaction),
      { id: actor.userId, whenHidden: change === "deleted" ? "anonymous" : "skip" },
    );
    void this.fanOut(st, actor.userId, frames, origin, { includeActor: true });
    if (change !== "reaction" && this.log.latestMessage()?.seq === row.seq) {
      this.summaryDirty = true;
      this.flushSoon();
    }
    return view(viewerOf(st, actor)) ?? this.log.renderOne(conversationId, row, viewerOf(st, actor));
  }

  private sendTyping(st: RoomState, conversationId: string, userId: string, expiresAt: number | null): void {
    const event = events.typing(conversationId, userId, expiresAt === null ? "stop" : "start", expiresAt);
    void this.fanOut(st, userId, this.toSeersOf(st, userId, { j: JSON.stringify(event) }), undefined);
  }

  /** After a new message reached the members who were online: a delivery receipt, notices for the rest. */
  private async afterMessage(
    st: RoomState,
    conversationId: string,
    senderId: string,
    message: Message,
    reached: string[],
  ): Promise<void> {
    const online = new Set(reached);
    const delivered = reached.filter((id) => id !== senderId);
    for (const id of delivered) {
      const m = st.members.get(id);
      if (m) this.noteDelivered(m, message.seq);
    }
    if (delivered.length > 0) {
      this.deliverTo(senderId, {
        j: JSON.stringify(events.delivered(conversationId, message.seq, delivered)),
      });
    }
    const now = systemClock.now();
    const mentioned = new Set(message.mentions);
    const target = { type: "conversation", id: conversationId };
    const data = { seq: message.seq, preview: preview(message.text, false) };
    const notices: Parameters<typeof publishEvents>[1] = [];
    for (const m of st.members.values()) {
      if (m.userId === senderId || !m.active || !seesMember(viewerOf(st, m), senderId)) continue;
      // Mentions always notify; other messages only members who were offline and have not muted.
      const type = mentioned.has(m.userId)
        ? "mention"
        : !online.has(m.userId) && !isMuted(m.mutedUntil, now)
          ? "message"
          : null;
      if (!type) continue;
      notices.push({
        key: `${type}:${conversationId}:${message.seq}:${m.userId}`,
        event: { type, actorId: senderId, recipientId: m.userId, target, data, at: now },
      });
    }
    if (notices.length > 0)
      await publishEvents(this.env, notices).catch((err) => logError("message notice failed", err));
  }

  // ---------------------------------------------------------------- D1 write-back

  private noteDelivered(member: RoomMember, seq: number): void {
    if (seq <= member.deliveredSeq) return;
    member.deliveredSeq = seq;
    this.pendingDelivered.set(member.userId, seq);
    this.flushSoon();
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
      .catch((err) => logError("room write-back failed", err))
      .finally(() => {
        this.flushing = null;
      });
  }

  /** Writes the conversation summary and receipt positions to D1 in one batch; on failure the alarm retries. */
  private async flush(): Promise<void> {
    const id = this.conversationId;
    if (!id || !this.stored) return;
    const summaryDirty = this.summaryDirty;
    const reads = [...this.pendingReads].map(([userId, r]) => ({ userId, ...r }));
    const byValue = new Map<number, string[]>();
    for (const [userId, seq] of this.pendingDelivered)
      byValue.set(seq, [...(byValue.get(seq) ?? []), userId]);
    if (!summaryDirty && reads.length === 0 && byValue.size === 0) return;
    this.summaryDirty = false;
    this.pendingReads.clear();
    this.pendingDelivered.clear();
    const lastSeq = this.log.lastSeq;
    const latest = this.log.latestMessage();
    const summary = {
      lastSeq,
      messageCount: this.log.messageCount,
      last: latest && {
        seq: latest.seq,
        senderId: latest.sender_id,
        preview: preview(latest.text, latest.deleted_at !== null),
        at: latest.created_at,
      },
      reads,
      delivered: [...byValue].map(([seq, userIds]) => ({ seq, userIds })),
      now: systemClock.now(),
    };
    try {
      const statements = summaryStatements(this.env.DB, id, summary);
      await this.env.DB.batch(summaryDirty ? statements : statements.slice(1));
      if (summaryDirty && lastSeq > this.syncedSeq) {
        this.syncedSeq = lastSeq;
        this.log.setMeta("synced", lastSeq);
      }
    } catch (err) {
      logError("room write-back failed", err);
      if (summaryDirty) this.summaryDirty = true;
      for (const r of reads) if (!this.pendingReads.has(r.userId)) this.pendingReads.set(r.userId, r);
      for (const d of summary.delivered) {
        for (const u of d.userIds)
          this.pendingDelivered.set(u, Math.max(d.seq, this.pendingDelivered.get(u) ?? 0));
      }
      await this.scheduleAlarm(systemClock.now() + RETRY_MS);
    }
  }

  private async scheduleAlarm(at: number): Promise<void> {
    if (this.alarmAt !== null && this.alarmAt <= at) return;
    this.alarmAt = at;
    await this.ctx.storage.setAlarm(at);
  }
}

function facts(row: { sender_id: string; created_at: number; deleted_at: number | null }) {
  return { senderId: row.sender_id, createdAt: row.created_at, deletedAt: row.deleted_at };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function logError(msg: string, err: unknown): void {
  console.error(
    JSON.stringify({ level: "error", msg, error: err instanceof Error ? err.message : String(err) }),
  );
}
