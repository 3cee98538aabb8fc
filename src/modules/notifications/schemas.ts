import { z } from "@hono/zod-openapi";
import { UserCardSchema } from "../../core/cards";
import { PageQuery, pageSchema } from "../../platform/pagination";

export const NotificationSchema = z
  .object({
    id: z.string(),
    type: z
      .string()
      .openapi({ description: "The notification type (the keys of the preferences' channels)" }),
    read: z.boolean(),
    readAt: z.string().nullable(),
    actors: z.array(UserCardSchema).openapi({ description: "The latest actors (up to 3), newest first" }),
    actorCount: z.number().int().openapi({ description: "Distinct members behind this notification" }),
    eventCount: z.number().int().openapi({ description: "Events folded into it (e.g. 3 messages)" }),
    target: z.object({ type: z.string(), id: z.string() }).nullable(),
    data: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
    text: z.string().openapi({ example: "Sara and 14 others reacted to your post" }),
    link: z.string().openapi({ description: "Path in the web app", example: "/posts/01J…" }),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi("Notification");

export const ListQuery = PageQuery.extend({
  unread: z
    .enum(["true", "false"])
    .optional()
    .transform((v) => v === "true")
    .openapi({ description: "Only unread notifications" }),
});

export const NotificationPage = pageSchema(NotificationSchema).openapi("NotificationPage");
export const UnreadCount = z.object({ count: z.number().int() }).openapi("UnreadCount");
export const ReadResult = z
  .object({ notification: NotificationSchema, unreadCount: z.number().int() })
  .openapi("NotificationRead");
export const ReadAllResult = z
  .object({ updated: z.number().int(), unreadCount: z.number().int() })
  .openapi("NotificationsReadAll");
export const UnsubscribeResult = z
  .object({ unsubscribed: z.literal(true), scope: z.string(), channel: z.literal("email") })
  .openapi("UnsubscribeResult");
