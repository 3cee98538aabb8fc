import { z } from "@hono/zod-openapi";
import { UserCardSchema } from "../../core/cards";
import { ID_PATTERN } from "../../platform/ids";
import { orNull, text } from "../../platform/openapi";
import { PageQuery, pageSchema } from "../../platform/pagination";

export const UserId = z
  .string()
  .regex(ID_PATTERN, "A member id")
  .openapi({ example: "01JABCDEFGHJKMNPQRSTVWXYZ0" });

export const UserIdParam = z.object({ id: UserId.openapi({ param: { name: "id", in: "path" } }) });
export const OtherUserParam = z.object({ userId: UserId.openapi({ param: { name: "userId", in: "path" } }) });
export const RequestIdParam = z.object({
  id: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: "id", in: "path" } }),
});

/** Lists of a member's network: yours by default, another member's with ?userId= when their privacy allows. */
export const NetworkQuery = PageQuery.extend({
  userId: UserId.optional().openapi({ description: "Whose list (default: yours)" }),
});

/**
 * What can be followed. Only members for now; companies and hashtags add `companyId` / `hashtagId` here
 * (exactly one of them) and a kind in follows.ts.
 */
export const FollowBody = z.object({ userId: UserId }).strict().openapi("FollowRequest");
export type FollowBody = z.infer<typeof FollowBody>;

export const FollowSchema = z
  .object({
    followId: z.string(),
    type: z.enum(["USER", "COMPANY", "HASHTAG"]),
    targetId: z.string(),
    createdAt: z.string().openapi({ format: "date-time" }),
  })
  .openapi("Follow");

export const FollowListItem = z
  .object({ user: UserCardSchema, followedAt: z.string().openapi({ format: "date-time" }) })
  .openapi("FollowListItem");

export const ConnectionSchema = z
  .object({ user: UserCardSchema, connectedAt: z.string().openapi({ format: "date-time" }) })
  .openapi("Connection");

export const ConnectionRequestBody = z
  .object({ userId: UserId, note: text(200).optional().openapi({ description: "Up to 200 characters" }) })
  .strict()
  .openapi("ConnectionRequestInput");

export const ConnectionRequestSchema = z
  .object({
    id: z.string(),
    direction: z.enum(["INCOMING", "OUTGOING"]),
    /** The other member. */
    user: UserCardSchema,
    note: z.string().nullable(),
    status: z.enum(["PENDING", "ACCEPTED"]).openapi({
      description: "PENDING in lists; ACCEPTED when sending the request connected you instead",
    }),
    createdAt: z.string().openapi({ format: "date-time" }),
    expiresAt: z.string().openapi({ format: "date-time" }),
  })
  .openapi("ConnectionRequest");

export const ConnectionRequestResult = z
  .object({ request: ConnectionRequestSchema, connection: orNull(ConnectionSchema) })
  .openapi("ConnectionRequestResult");

export const RequestsQuery = PageQuery.extend({
  direction: z.enum(["incoming", "outgoing"]).default("incoming"),
});

export const BlockSchema = z
  .object({ userId: z.string(), blockedAt: z.string().openapi({ format: "date-time" }) })
  .openapi("Block");
export const BlockedListItem = z
  .object({ user: UserCardSchema, blockedAt: z.string().openapi({ format: "date-time" }) })
  .openapi("BlockedMember");

export const SuggestionReason = z
  .object({
    type: z.enum(["MUTUAL_CONNECTIONS", "SAME_COMPANY", "SAME_SCHOOL", "SHARED_SKILLS"]),
    count: z.number().int().optional(),
    name: z
      .string()
      .optional()
      .openapi({ description: "Company or school name, as written on your profile" }),
  })
  .openapi("SuggestionReason");

export const SuggestionSchema = z
  .object({
    user: UserCardSchema,
    mutualConnections: z.number().int(),
    reasons: z.array(SuggestionReason),
    score: z.number(),
  })
  .openapi("Suggestion");

export const SuggestionsQuery = z.object({ limit: z.coerce.number().int().min(1).max(50).default(10) });

export const FollowPage = pageSchema(FollowListItem);
export const ConnectionPage = pageSchema(ConnectionSchema);
export const RequestPage = pageSchema(ConnectionRequestSchema);
export const BlockedPage = pageSchema(BlockedListItem);
