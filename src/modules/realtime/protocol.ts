import { z } from "@hono/zod-openapi";
import { text } from "../../platform/openapi";
import { EMOJI, MAX_TEXT, refineSend, SEQ, sendFields } from "../conversations";

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
/** The presence event (the other live events are declared by the modules that send them). */
export const presenceEvent = (userId: string, status: PresenceStatus, lastSeenAt: number | null) => ({
  type: "presence" as const,
  userId,
  status,
  lastSeenAt: lastSeenAt === null ? null : new Date(lastSeenAt).toISOString(),
});
