import { channels, defineNotifications, type TypesOf } from "../../core/notifications";

const actorProfile = (n: { actors: { username: string }[] }) =>
  n.actors[0] ? `/u/${n.actors[0].username}` : "/network";

export const graphNotifications = defineNotifications({
  follow: {
    channels: channels(false),
    aggregate: "type",
    text: (n, locale, who) =>
      locale === "ar"
        ? `${n.actorCount > 1 ? "متابعون جدد" : "متابع جديد"}: ${who}`
        : `${who} started following you`,
    link: actorProfile,
  },
  connection_request: {
    channels: channels(true),
    urgency: "high",
    text: (_n, locale, who) =>
      locale === "ar" ? `طلب تواصل جديد من ${who}` : `${who} wants to connect with you`,
    link: () => "/network/requests",
  },
  connection_accepted: {
    channels: channels(true),
    text: (_n, locale, who) =>
      locale === "ar" ? `تم قبول طلب التواصل من ${who}` : `${who} accepted your connection request`,
    link: actorProfile,
  },
});

declare module "../../core/notifications" {
  interface NotificationTypes extends TypesOf<typeof graphNotifications> {}
}
