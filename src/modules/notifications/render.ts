import type { UserCard } from "../../core/cards";
import { notificationType, type RenderInput } from "../../core/notifications";
import { targetLink } from "../../core/targets";
import type { Locale } from "../../platform/i18n";

/**
 * The sentence shown for a notification, in Arabic or English, built from the latest actors and the
 * count of the others ("Sara, Omar and 13 others reacted to your post"). Arabic phrasing is built around
 * nouns ("تفاعلات جديدة من سارة وعمر") so it does not depend on the actors' grammatical gender.
 */
export type { RenderInput };

function othersAr(k: number): string {
  if (k === 1) return "شخص آخر";
  if (k === 2) return "شخصين آخرين";
  if (k <= 10) return `${k} أشخاص آخرين`;
  return `${k} شخصاً آخر`;
}

/** "Sara", "Sara and Omar", "Sara and 14 others" (the latest actor first). */
export function actorsPhrase(actors: UserCard[], count: number, locale: Locale): string {
  const names = actors.map((a) => a.displayName);
  const total = Math.max(count, names.length);
  const ar = locale === "ar";
  if (names.length === 0) return ar ? "أحد الأعضاء" : "Someone";
  if (total === 1) return names[0]!;
  if (total === 2 && names.length >= 2)
    return ar ? `${names[0]} و${names[1]}` : `${names[0]} and ${names[1]}`;
  const others = total - 1;
  return ar
    ? `${names[0]} و${othersAr(others)}`
    : `${names[0]} and ${others} other${others === 1 ? "" : "s"}`;
}

/** The sentence of a notification, as its type declares it. */
export function renderText(n: RenderInput, locale: Locale): string {
  const who = actorsPhrase(n.actors, n.actorCount, locale);
  const type = notificationType(n.type);
  if (type) return type.text(n, locale, who);
  return locale === "ar" ? `نشاط جديد من ${who}` : `New activity from ${who}`;
}

/** Where a client should take the member (a path of the web app, relative to APP_URL). */
export function linkOf(n: RenderInput): string {
  const target = n.targetType && n.targetId ? targetLink(n.targetType, n.targetId, n.data) : undefined;
  return target ?? notificationType(n.type)?.link?.(n) ?? "/notifications";
}
