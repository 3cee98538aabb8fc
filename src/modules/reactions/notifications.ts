import { channels, defineNotifications, type TypesOf } from "../../core/notifications";

export const reactionNotifications = defineNotifications({
  reaction: {
    channels: channels(false),
    aggregate: "target",
    text: (n, locale, who) => {
      const onComment = n.targetType === "comment";
      return locale === "ar"
        ? `${n.actorCount > 1 ? "تفاعلات جديدة" : "تفاعل جديد"} من ${who} على ${onComment ? "تعليقك" : "منشورك"}`
        : `${who} reacted to your ${onComment ? "comment" : "post"}`;
    },
  },
});

declare module "../../core/notifications" {
  interface NotificationTypes extends TypesOf<typeof reactionNotifications> {}
}
