import { z } from "@hono/zod-openapi";
import { text } from "../../platform/openapi";
import { MAX_TEXT } from "../conversations/rules";
import type { Message } from "../conversations/schemas";
import { EMOJI, refineSend, SEQ, sendFields } from "../conversations/schemas";

/**
 * The WebSocket protocol (docs/REALTIME.md is its reference for client authors). Every frame is one JSON
 * object with a `type`. Client frames may carry a `ref` (any string ≤ 64) that the answer echoes.
 */
export const PROTOCOL = "majlis.v1";
export const MAX_FRAME_BYTES = 64 * 1024;
export const MAX_RESUME_CONVERSATIONS = 100;
/** Clients should send `{"type":"ping"}` this often; the server answers `{"type":"pong"}` without waking. */
export const HEARTBEAT_MS = 30_000;

const Ref = z.string().max(64).optional();
const ConversationId = z.string().min(1).max(64);

export const ClientFrame = z.discriminatedUnion("type", [
  refineSend(z.object({ type: z.literal("send"), ref: Ref, conversationId: ConversationId, ...sendFields })),
  z.object({
    type: z.literal("edit"),
    ref: Ref,
    conversationId: ConversationId,
    seq: SEQ,
    text: text(MAX_TEXT, 1),
  }),
  z.object({
    type: z.literal("delete"),
    ref: Ref,
    conversationId: ConversationId,
    seq: SEQ,
    scope: z.enum(["me", "everyone"]),
  }),
  z.object({
    type: z.literal("react"),
    ref: Ref,
    conversationId: ConversationId,
    seq: SEQ,
    emoji: EMOJI.nullable(),
  }),
  z.object({ type: z.literal("typing"), conversationId: ConversationId, state: z.enum(["start", "stop"]) }),
  z.object({ type: z.literal("read"), ref: Ref, conversationId: ConversationId, seq: SEQ }),
  z.object({ type: z.literal("presence"), ref: Ref, status: z.enum(["online", "away"]) }),
  z.object({
    type: z.literal("resume"),
    ref: Ref,
    conversations: z
      .record(ConversationId, z.number().int().min(0).max(Number.MAX_SAFE_INTEGER))
      .refine((r) => Object.keys(r).length <= MAX_RESUME_CONVERSATIONS, {
        message: `at most ${MAX_RESUME_CONVERSATIONS} conversations per resume`,
      }),
  }),
  z.object({ type: z.literal("ping"), ref: Ref }),
  z.object({ type: z.literal("auth"), ref: Ref, token: z.string().min(10).max(4096) }),
]);
export type ClientFrame = z.output<typeof ClientFrame>;

export type PresenceStatus = "online" | "away" | "offline";
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
  presence: (userId: string, status: PresenceStatus, lastSeenAt: number | null) => ({
    type: "presence" as const,
    userId,
    status,
    lastSeenAt: lastSeenAt === null ? null : new Date(lastSeenAt).toISOString(),
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
