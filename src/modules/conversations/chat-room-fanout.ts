import { type HubFrame, hubOf } from "../../core/live";
import { systemClock } from "../../platform/clock";
import type { Bindings } from "../../platform/env";
import type { RoomLog } from "./chat-room-log";
import type { RoomNotices } from "./chat-room-notices";
import { type RoomState, viewerOf } from "./chat-room-state";
import { events } from "./events";
import type { MessageRow } from "./render";
import { logRoomError } from "./room";
import { seesMember, type Viewer } from "./rules";
import type { Message } from "./schemas";
import type { RoomMember } from "./store";

/** A change to a stored message, as the room tells its readers about it. */
export interface MessageUpdate {
  logSeq: number;
  change: "edited" | "deleted" | "reaction";
  actor: RoomMember;
  row: MessageRow;
  origin: string | undefined;
  reaction?: { userId: string; emoji: string | null } | undefined;
}

/** Frames for one reader: the frame, or null when the reader must not get this event. */
export type FrameFor = (m: RoomMember) => HubFrame | null;

interface Outbox {
  userId: string;
  stub: ReturnType<typeof hubOf>;
  frames: HubFrame[];
  callbacks: ((sockets: number) => void)[];
  /** A call to the hub is in flight: new frames wait for its answer and go together in the next call. */
  busy: boolean;
  /** The frames now in flight are a second attempt after a failed call. */
  retried: boolean;
}

/**
 * How the chat room tells its members about each event of its log: each reader gets what they may see,
 * rendered as they see it (each distinct view serialized once and shared). Frames go to each member's
 * UserHub through a per-member outbox with at most one call in flight, so calls to one hub arrive in
 * order; frames for one hub from the same turn of the event loop go in one call, and when a hub is slower
 * than the room, the frames that piled up meanwhile go together in the next call.
 *
 * Members with no open socket are skipped: a hub that answers "no sockets" remembers this room and tells
 * it (`online`) when the member connects again. Nothing is lost meanwhile: everything a skipped member
 * missed comes through resume, and a resume (`replay`) also marks them online before it reads the log.
 */
export class RoomFanout {
  /** This instance of the room: hubs that see it change repair what a restart lost (MemberHub.deliver). */
  readonly epoch = crypto.randomUUID();
  private readonly outboxes = new Map<string, Outbox>();
  /** Outboxes with frames to send at the end of this turn. */
  private readonly due = new Set<Outbox>();
  /** Members whose hub answered "no sockets" (skipped until their hub says they connected). */
  private readonly offline = new Set<string>();
  /**
   * Per member, how often they were reported online: a "no sockets" answer counts only if no report came
   * since its call was sent (the member may have connected while the answer travelled).
   */
  private readonly onlineReports = new Map<string, number>();

  /**
   * `delivered` hears of each member a new message reached on an open socket; `notices` of the members
   * it did not reach.
   */
  constructor(
    private readonly env: Pick<Bindings, "USER_HUB" | "NOTIFY_QUEUE">,
    private readonly delivered: (member: RoomMember, seq: number) => void,
    private readonly conversationId: () => string | null,
    private readonly notices: RoomNotices,
  ) {}

  /** The member has an open socket again (their hub connected one, or they resume): deliver to them. */
  online(userId: string): void {
    this.onlineReports.set(userId, (this.onlineReports.get(userId) ?? 0) + 1);
    this.offline.delete(userId);
  }

  /** A new message, to everyone who may see it; answers the message as the sender sees it. */
  message(
    st: RoomState,
    log: RoomLog,
    conversationId: string,
    sender: RoomMember,
    row: MessageRow,
    origin: string | undefined,
  ): Message {
    const view = log.viewsOf(conversationId, row);
    const message = view(viewerOf(st, sender)) ?? log.renderOne(conversationId, row, viewerOf(st, sender));
    const frames = logFrames(st, conversationId, row.seq, view, (m) => events.message(conversationId, m), {
      id: sender.userId,
      whenHidden: "skip",
    });
    void this.toMembers(st, sender.userId, frames, origin, { includeActor: true, wantResult: true }).then(
      (reached) => this.afterMessage(st, conversationId, sender.userId, message, reached),
    );
    return message;
  }

  /** Tells every reader who may see the message about a change to it; answers it as the actor sees it. */
  update(st: RoomState, log: RoomLog, conversationId: string, u: MessageUpdate): Message {
    const view = log.viewsOf(conversationId, u.row);
    const frames = logFrames(
      st,
      conversationId,
      u.logSeq,
      view,
      (message, actorId) => events.updated(conversationId, u.logSeq, u.change, actorId, message, u.reaction),
      { id: u.actor.userId, whenHidden: u.change === "deleted" ? "anonymous" : "skip" },
    );
    void this.toMembers(st, u.actor.userId, frames, u.origin, { includeActor: true });
    return view(viewerOf(st, u.actor)) ?? log.renderOne(conversationId, u.row, viewerOf(st, u.actor));
  }

  /** A typing indicator (stop when `expiresAt` is null), to the members who see the typist. */
  typing(st: RoomState, conversationId: string, userId: string, expiresAt: number | null): void {
    const event = events.typing(conversationId, userId, expiresAt === null ? "stop" : "start", expiresAt);
    void this.toMembers(st, userId, toSeersOf(st, userId, { j: JSON.stringify(event) }), undefined);
  }

  /** A read receipt, to every member who sees the reader (the reader's other devices included). */
  receipt(st: RoomState, conversationId: string, reader: RoomMember): void {
    const receipt = events.receipt(conversationId, reader.userId, reader.readSeq, reader.deliveredSeq);
    const frames = toSeersOf(st, reader.userId, { j: JSON.stringify(receipt) });
    void this.toMembers(st, reader.userId, frames, undefined, { includeActor: true });
  }

