import { hideEachOther } from "../../core/access/twins";
import { systemClock } from "../../platform/clock";
import type { ErrorCode } from "../../platform/errors";
import { peerOf, type RoomState, roomStateOf } from "./chat-room-state";
import { messagingRefusal, type Viewer } from "./rules";
import { blockedAround, loadRoom, pairFacts, type RoomMember } from "./store";

/** Membership is re-read from D1 in the background when older than this (sends never wait for it). */
const STATE_TTL_MS = 60_000;
/** A 1:1's block status is re-checked for typing indicators at most this old (writes always check). */
const DIRECT_TYPING_TTL_MS = 10_000;

/**
 * The chat room's cache of its membership, settings and block pairs (./chat-room-state.ts), and the
 * checks that read D1 on top of it: a 1:1 checks blocks and allowMessages on every write, and a reader's
 * own blocks are read fresh for history and resume.
 */
export class RoomMembers {
  state: RoomState | null = null;
  private loading: Promise<RoomState | null> | null = null;
  private loadGeneration = 0;
  private directTypingCheck: { at: number; ok: boolean } | null = null;

  /** `found` runs once D1 confirmed the conversation exists, before the state is installed. */
  constructor(
    private readonly db: D1Database,
    private readonly found: (conversationId: string) => void,
  ) {}

  /** The cached state (loaded on first use, refreshed in the background); null: no such conversation. */
  async ready(conversationId: string): Promise<RoomState | null> {
    const st = this.state;
    if (!st) return this.loading ?? this.reload(conversationId);
    if (systemClock.now() - st.loadedAt > STATE_TTL_MS && !this.loading)
      void this.reload(conversationId).catch(() => {});
    return st;
  }

  reload(conversationId: string): Promise<RoomState | null> {
    const generation = ++this.loadGeneration;
    const loading = loadRoom(this.db, conversationId).then((snap) => {
      // A newer load (after a membership change) started meanwhile: it wins.
      if (generation !== this.loadGeneration) return this.state;
      if (!snap) {
        this.state = null;
        return null;
      }
      this.found(conversationId);
      const state = roomStateOf(snap, this.state, systemClock.now());
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

  /**
   * 1:1 only (null for groups): a block either way or an inactive peer hides the conversation (404), and
   * when `checkAllow`, the peer's allowMessages must admit the actor unless the peer wrote here already
   * (`hasSpoken`, asked only then).
   */
  async directRefusal(
    st: RoomState,
    actorId: string,
    checkAllow: boolean,
    hasSpoken: (userId: string) => boolean,
  ): Promise<ErrorCode | null> {
    if (st.type !== "DIRECT") return null;
    const peer = peerOf(st, actorId);
    if (!peer) return "NOT_FOUND";
    const facts = await pairFacts(this.db, actorId, peer.userId);
    this.directTypingCheck = { at: systemClock.now(), ok: !facts.blocked && facts.recipientActive };
    return messagingRefusal(facts, !checkAllow || hasSpoken(peer.userId));
  }

  async directTypingAllowed(st: RoomState, actorId: string): Promise<boolean> {
    const cached = this.directTypingCheck;
    if (cached && systemClock.now() - cached.at < DIRECT_TYPING_TTL_MS) return cached.ok;
    await this.directRefusal(st, actorId, false, () => true);
    return this.directTypingCheck?.ok ?? false;
  }

  /**
   * A member as a reader of the log, with their blocks read fresh from D1 (and remembered for the live
   * fan-out). Null when the member is not in the conversation or a block hides a 1:1 entirely.
   */
  async viewer(st: RoomState | null, userId: string): Promise<(Viewer & { member: RoomMember }) | null> {
    const member = st?.members.get(userId);
    if (!st || !member) return null;
    const around = await blockedAround(this.db, userId);
    const hiddenMembers = new Set<string>();
    if (st.type === "DIRECT") {
      const peer = peerOf(st, userId);
      if (peer && (around.has(peer.userId) || !peer.active)) return null;
    } else {
      // Former members too: their messages stay in the log, and a block hides both sides everywhere.
      for (const id of around) {
        hiddenMembers.add(id);
        hideEachOther(st.hidden, userId, id);
      }
    }
    return { userId, joinedSeq: member.joinedSeq, hiddenMembers, member };
  }
}
