import { DurableObject } from "cloudflare:workers";
import { createDb, type Db } from "../../core/db";
import type { Deps } from "../../core/deps";
import type { HubFrame, MemberHub } from "../../core/live";
import { systemClock } from "../../platform/clock";
import type { Bindings } from "../../platform/env";
import { AppError, type ErrorCode, type ErrorDetail, errorMessage } from "../../platform/errors";
import type { Locale } from "../../platform/i18n";
import { membershipsAmong, roomOf } from "../conversations";
import { messageFrame, renewToken } from "./hub-frames";
import { presenceSnapshot, publishPresence } from "./presence";
import { ClientFrame, HEARTBEAT_MS, MAX_FRAME_BYTES, PROTOCOL, type PresenceStatus } from "./protocol";
import { logHubError, refOf, type SocketClaims, sendRaw } from "./socket";

/**
 * One hub per member (named by the member id): holds every WebSocket the member has open (devices, tabs)
 * with the Hibernation API, so an idle connection costs nothing, and pushes live events to them.
 *
 * Per-socket state that must survive hibernation (who, which session, token expiry, online/away) is in the
 * socket's attachment. Transient per-socket state (conversations being resumed, their replay floors) is
 * in memory: it only matters while a resume is running, which keeps the object awake.
 */
interface SocketInfo extends SocketClaims {
  /** Socket id, unique per connection. */
  id: string;
  status: "online" | "away";
}

const PING = '{"type":"ping"}';
/** Replays of one conversation tried before the socket is closed for the client to resume again. */
const REPLAY_ATTEMPTS = 3;
/** A socket opened with ?resume=1 that never sends `resume` gets its held events after this long. */
const RESUME_GRACE_MS = 10_000;
/** Seqs remembered per socket and conversation, to replay none of them twice. */
const SENT_MEMORY = 256;
const PONG = '{"type":"pong"}';
/** Storage key: conversations whose rooms skip this member until told a socket connected. */
const ROOMS_WAITING = "rooms-waiting";

export class UserHub extends DurableObject<Bindings> implements MemberHub {
  private readonly infos = new WeakMap<WebSocket, SocketInfo>();
  /**
   * Sockets opened with ?resume=1 whose first `resume` has not arrived: every conversation frame waits
   * here, so nothing can overtake the replay (an event sent live before the resume would otherwise arrive
   * ahead of older ones the replay brings, and again inside the replay).
   */
  private readonly awaitingResume = new WeakMap<WebSocket, HubFrame[]>();
  /** Conversations a socket is resuming: live frames for them wait here until the replay is sent. */
  private readonly resuming = new WeakMap<WebSocket, Map<string, HubFrame[]>>();
  /** Per socket and conversation: the seq a replay covered; live frames at or below it were replayed. */
  private readonly floors = new WeakMap<WebSocket, Map<string, number>>();
  /**
   * Per socket and conversation: the recent seqs already sent on it. A `resume` sent again on an open
   * socket names the highest seq the client had seen when it sent it; an event still in flight then is
   * not replayed a second time.
   */
  private readonly sent = new WeakMap<WebSocket, Map<string, Set<number>>>();
  /** Per socket and conversation: the room instance whose events it last received (repairAfterRestart). */
  private readonly epochs = new WeakMap<WebSocket, Map<string, string>>();
  private readonly closed = new WeakSet<WebSocket>();
  private published: PresenceStatus | null = null;
  /** One drizzle instance for the object's lifetime (building one per frame costs more than the frame). */
  private readonly db: Db;
  private presenceChain: Promise<void> = Promise.resolve();

