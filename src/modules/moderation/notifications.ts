import { channels, dataString, defineNotifications, type TypesOf } from "../../core/notifications";

const ACTION_TEXT: Record<string, [en: string, ar: string]> = {
  REMOVE_CONTENT: ["removed some of your content", "حذف بعض محتواك"],
  WARN: ["sent you a warning", "وجّه إليك تحذيراً"],
  MUTE: [
    "muted you: you cannot post or send messages for a while",
    "كتم حسابك: لا يمكنك النشر أو المراسلة لفترة",
  ],
  SUSPEND: ["suspended your account", "علّق حسابك"],
  BAN: ["banned your account", "حظر حسابك"],
  SHADOWBAN: ["limited who sees your content", "قيّد ظهور محتواك"],
};

/**
 * What moderation tells members. The reporter learns the outcome of their report; the member acted
 * against learns the action. Neither text names the reporter or the moderator.
 */
export const moderationNotifications = defineNotifications({
  report_resolved: {
    channels: channels(false, false),
    text: (n, locale) => {
      const actioned = dataString(n.data.resolution) === "ACTIONED";
      if (locale === "ar")
        return actioned
          ? "راجعنا بلاغك واتخذنا إجراءً. شكراً لمساعدتك."
          : "راجعنا بلاغك ولم نجد مخالفة لقواعد المجتمع.";
      return actioned
        ? "We reviewed your report and took action. Thank you."
        : "We reviewed your report and found no breach of the community rules.";
    },
    link: () => "/settings/reports",
  },
  moderation_action: {
    channels: channels(true),
    urgency: "high",
    text: (n, locale) => {
      const [en, ar] = ACTION_TEXT[dataString(n.data.kind) ?? ""] ?? [
        "took action on your account",
        "اتخذ إجراءً بحق حسابك",
      ];
      return locale === "ar" ? `فريق الإشراف ${ar}` : `The moderation team ${en}`;
    },
    link: () => "/settings/account",
  },
});

declare module "../../core/notifications" {
  interface NotificationTypes extends TypesOf<typeof moderationNotifications> {}
}
