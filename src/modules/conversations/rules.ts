import { DAY, MINUTE } from "../../platform/clock";
import type { ErrorCode } from "../../platform/errors";

/**
 * The rules of messaging, in one place: limits, who may message whom, who may edit or delete what.
 * The chat room Durable Object and the HTTP/WebSocket services both call these; none of them decide alone.
 */
export const MAX_TEXT = 5_000;
export const MAX_ATTACHMENTS = 10;
export const MAX_MENTIONS = 50;
export const EDIT_WINDOW_MS = 15 * MINUTE;
export const GROUP_MIN_MEMBERS = 2;
export const GROUP_MAX_MEMBERS = 256;
export const MAX_NAME = 100;
/** A group invitation is valid this long; a declined one cannot be sent again by that group meanwhile. */
export const INVITATION_TTL_MS = 30 * DAY;
/** Invitations one member may send in any 24 hours (members added directly do not count). */
export const INVITATIONS_PER_DAY = 50;
export const PREVIEW_CHARS = 120;
/** A typing indicator lasts this long unless renewed; renewals closer than the throttle are not forwarded. */
export const TYPING_TTL_MS = 6_000;
export const TYPING_THROTTLE_MS = 3_000;
/** "Muted" without an end date. */
export const MUTED_FOREVER = 253_402_300_799_000;

export type Role = "ADMIN" | "MEMBER";
export type ConversationType = "DIRECT" | "GROUP";
export type AllowMessages = "EVERYONE" | "CONNECTIONS" | "NONE";

/** What is known about a pair of members, for deciding whether `sender` may message `recipient`. */
export interface PairFacts {
  blocked: boolean;
  recipientActive: boolean;
  recipientAllows: AllowMessages;
  connected: boolean;
}

/**
 * May `sender` message `recipient` (start a 1:1, send into it, add them to a group)?
 * A block or an inactive account hides the member (404). allowMessages is the recipient's choice; once the
 * recipient has written in a 1:1 themselves (`recipientEngaged`) the conversation counts as accepted.
 */
export function messagingRefusal(facts: PairFacts, recipientEngaged = false): ErrorCode | null {
  if (facts.blocked || !facts.recipientActive) return "NOT_FOUND";
  if (recipientEngaged) return null;
  if (facts.recipientAllows === "NONE") return "MESSAGES_NOT_ALLOWED";
  if (facts.recipientAllows === "CONNECTIONS" && !facts.connected) return "MESSAGES_NOT_ALLOWED";
  return null;
}

/**
 * How `actor` may bring `candidate` (facts about the pair) into a group. Refused exactly like a message
 * (404 hidden or inactive, 403 when their allowMessages refuses the actor); otherwise a connection is
 * added at once ("add") and anyone else is invited ("invite"): they become a member, and see anything
 * of the group, only once they accept.
 */
export function groupEntry(facts: PairFacts): ErrorCode | "add" | "invite" {
  return messagingRefusal(facts) ?? (facts.connected ? "add" : "invite");
}

export interface MessageFacts {
  senderId: string;
  createdAt: number;
  deletedAt: number | null;
}

export function editRefusal(message: MessageFacts, actorId: string, now: number): ErrorCode | null {
  if (message.senderId !== actorId) return "FORBIDDEN";
  if (message.deletedAt !== null) return "MESSAGE_DELETED";
  if (now - message.createdAt > EDIT_WINDOW_MS) return "EDIT_WINDOW_CLOSED";
  return null;
}

/** Delete for everyone: the sender, or an admin of a group. Deleting a tombstone again is a no-op. */
export function deleteForEveryoneRefusal(
  message: MessageFacts,
  actor: { id: string; role: Role },
  type: ConversationType,
): ErrorCode | null {
  if (message.senderId === actor.id) return null;
  if (type === "GROUP" && actor.role === "ADMIN") return null;
  return "FORBIDDEN";
}

export function reactRefusal(message: MessageFacts): ErrorCode | null {
  return message.deletedAt !== null ? "MESSAGE_DELETED" : null;
}

const MENTION = /(^|[^\p{L}\p{N}_@])@([A-Za-z0-9_]{3,30})(?![A-Za-z0-9_])/gu;

/** `@username` mentions in `text` that name a member of the conversation (usernames are lower-case). */
export function extractMentions(text: string | null, usernames: ReadonlyMap<string, string>): string[] {
  if (!text?.includes("@")) return [];
  const found = new Set<string>();
  for (const match of text.matchAll(MENTION)) {
    const userId = usernames.get(match[2]!.toLowerCase());
    if (userId) found.add(userId);
    if (found.size >= MAX_MENTIONS) break;
  }
  return [...found];
}

export function preview(text: string | null, deleted: boolean): string | null {
  if (deleted) return null;
  if (!text) return "";
  if (text.length <= PREVIEW_CHARS) return text;
  return `${Array.from(text)
    .slice(0, PREVIEW_CHARS - 1)
    .join("")}…`;
}

/**
 * What one reader may see of a conversation's log. The chat room builds it from the reader's membership
 * (joinedSeq) and the blocks between members; deleted-for-me is looked up per message.
 */
export interface Viewer {
  userId: string;
  /** Messages at or before this seq were sent before the reader joined. */
  joinedSeq: number;
  /** Members hidden from the reader by a block in either direction. */
  hiddenMembers: ReadonlySet<string>;
}

/** Does the reader see what this member does here (their messages, reactions, mentions, typing, receipts)? */
export function seesMember(viewer: Viewer, userId: string): boolean {
  return !viewer.hiddenMembers.has(userId);
}

/**
 * The one rule of message visibility: a reader sees a message sent after they joined, not deleted for
 * them, by a member not hidden from them. A message deleted for everyone stays visible as its tombstone.
 * It decides the message itself, the message a reply quotes, and every event about a message (live,
 * history and resume alike); reactions and mentions then show only members the reader sees.
 */
export function maySee(
  viewer: Viewer,
  message: { seq: number; sender_id: string },
  deletedForViewer: boolean,
): boolean {
  return message.seq > viewer.joinedSeq && !deletedForViewer && seesMember(viewer, message.sender_id);
}

export function isMuted(mutedUntil: number | null, now: number): boolean {
  return mutedUntil !== null && mutedUntil > now;
}
