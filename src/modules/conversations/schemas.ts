import { z } from "@hono/zod-openapi";
import { UserCardSchema } from "../../core/cards";
import { line, orNull, text } from "../../platform/openapi";
import { MAX_ATTACHMENTS, MAX_NAME, MAX_TEXT } from "./rules";

/**
 * Shapes of the messaging API, shared by the HTTP routes and the WebSocket protocol (src/modules/realtime),
 * so a message is validated and represented the same way on both paths.
 */
const ID = z.string().min(1).max(64);
export const SEQ = z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER);

export const CLIENT_ID = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, "1-64 characters: letters, digits, - and _")
  .openapi({
    description: "Chosen by the client, unique per sender: a retried send with it is not sent twice",
    example: "c-4f9a1",
  });

const EMOJI_PATTERN = /^(?:\p{Extended_Pictographic}|\p{Emoji_Component}|\u200D|\uFE0F|\u20E3)+$/u;

/** One or more emoji (flags, skin tones and ZWJ sequences included), nothing else. */
export const EMOJI = z
  .string()
  .min(1)
  .max(16)
  .regex(EMOJI_PATTERN, "an emoji")
  .refine((s) => /[\p{Extended_Pictographic}\p{Regional_Indicator}]/u.test(s), "an emoji")
  // zod-to-openapi appends the flags ("/u") to a documented pattern: document the source alone.
  .openapi({ example: "👍", pattern: EMOJI_PATTERN.source });

/** The fields of a send, shared by `POST /conversations/{id}/messages` and the WebSocket `send` frame. */
export const sendFields = {
  clientId: CLIENT_ID,
  text: text(MAX_TEXT).optional(),
  attachments: z
    .array(ID)
    .max(MAX_ATTACHMENTS)
    .default([])
    .openapi({ description: "Ids of your own READY media" }),
  replyTo: SEQ.optional().openapi({ description: "seq of the message this one answers" }),
};

export function refineSend<T extends z.ZodType<{ text?: string | undefined; attachments: string[] }>>(
  schema: T,
) {
  return schema
    .refine((m) => (m.text && m.text.length > 0) || m.attachments.length > 0, {
      message: "a message needs text or attachments",
      path: ["text"],
    })
    .refine((m) => new Set(m.attachments).size === m.attachments.length, {
      message: "attachments must be distinct",
      path: ["attachments"],
    });
}

export const SendInput = refineSend(z.object(sendFields)).openapi("SendMessageRequest");
export type SendInput = z.output<typeof SendInput>;

export const EditInput = z.object({ text: text(MAX_TEXT, 1) }).openapi("EditMessageRequest");
export const DeleteScope = z.enum(["me", "everyone"]);
export const ReactInput = z.object({ emoji: EMOJI }).openapi("ReactRequest");
export const ReadInput = z.object({ seq: SEQ.openapi({ description: "Read everything up to this seq" }) });

export const AttachmentSchema = z
  .object({
    id: z.string(),
    kind: z.string(),
    mimeType: z.string(),
    size: z.number().int(),
    width: z.number().int().nullable(),
    height: z.number().int().nullable(),
    altText: z.string().nullable(),
  })
  .openapi("MessageAttachment");
export type Attachment = z.infer<typeof AttachmentSchema>;

export const MessageSchema = z
  .object({
    conversationId: z.string(),
    seq: z
      .number()
      .int()
      .openapi({ description: "Position in the conversation's log; identifies the message" }),
    clientId: z.string(),
    senderId: z.string(),
    state: z.enum(["SENT", "EDITED", "DELETED"]),
    text: z.string().nullable().openapi({ description: "null once deleted for everyone (tombstone)" }),
    attachments: z.array(AttachmentSchema),
    mentions: z.array(z.string()).openapi({ description: "Ids of mentioned members" }),
    replyTo: z
      .object({
        seq: z.number().int(),
        senderId: z.string(),
        preview: z.string().nullable(),
        state: z.enum(["SENT", "EDITED", "DELETED"]),
      })
      .nullable(),
    reactions: z.array(
      z.object({ emoji: z.string(), count: z.number().int(), userIds: z.array(z.string()) }),
    ),
    createdAt: z.string().openapi({ format: "date-time" }),
    editedAt: z.string().nullable(),
    deletedAt: z.string().nullable(),
  })
  .openapi("Message");
export type Message = z.infer<typeof MessageSchema>;

