import { channels, dataString, defineNotifications, type TypesOf } from "../../core/notifications";

export const commentNotifications = defineNotifications({
  comment: {
    channels: channels(false),
    aggregate: "target",
    text: (n, locale, who) =>
      locale === "ar"
        ? `${n.eventCount > 1 ? "تعليقات جديدة" : "تعليق جديد"} من ${who} على منشورك`
        : `${who} commented on your post`,
  },
  reply: {
    channels: channels(false),
    // The reply itself is new each time: replies aggregate by the comment that was replied to.
    aggregate: (event) => {
      const parentId = dataString(event.data?.parentId) ?? event.target?.id;
      return parentId
        ? { key: `reply:comment:${parentId}`, target: { type: "comment", id: parentId } }
        : null;
    },
    text: (n, locale, who) =>
      locale === "ar"
        ? `${n.eventCount > 1 ? "ردود جديدة" : "رد جديد"} من ${who} على تعليقك`
        : `${who} replied to your comment`,
  },
});

declare module "../../core/notifications" {
  interface NotificationTypes extends TypesOf<typeof commentNotifications> {}
}