  constructor(ctx: DurableObjectState, env: Bindings) {
    super(ctx, env);
    this.db = createDb(env.DB);
    // Heartbeats are answered by the runtime without waking the object.
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair(PING, PONG));
  }

  /** Accepts an upgrade already authenticated by src/modules/realtime/routes.ts (claims in a header). */
  override async fetch(request: Request): Promise<Response> {
    const claims = JSON.parse(request.headers.get("x-majlis-socket") ?? "null") as SocketClaims | null;
    if (!claims || request.headers.get("upgrade")?.toLowerCase() !== "websocket") {
      return new Response(null, { status: 400 });
    }
    const pair = new WebSocketPair();
    const client = pair[0];
    const server = pair[1];
    this.ctx.acceptWebSocket(server, [claims.sessionId]);
    const info: SocketInfo = { ...claims, id: crypto.randomUUID(), status: "online" };
    server.serializeAttachment(info);
    this.infos.set(server, info);
    if (claims.holdUntilResume) {
      this.awaitingResume.set(server, []);
      setTimeout(() => this.releaseAwaiting(server), RESUME_GRACE_MS);
    }
    this.send(server, {
      type: "ready",
      protocol: PROTOCOL,
      userId: info.userId,
      socketId: info.id,
      serverTime: new Date(systemClock.now()).toISOString(),
      heartbeatMs: HEARTBEAT_MS,
    });
    this.presenceChanged(info.userId);
    void presenceSnapshot(this.env, info.userId)
      .then((users) => this.send(server, { type: "presence.snapshot", users }))
      .catch((err) => logHubError("presence snapshot failed", err));
    await this.tellRoomsWaiting(info.userId);
    return new Response(null, {
      status: 101,
      webSocket: client,
      headers: claims.protocol ? { "Sec-WebSocket-Protocol": claims.protocol } : {},
    });
  }

  /**
   * Sends frames to every open socket of the member; answers how many sockets there were. With none, a
   * `room` that asked is remembered (in storage: the hub may be evicted meanwhile) and told when a socket
   * connects, since it skips the member until then.
   */
  deliver(frames: HubFrame[], room?: string, epoch?: string): number {
    let sockets = 0;
    for (const ws of this.ctx.getWebSockets()) {
      if (this.closed.has(ws)) continue;
      sockets++;
      const origin = this.info(ws).id;
      if (room !== undefined && epoch !== undefined) this.repairAfterRestart(ws, room, epoch);
      const early = this.awaitingResume.get(ws);
      const resuming = this.resuming.get(ws);
      const floors = this.floors.get(ws);
      for (const f of frames) {
        if (f.o !== undefined && f.o === origin) continue;
        if (f.c !== undefined && f.s !== undefined) {
          if (early) {
            early.push(f);
            continue;
          }
          const waiting = resuming?.get(f.c);
          if (waiting) {
            waiting.push(f);
            continue;
          }
          const floor = floors?.get(f.c);
          if (floor !== undefined && f.s <= floor) continue;
          if (this.wasSent(ws, f)) continue;
        }
        this.sendFrame(ws, f);
      }
    }
    if (sockets === 0 && room !== undefined) {
      const rooms = this.roomsWaiting();
      if (!rooms.includes(room)) this.ctx.storage.kv.put(ROOMS_WAITING, [...rooms, room]);
    }
    return sockets;
  }

  private roomsWaiting(): string[] {
    return this.ctx.storage.kv.get<string[]>(ROOMS_WAITING) ?? [];
  }

  /**
   * A socket connected: the rooms that skip the member since their last "no sockets" answer hear of it
   * before the upgrade completes, so the new socket gets every event sent after it opened.
   */
  private async tellRoomsWaiting(userId: string): Promise<void> {
    const rooms = this.roomsWaiting();
    if (rooms.length === 0) return;
    this.ctx.storage.kv.delete(ROOMS_WAITING);
    await Promise.all(
      rooms.map((id) => {
        // A room that misses this skips the member until their resume (which marks them online again).
        const tell = () => roomOf(this.env, id).memberOnline(id, userId);
        return tell()
          .catch(() => tell())
          .catch((err) => logHubError("telling a room of a socket failed", err));
      }),
    );
  }

  /** Closes the member's sockets (all, or those of the given sessions): sign-out, suspension, deletion. */
  disconnect(sessionIds: string[] | null): void {
    const sockets = sessionIds
      ? sessionIds.flatMap((sid) => this.ctx.getWebSockets(sid))
      : this.ctx.getWebSockets();
    for (const ws of sockets) {
      this.closed.add(ws);
      try {
        ws.close(4001, "signed out");
      } catch {
        // already closed
      }
    }
    const any = sockets[0];
    if (any) this.presenceChanged(this.info(any).userId);
  }

  override async webSocketMessage(ws: WebSocket, raw: string | ArrayBuffer): Promise<void> {
    const info = this.info(ws);
    if (typeof raw !== "string")
      return this.fail(ws, undefined, "VALIDATION_ERROR", [{ message: "send JSON text frames" }]);
    if (raw.length > MAX_FRAME_BYTES) return this.fail(ws, undefined, "PAYLOAD_TOO_LARGE");
    let data: unknown;
    try {
      data = JSON.parse(raw);
    } catch {
      return this.fail(ws, undefined, "MALFORMED_JSON");
    }
    const ref = refOf(data);
    const parsed = ClientFrame.safeParse(data);
    if (!parsed.success) {
      const details = parsed.error.issues.slice(0, 20).map((i) => ({
        path: i.path.map(String).join("."),
        message: i.message,
        code: i.code,
      }));
      return this.fail(ws, ref, "VALIDATION_ERROR", details);
    }
    const frame = parsed.data;
    const now = systemClock.now();
    if (frame.type !== "auth" && frame.type !== "ping" && now >= info.exp) {
      return this.fail(ws, ref, "TOKEN_EXPIRED");
    }
    try {
      await this.handle(ws, info, frame, now);
    } catch (err) {
      if (err instanceof AppError) return this.fail(ws, ref, err.code, err.details);
      logHubError("socket frame failed", err);
      this.fail(ws, ref, "INTERNAL");
    }
  }

  override async webSocketClose(
    ws: WebSocket,
    code: number,
    _reason: string,
    _wasClean: boolean,
  ): Promise<void> {
    this.closed.add(ws);
    try {
      ws.close(code === 1005 || code === 1006 ? 1000 : code, "closed");
    } catch {
      // the runtime already completed the close
    }
    this.presenceChanged(this.info(ws).userId);
  }

  override async webSocketError(ws: WebSocket): Promise<void> {
    this.closed.add(ws);
    this.presenceChanged(this.info(ws).userId);
  }

  // ---------------------------------------------------------------- frames

  private async handle(ws: WebSocket, info: SocketInfo, frame: ClientFrame, now: number): Promise<void> {
    switch (frame.type) {
      case "presence": {
        info.status = frame.status;
        ws.serializeAttachment(info);
        this.presenceChanged(info.userId);
        return this.ack(ws, frame.ref, { status: frame.status });
      }
      case "resume":
        return this.resume(ws, info, frame.conversations, frame.ref);
      case "ping":
        return this.send(ws, { type: "pong", ...(frame.ref !== undefined ? { ref: frame.ref } : {}) });
      case "auth": {
        const expiresAt = await renewToken(this.env, info, frame.token, now);
        ws.serializeAttachment(info);
        return this.ack(ws, frame.ref, { expiresAt: new Date(expiresAt).toISOString() });
      }
      default: {
        const deps: Deps = {
          db: this.db,
          env: this.env,
          now,
          locale: info.locale,
          waitUntil: (p) => void p.catch((err) => logHubError("background work failed", err)),
        };
        const answer = await messageFrame(deps, info, frame);
        if (answer && frame.type !== "typing") this.ack(ws, frame.ref, answer);
      }
    }
  }

  /**
   * Replays what the socket missed in each conversation, then lets live events through again. Live
   * frames arriving meanwhile are held and released afterwards unless the replay already covered them,
   * so the client gets every event once, in order.
   */
  private async resume(
    ws: WebSocket,
    info: SocketInfo,
    conversations: Record<string, number>,
    ref?: string,
    opts: { silent?: boolean } = {},
  ) {
    let resuming = this.resuming.get(ws);
    if (!resuming) {
      resuming = new Map();
      this.resuming.set(ws, resuming);
    }
    let floors = this.floors.get(ws);
    if (!floors) {
      floors = new Map();
      this.floors.set(ws, floors);
    }
    const entries = Object.entries(conversations);
    for (const [id] of entries) if (!resuming.has(id)) resuming.set(id, []);
    // Frames held since the connect: those of resumed conversations join the replay's queue (released
    // after it, minus what it covered); the others go out now, in their order.
    const early = this.awaitingResume.get(ws);
    if (early) {
      this.awaitingResume.delete(ws);
      for (const f of early) {
        const queue = f.c === undefined ? undefined : resuming.get(f.c);
        if (queue) queue.push(f);
        else this.sendFrame(ws, f);
      }
    }

    // Conversations the member is not in answer NOT_FOUND without waking their rooms (null: the check
    // itself failed, so each room decides).
    const known = await membershipsAmong(
      this.env.DB,
      info.userId,
      entries.map(([id]) => id),
    ).catch((err) => {
      logHubError("resume membership check failed", err);
      return null;
    });
    const results = await Promise.all(
      entries.map(async ([conversationId, after]) => {
        let cursor = after;
        let failed: ErrorCode | null = known && !known.has(conversationId) ? "NOT_FOUND" : null;
        // A room that restarts mid-replay (deploy, eviction) throws once; the next call reaches a new one.
        for (let attempt = 1; !failed; attempt++) {
          try {
            for (;;) {
              const page = await roomOf(this.env, conversationId).replay(conversationId, info.userId, cursor);
              if (!page.ok) {
                failed = page.code;
                break;
              }
              for (const f of page.frames) if (!this.wasSent(ws, f)) this.sendFrame(ws, f);
              this.epochOf(ws).set(conversationId, page.epoch);
              cursor = page.upTo;
              if (!page.more) break;
            }
            break;
          } catch (err) {
            if (err instanceof AppError) {
              failed = err.code;
              break;
            }
            logHubError("replay failed", err);
            if (attempt < REPLAY_ATTEMPTS) continue;
            // Dropping the held events would leave a gap: close, so the client reconnects and resumes.
            this.closed.add(ws);
            try {
              ws.close(1011, "resume failed: reconnect and resume again");
            } catch {
              // already closing
            }
            return { conversationId, seq: null, error: "INTERNAL" as const };
          }
        }
        const held = resuming.get(conversationId) ?? [];
        resuming.delete(conversationId);
        if (failed) {
          this.send(ws, {
            type: "error",
            code: failed,
            message: errorMessage(failed, info.locale),
            conversationId,
          });
          return { conversationId, seq: null, error: failed };
        }
        floors.set(conversationId, cursor);
        for (const f of held) if (f.s === undefined || f.s > cursor) this.sendFrame(ws, f);
        this.send(ws, { type: "resumed", conversationId, seq: cursor });
        return { conversationId, seq: cursor };
      }),
    );
    if (!opts.silent) this.ack(ws, ref, { conversations: results });
  }

  /**
   * A room instance (`epoch`) other than the one this socket last heard from in the conversation: the
   * room restarted, and the frames it had queued for this member died with it. The socket resumes from
   * the last seq it was sent, before the new instance's frames go out (they wait behind the replay).
   */
  private repairAfterRestart(ws: WebSocket, conversationId: string, epoch: string): void {
    const byConversation = this.epochOf(ws);
    const previous = byConversation.get(conversationId);
    byConversation.set(conversationId, epoch);
    if (previous === undefined || previous === epoch) return;
    if (this.awaitingResume.has(ws) || this.resuming.get(ws)?.has(conversationId)) return;
    const sent = this.sent.get(ws)?.get(conversationId);
    const last = Math.max(this.floors.get(ws)?.get(conversationId) ?? 0, ...(sent ?? []));
    void this.resume(ws, this.info(ws), { [conversationId]: last }, undefined, { silent: true });
  }

  private epochOf(ws: WebSocket): Map<string, string> {
    let byConversation = this.epochs.get(ws);
    if (!byConversation) {
      byConversation = new Map();
      this.epochs.set(ws, byConversation);
    }
    return byConversation;
  }

  /** The grace period of a ?resume=1 socket ended without a `resume`: send what was held. */
  private releaseAwaiting(ws: WebSocket): void {
    const early = this.awaitingResume.get(ws);
    if (!early) return;
    this.awaitingResume.delete(ws);
    if (!this.closed.has(ws)) for (const f of early) this.sendFrame(ws, f);
  }

  /** Sends one frame, remembering the seq of a conversation event (the last SENT_MEMORY per conversation). */
  private sendFrame(ws: WebSocket, f: HubFrame): void {
    sendRaw(ws, f.j);
    if (f.c === undefined || f.s === undefined) return;
    let byConversation = this.sent.get(ws);
    if (!byConversation) {
      byConversation = new Map();
      this.sent.set(ws, byConversation);
    }
    let seqs = byConversation.get(f.c);
    if (!seqs) {
      seqs = new Set();
      byConversation.set(f.c, seqs);
    }
    seqs.add(f.s);
    // Seqs arrive mostly ascending, so the first in insertion order is (about) the oldest.
    if (seqs.size > SENT_MEMORY) seqs.delete(seqs.values().next().value as number);
  }

  private wasSent(ws: WebSocket, f: HubFrame): boolean {
    return f.c !== undefined && f.s !== undefined && this.sent.get(ws)?.get(f.c)?.has(f.s) === true;
  }

  // ---------------------------------------------------------------- presence

  /** Recomputes the member's presence from their open sockets and publishes it when it changed. */
  private presenceChanged(userId: string): void {
    this.presenceChain = this.presenceChain
      .then(async () => {
        const status = this.aggregate();
        // Remembered in storage: a hub woken from hibernation must not announce an unchanged status.
        this.published ??= this.ctx.storage.kv.get<PresenceStatus>("presence") ?? null;
        if (status === this.published) return;
        this.published = status;
        this.ctx.storage.kv.put("presence", status);
        await publishPresence(this.env, userId, status, systemClock.now());
      })
      .catch((err) => logHubError("presence publish failed", err));
  }

  private aggregate(): PresenceStatus {
    let open = false;
    for (const ws of this.ctx.getWebSockets()) {
      if (this.closed.has(ws) || ws.readyState > 1) continue;
      if (this.info(ws).status === "online") return "online";
      open = true;
    }
    return open ? "away" : "offline";
  }

  // ---------------------------------------------------------------- helpers

  private info(ws: WebSocket): SocketInfo {
    let info = this.infos.get(ws);
    if (!info) {
      info = ws.deserializeAttachment() as SocketInfo;
      this.infos.set(ws, info);
    }
    return info;
  }

  private send(ws: WebSocket, event: object): void {
    sendRaw(ws, JSON.stringify(event));
  }

  private ack(ws: WebSocket, ref: string | undefined, body: object): void {
    this.send(ws, { type: "ack", ...(ref !== undefined ? { ref } : {}), ...body });
  }

  private fail(ws: WebSocket, ref: string | undefined, code: ErrorCode, details?: ErrorDetail[]): void {
    const locale: Locale = this.info(ws).locale;
    this.send(ws, {
      type: "error",
      ...(ref !== undefined ? { ref } : {}),
      code,
      message: errorMessage(code, locale),
      ...(details && details.length > 0 ? { details } : {}),
    });
  }
}