export const SendResultSchema = z
  .object({
    message: MessageSchema,
    duplicate: z.boolean().openapi({ description: "true when clientId was already sent" }),
  })
  .openapi("SendMessageResult");

export const HistoryQuery = z.object({
  before: SEQ.optional().openapi({
    description: "Messages older than this seq (newest of them first in paging)",
  }),
  after: SEQ.optional().openapi({ description: "Messages newer than this seq" }),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});
export type HistoryQuery = z.output<typeof HistoryQuery>;

export const HistorySchema = z
  .object({
    data: z.array(MessageSchema).openapi({ description: "Always in ascending seq order" }),
    hasMore: z.boolean().openapi({ description: "More messages exist further in the paging direction" }),
    lastSeq: z.number().int(),
  })
  .openapi("MessageHistory");

export const CreateConversationInput = z
  .object({
    memberIds: z.array(ID).min(1).max(255),
    name: line(MAX_NAME, 1).optional(),
  })
  .refine((v) => new Set(v.memberIds).size === v.memberIds.length, {
    message: "memberIds must be distinct",
    path: ["memberIds"],
  })
  .openapi("CreateConversationRequest");

export const UpdateConversationInput = z
  .object({
    name: line(MAX_NAME, 1).nullable().optional(),
    avatarMediaId: ID.nullable().optional(),
  })
  .refine((v) => v.name !== undefined || v.avatarMediaId !== undefined, { message: "nothing to change" })
  .openapi("UpdateConversationRequest");

export const SettingsInput = z
  .object({
    muted: z.boolean().optional(),
    mutedUntil: z.iso
      .datetime()
      .optional()
      .openapi({ description: "With muted: true, mute until then (default: until unmuted)" }),
    archived: z.boolean().optional(),
    pinned: z.boolean().optional(),
  })
  .refine((v) => v.muted !== undefined || v.archived !== undefined || v.pinned !== undefined, {
    message: "nothing to change",
  })
  .openapi("ConversationSettingsRequest");

export const AddMembersInput = z
  .object({ userIds: z.array(ID).min(1).max(50) })
  .refine((v) => new Set(v.userIds).size === v.userIds.length, {
    message: "userIds must be distinct",
    path: ["userIds"],
  })
  .openapi("AddMembersRequest");
export const RoleInput = z.object({ role: z.enum(["ADMIN", "MEMBER"]) }).openapi("MemberRoleRequest");

export const ListQuery = z.object({
  archived: z
    .enum(["true", "false"])
    .default("false")
    .transform((v) => v === "true")
    .openapi({ description: "true lists archived conversations only" }),
});

export const ConversationSchema = z
  .object({
    id: z.string(),
    type: z.enum(["DIRECT", "GROUP"]),
    name: z.string().nullable(),
    avatarMediaId: z.string().nullable(),
    memberCount: z.number().int(),
    peer: orNull(UserCardSchema, "The other member of a 1:1"),
    lastSeq: z.number().int(),
    lastMessage: z
      .object({ seq: z.number().int(), senderId: z.string(), preview: z.string().nullable(), at: z.string() })
      .nullable(),
    unreadCount: z.number().int(),
    role: z.enum(["ADMIN", "MEMBER"]),
    readSeq: z.number().int(),
    muted: z.boolean(),
    mutedUntil: z.string().nullable(),
    archived: z.boolean(),
    pinned: z.boolean(),
    lastActivityAt: z.string(),
    createdAt: z.string(),
  })
  .openapi("Conversation");
export type Conversation = z.infer<typeof ConversationSchema>;

export const MemberSchema = z
  .object({
    user: UserCardSchema,
    role: z.enum(["ADMIN", "MEMBER"]),
    joinedAt: z.string(),
    readSeq: z.number().int(),
    deliveredSeq: z.number().int(),
  })
  .openapi("ConversationMember");

export const ConversationDetailSchema = ConversationSchema.extend({ members: z.array(MemberSchema) }).openapi(
  "ConversationDetail",
);

export const InvitedSchema = z.array(z.string()).openapi({
  description:
    "Members who are not your connections: they were invited and join only if they accept (a declined invitation is not repeated, and you are not told)",
});

export const ConversationInvitationSchema = z
  .object({
    conversationId: z.string(),
    name: z.string().nullable(),
    avatarMediaId: z.string().nullable(),
    invitedBy: UserCardSchema,
    invitedAt: z.string(),
    expiresAt: z.string(),
  })
  .openapi("ConversationInvitation");
export type ConversationInvitation = z.infer<typeof ConversationInvitationSchema>;