  /** Delete for me: only the member's own devices hear of it. */
  hidden(userId: string, conversationId: string, logSeq: number, seq: number, origin: string | undefined) {
    const frame = {
      c: conversationId,
      s: logSeq,
      j: JSON.stringify(events.hidden(conversationId, logSeq, seq)),
    };
    this.deliverTo(userId, origin ? { ...frame, o: origin } : frame);
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
      if (m) this.delivered(m, message.seq);
    }
    if (delivered.length > 0) {
      this.deliverTo(senderId, {
        j: JSON.stringify(events.delivered(conversationId, message.seq, delivered)),
      });
    }
    await this.notices
      .collect(st, conversationId, senderId, message, online, systemClock.now())
      .catch((err) => logRoomError("message notice failed", err));
  }

  /**
   * Sends each active member the frame `frameFor` gives them (none when it gives null), the actor's own
   * other devices included when asked, except the `origin` socket (it gets an ack instead). Members known
   * to have no open socket are skipped. With `wantResult`, resolves to the members that had an open socket.
   */
  toMembers(
    st: RoomState,
    actorId: string,
    frameFor: FrameFor,
    origin: string | undefined,
    opts: { includeActor?: boolean; wantResult?: boolean } = {},
  ): Promise<string[]> {
    const targets: [string, HubFrame][] = [];
    for (const m of st.members.values()) {
      if (!m.active || (m.userId === actorId && !opts.includeActor) || this.offline.has(m.userId)) continue;
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

  /**
   * Queues one frame for one member's hub; `onResult` hears how many sockets the call reached (0 at once
   * for a member known to have none).
   */
  deliverTo(userId: string, frame: HubFrame, onResult?: (sockets: number) => void): void {
    if (this.offline.has(userId)) {
      onResult?.(0);
      return;
    }
    let box = this.outboxes.get(userId);
    if (!box) {
      box = { userId, stub: hubOf(this.env, userId), frames: [], callbacks: [], busy: false, retried: false };
      this.outboxes.set(userId, box);
    }
    box.frames.push(frame);
    if (onResult) box.callbacks.push(onResult);
    if (box.busy) return;
    if (this.due.size === 0) queueMicrotask(() => this.flush());
    this.due.add(box);
  }

  /** Sends what this turn queued: one call per hub. */
  private flush(): void {
    const boxes = [...this.due];
    this.due.clear();
    for (const box of boxes) if (!box.busy && box.frames.length > 0) this.pump(box);
  }

  private pump(box: Outbox): void {
    const { frames, callbacks, userId } = box;
    box.frames = [];
    box.callbacks = [];
    box.busy = true;
    const reports = this.onlineReports.get(userId) ?? 0;
    const room = this.conversationId() ?? undefined;
    box.stub
      .deliver(frames, room, this.epoch)
      .catch(() => -1)
      .then((sockets) => {
        // A failed call may or may not have reached the hub: send its frames again once, ahead of newer
        // ones (the hub drops a conversation event it already sent on a socket).
        if (sockets === -1 && !box.retried) {
          box.retried = true;
          box.frames = [...frames, ...box.frames];
          box.callbacks = [...callbacks, ...box.callbacks];
          box.busy = false;
          this.pump(box);
          return;
        }
        box.retried = false;
        for (const cb of callbacks) cb(Math.max(0, sockets));
        box.busy = false;
        // No socket, and no report of one since the call was sent: skip the member until the hub (which
        // now remembers this room) reports one. Frames queued meanwhile are covered by their resume.
        if (sockets === 0 && room && (this.onlineReports.get(userId) ?? 0) === reports) {
          this.offline.add(userId);
          const dropped = box.callbacks;
          box.frames = [];
          box.callbacks = [];
          for (const cb of dropped) cb(0);
          return;
        }
        if (box.frames.length > 0) this.pump(box);
      });
  }
}

/** One frame for every member who sees `actorId` (a block either way hides the actor's receipts and typing). */
export function toSeersOf(st: RoomState, actorId: string, frame: HubFrame): FrameFor {
  return (m) => (seesMember(viewerOf(st, m), actorId) ? frame : null);
}

/**
 * The frames of one log event about a message: each reader gets it only when they may see the message,
 * rendered as they see it; an actor hidden from the reader skips the event, or (`anonymous`, for a
 * deletion, which must reach everyone who saw the text) shows as a null actorId. Each distinct view is
 * serialized once.
 */
export function logFrames(
  st: RoomState,
  conversationId: string,
  logSeq: number,
  view: (viewer: Viewer) => Message | null,
  event: (message: Message, actorId: string | null) => object,
  actor: { id: string; whenHidden: "skip" | "anonymous" },
): FrameFor {
  const shared = new Map<Message, { named?: HubFrame; anonymous?: HubFrame }>();
  const frameOf = (message: Message, actorId: string | null): HubFrame => ({
    c: conversationId,
    s: logSeq,
    j: JSON.stringify(event(message, actorId)),
  });
  return (m) => {
    const viewer = viewerOf(st, m);
    const message = view(viewer);
    if (!message) return null;
    const named = seesMember(viewer, actor.id);
    if (!named && actor.whenHidden === "skip") return null;
    let frames = shared.get(message);
    if (!frames) {
      frames = {};
      shared.set(message, frames);
    }
    if (named) {
      frames.named ??= frameOf(message, actor.id);
      return frames.named;
    }
    frames.anonymous ??= frameOf(message, null);
    return frames.anonymous;
  };
}
