import { channels, dataString, defineNotifications, type TypesOf } from "../../core/notifications";

export const systemNotifications = defineNotifications({
  /** A notice from Majlis itself (security alerts, saved-search alerts, moderation outcomes). */
  system: {
    channels: channels(true),
    text: (n, locale) =>
      (locale === "ar" ? dataString(n.data.textAr) : dataString(n.data.textEn)) ??
      dataString(n.data.text) ??
      (locale === "ar" ? "إشعار من مجلس" : "A notice from Majlis"),
    link: (n) => {
      const link = dataString(n.data.link);
      return link?.startsWith("/") ? link : "/notifications";
    },
  },
});

declare module "../../core/notifications" {
  interface NotificationTypes extends TypesOf<typeof systemNotifications> {}
}
