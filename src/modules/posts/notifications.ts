import { channels, defineNotifications, type TypesOf } from "../../core/notifications";

export const postNotifications = defineNotifications({
  /** A mention in a post, a comment or a conversation: each one its own notification. */
  mention: {
    channels: channels(true),
    urgency: "high",
    text: (n, locale, who) => {
      const ar = locale === "ar";
      const where =
        n.targetType === "conversation"
          ? ar
            ? "محادثة"
            : "a conversation"
          : n.targetType === "comment"
            ? ar
              ? "تعليق"
              : "a comment"
            : ar
              ? "منشور"
              : "a post";
      return ar ? `إشارة إليك من ${who} في ${where}` : `${who} mentioned you in ${where}`;
    },
  },
  repost: {
    channels: channels(false),
    aggregate: "target",
    text: (_n, locale, who) => (locale === "ar" ? `إعادة نشر منشورك من ${who}` : `${who} reposted your post`),
  },
});

declare module "../../core/notifications" {
  interface NotificationTypes extends TypesOf<typeof postNotifications> {}
}
