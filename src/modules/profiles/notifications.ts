import { channels, dataString, defineNotifications, type TypesOf } from "../../core/notifications";

export const profileNotifications = defineNotifications({
  profile_view: {
    channels: channels(false, false),
    aggregate: "type",
    urgency: "low",
    text: (n, locale, who) =>
      locale === "ar"
        ? `${n.actorCount > 1 ? "زيارات جديدة" : "زيارة جديدة"} لملفك الشخصي من ${who}`
        : `${who} viewed your profile`,
    link: () => "/me/profile-views",
  },
  endorsement: {
    channels: channels(false),
    aggregate: "target",
    text: (n, locale, who) => {
      const skill = dataString(n.data.skillName);
      if (locale === "ar") return `تزكية جديدة${skill ? ` لمهارة «${skill}»` : ""} من ${who}`;
      return `${who} endorsed you${skill ? ` for ${skill}` : ""}`;
    },
    link: () => "/me/profile",
  },
});

declare module "../../core/notifications" {
  interface NotificationTypes extends TypesOf<typeof profileNotifications> {}
}
