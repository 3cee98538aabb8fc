import { hiddenByBlocks } from "../../core/access/twins";
import type { Viewer } from "./rules";
import type { RoomMember, RoomSnapshot } from "./store";

/**
 * What a chat room keeps in memory of its conversation, read from D1 (./store.ts `loadRoom`): the members
 * with their receipt positions, their usernames (for mentions), and who is hidden from whom by a block.
 * The room decides every message from it; the access rules it applies in memory are the twins of the SQL
 * rules (src/core/access/twins.ts).
 */
export interface RoomState {
  type: "DIRECT" | "GROUP";
  members: Map<string, RoomMember>;
  /** username -> user id, for mentions. */
  usernames: Map<string, string>;
  /** Member -> the members a block (either way) hides from them. */
  hidden: Map<string, Set<string>>;
  loadedAt: number;
}

const NOBODY: ReadonlySet<string> = new Set();

/**
 * The room's state from a D1 snapshot. Receipt positions only move forward: a member still there since
 * the same join keeps what `previous` knew (memory may be ahead of D1 until the next write-back).
 */
export function roomStateOf(snap: RoomSnapshot, previous: RoomState | null, now: number): RoomState {
  const members = new Map<string, RoomMember>();
  for (const m of snap.members) {
    const known = previous?.members.get(m.userId);
    if (known && known.joinedSeq === m.joinedSeq) {
      m.readSeq = Math.max(m.readSeq, known.readSeq);
      m.deliveredSeq = Math.max(m.deliveredSeq, known.deliveredSeq);
    }
    members.set(m.userId, m);
  }
  return {
    type: snap.type,
    members,
    usernames: new Map(snap.members.map((m) => [m.username, m.userId])),
    hidden: hiddenByBlocks(snap.blocks),
    loadedAt: now,
  };
}

/** A member as a reader of the log, from the cached membership and blocks. */
export function viewerOf(st: RoomState, m: RoomMember): Viewer {
  return { userId: m.userId, joinedSeq: m.joinedSeq, hiddenMembers: st.hidden.get(m.userId) ?? NOBODY };
}

/** The other member of a 1:1. */
export function peerOf(st: RoomState, userId: string): RoomMember | undefined {
  for (const m of st.members.values()) if (m.userId !== userId) return m;
  return undefined;
}
