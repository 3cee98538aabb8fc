import { channels, defineNotifications, type TypesOf } from "../../core/notifications";
import type { Locale } from "../../platform/i18n";

/**
 * "12 new messages" with the noun in the form the number asks for. Arabic counts have six forms: 1 and 2
 * are said by the noun alone (رسالة جديدة، رسالتان جديدتان), 3–10 take the plural (٣ رسائل), 11–99 the
 * singular (١١ رسالة), and from 100 the last two digits decide again (١٠٣ رسائل، ١١١ رسالة، ٢٠٠ رسالة).
 */
export function newMessagesPhrase(count: number, locale: Locale): string {
  const n = Math.max(1, Math.floor(count));
  if (locale !== "ar") return n === 1 ? "1 new message" : `${n} new messages`;
  if (n === 1) return "رسالة جديدة";
  if (n === 2) return "رسالتان جديدتان";
  const tail = n % 100;
  return tail >= 3 && tail <= 10 ? `${n} رسائل جديدة` : `${n} رسالة جديدة`;
}

/** The coalesced notice: "Sara and 4 others: 12 new messages" (`who` names the latest senders). */
export function newMessagesText(count: number, locale: Locale, who: string): string {
  return `${who}: ${newMessagesPhrase(count, locale)}`;
}

export const conversationNotifications = defineNotifications({
  /**
   * New messages while the member was away: one notice per conversation while unread, counting every
   * message it stands for (the room coalesces them, ./chat-room-notices.ts); reading the conversation
   * settles it.
   */
  message: {
    channels: channels(true),
    aggregate: "target",
    urgency: "high",
    text: (n, locale, who) => newMessagesText(n.eventCount, locale, who),
  },
});

declare module "../../core/notifications" {
  interface NotificationTypes extends TypesOf<typeof conversationNotifications> {}
}
