import type { Locale } from "../../platform/i18n";
import type { UserCard } from "../profiles/card";

/**
 * The sentence shown for a notification, in Arabic or English, built from the latest actors and the
 * count of the others ("Sara, Omar and 13 others reacted to your post"). Arabic phrasing is built around
 * nouns ("تفاعلات جديدة من سارة وعمر") so it does not depend on the actors' grammatical gender.
 */
export interface RenderInput {
  type: string;
  targetType: string | null;
  targetId: string | null;
  data: Record<string, unknown>;
  actors: UserCard[];
  actorCount: number;
  eventCount: number;
}

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

const str = (v: unknown): string | undefined => (typeof v === "string" && v.length > 0 ? v : undefined);

export function renderText(n: RenderInput, locale: Locale): string {
  const who = actorsPhrase(n.actors, n.actorCount, locale);
  const many = n.actorCount > 1;
  const ar = locale === "ar";
  const onComment = n.targetType === "comment";
  switch (n.type) {
    case "reaction":
      return ar
        ? `${many ? "تفاعلات جديدة" : "تفاعل جديد"} من ${who} على ${onComment ? "تعليقك" : "منشورك"}`
        : `${who} reacted to your ${onComment ? "comment" : "post"}`;
    case "comment":
      return ar
        ? `${n.eventCount > 1 ? "تعليقات جديدة" : "تعليق جديد"} من ${who} على منشورك`
        : `${who} commented on your post`;
    case "reply":
      return ar
        ? `${n.eventCount > 1 ? "ردود جديدة" : "رد جديد"} من ${who} على تعليقك`
        : `${who} replied to your comment`;
    case "mention": {
      const where =
        n.targetType === "conversation"
          ? ar
            ? "محادثة"
            : "a conversation"
          : onComment
            ? ar
              ? "تعليق"
              : "a comment"
            : ar
              ? "منشور"
              : "a post";
      return ar ? `إشارة إليك من ${who} في ${where}` : `${who} mentioned you in ${where}`;
    }
    case "repost":
      return ar ? `إعادة نشر منشورك من ${who}` : `${who} reposted your post`;
    case "follow":
      return ar ? `${many ? "متابعون جدد" : "متابع جديد"}: ${who}` : `${who} started following you`;
    case "connection_request":
      return ar ? `طلب تواصل جديد من ${who}` : `${who} wants to connect with you`;
    case "connection_accepted":
      return ar ? `تم قبول طلب التواصل من ${who}` : `${who} accepted your connection request`;
    case "message": {
      if (ar) return `${n.eventCount > 1 ? `${n.eventCount} رسائل جديدة` : "رسالة جديدة"} من ${who}`;
      return `${who} sent you ${n.eventCount > 1 ? `${n.eventCount} new messages` : "a new message"}`;
    }
    case "profile_view":
      return ar
        ? `${many ? "زيارات جديدة" : "زيارة جديدة"} لملفك الشخصي من ${who}`
        : `${who} viewed your profile`;
    case "endorsement": {
      const skill = str(n.data.skillName);
      if (ar) return `تزكية جديدة${skill ? ` لمهارة «${skill}»` : ""} من ${who}`;
      return `${who} endorsed you${skill ? ` for ${skill}` : ""}`;
    }
    case "system":
      return (
        (ar ? str(n.data.textAr) : str(n.data.textEn)) ??
        str(n.data.text) ??
        (ar ? "إشعار من مجلس" : "A notice from Majlis")
      );
    default:
      return ar ? `نشاط جديد من ${who}` : `New activity from ${who}`;
  }
}

/** Where a client should take the member (a path of the web app, relative to APP_URL). */
export function linkOf(n: RenderInput): string {
  const postId = str(n.data.postId);
  switch (n.targetType) {
    case "post":
      return `/posts/${n.targetId}`;
    case "comment":
      return postId ? `/posts/${postId}?comment=${n.targetId}` : `/comments/${n.targetId}`;
    case "conversation":
      return `/messages/${n.targetId}`;
  }
  switch (n.type) {
    case "connection_request":
      return "/network/requests";
    case "profile_view":
      return "/me/profile-views";
    case "endorsement":
      return "/me/profile";
    case "follow":
    case "connection_accepted":
      return n.actors[0] ? `/u/${n.actors[0].username}` : "/network";
    case "system":
      return str(n.data.link)?.startsWith("/") ? str(n.data.link)! : "/notifications";
    default:
      return "/notifications";
  }
}
