import type { Message } from "./schemas";

/** Live events about conversations (docs/REALTIME.md); each is sent to members' sockets through their hubs. */
export type UpdateChange = "edited" | "deleted" | "reaction";
export type MembershipChangeKind =
  | "created"
  | "details"
  | "members_added"
  | "member_removed"
  | "member_left"
  | "member_joined"
  | "role_changed";

/** Server events about a conversation's log carry its `seq`; clients resume from the highest they saw. */
export const events = {
  message: (conversationId: string, message: Message) => ({
    type: "message" as const,
    conversationId,
    seq: message.seq,
    message,
  }),
  updated: (
    conversationId: string,
    seq: number,
    change: UpdateChange,
    /** null when a block hides the actor from the reader (a deletion by an admin they blocked). */
    actorId: string | null,
    message: Message,
    reaction?: { userId: string; emoji: string | null },
  ) => ({
    type: "message.updated" as const,
    conversationId,
    seq,
    change,
    actorId,
    message,
    ...(reaction ? { reaction } : {}),
  }),
  hidden: (conversationId: string, seq: number, messageSeq: number) => ({
    type: "message.hidden" as const,
    conversationId,
    seq,
    messageSeq,
  }),
  receipt: (conversationId: string, userId: string, readSeq: number, deliveredSeq: number) => ({
    type: "receipt" as const,
    conversationId,
    userId,
    readSeq,
    deliveredSeq,
  }),
  delivered: (conversationId: string, seq: number, userIds: string[]) => ({
    type: "delivered" as const,
    conversationId,
    seq,
    userIds,
  }),
  typing: (conversationId: string, userId: string, state: "start" | "stop", expiresAt: number | null) => ({
    type: "typing" as const,
    conversationId,
    userId,
    state,
    expiresAt: expiresAt === null ? null : new Date(expiresAt).toISOString(),
  }),
  /** `actorId` is null when a block hides the actor from the recipient (who is told only what they may know). */
  conversationUpdated: (
    conversationId: string,
    change: MembershipChangeKind,
    actorId: string | null,
    userIds: string[] = [],
  ) => ({
    type: "conversation.updated" as const,
    conversationId,
    change,
    actorId,
    userIds,
  }),
  /** To an invitee only: they were invited to a group (GET /conversations/invitations has the details). */
  conversationInvitation: (conversationId: string, actorId: string) => ({
    type: "conversation.invitation" as const,
    conversationId,
    actorId,
  }),
  conversationRemoved: (conversationId: string, reason: "left" | "removed") => ({
    type: "conversation.removed" as const,
    conversationId,
    reason,
  }),
};
