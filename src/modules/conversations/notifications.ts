import { channels, defineNotifications, type TypesOf } from "../../core/notifications";

export const conversationNotifications = defineNotifications({
  /** New messages while the member was away, one notification per conversation while unread. */
  message: {
    channels: channels(true),
    aggregate: "target",
    urgency: "high",
    text: (n, locale, who) =>
      locale === "ar"
        ? `${n.eventCount > 1 ? `${n.eventCount} رسائل جديدة` : "رسالة جديدة"} من ${who}`
        : `${who} sent you ${n.eventCount > 1 ? `${n.eventCount} new messages` : "a new message"}`,
  },
});

declare module "../../core/notifications" {
  interface NotificationTypes extends TypesOf<typeof conversationNotifications> {}
}
