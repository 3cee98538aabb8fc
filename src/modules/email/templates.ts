import { escapeHtml } from "../../platform/html";
import type { Locale } from "../../platform/i18n";
import { oneLineHeader } from "./headers";

/**
 * Email templates in Arabic (right-to-left) and English. Each returns subject, plain text and HTML; every
 * value is escaped before it enters the HTML, and only http(s) links become anchors. Notification and
 * digest emails end with an unsubscribe link (also sent as the List-Unsubscribe header, see service.ts).
 */
export const EMAIL_TEMPLATES = [
  "verify-email",
  "reset-password",
  "welcome",
  "notification",
  "digest",
] as const;
export type EmailTemplate = (typeof EMAIL_TEMPLATES)[number];

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

type Data = Record<string, string>;

/** A piece of an email body: a paragraph, a link, a list of items (each maybe linked), or a footer note. */
type Block =
  | { p: string }
  | { link: string; label: string }
  | { items: { text: string; link?: string | undefined }[] }
  | { footer: string; link?: string | undefined; label?: string };

interface Strings {
  subject: (d: Data) => string;
  body: (d: Data) => Block[];
}

function safeHref(url: string | undefined): string | undefined {
  return url && /^https?:\/\//i.test(url) ? url : undefined;
}

function anchor(href: string | undefined, label: string): string {
  const safe = safeHref(href);
  return safe ? `<a href="${escapeHtml(safe)}">${escapeHtml(label)}</a>` : escapeHtml(label);
}

/** Arabic plural forms for "N notifications" (1, 2, 3–10, 11+). */
function arNotifications(n: number): string {
  if (n === 1) return "إشعار واحد";
  if (n === 2) return "إشعاران";
  if (n >= 3 && n <= 10) return `${n} إشعارات`;
  return `${n} إشعاراً`;
}

const unsubscribeFooter = (d: Data, locale: Locale): Block => ({
  footer:
    locale === "ar"
      ? "تصلك هذه الرسالة لأن إشعارات البريد مفعّلة في حسابك."
      : "You receive this email because email notifications are on for your account.",
  link: d.unsubscribe,
  label: locale === "ar" ? "إلغاء الاشتراك في هذه الرسائل" : "Unsubscribe from these emails",
});

function parseItems(json: string | undefined): { text: string; link?: string }[] {
  try {
    const items: unknown = JSON.parse(json ?? "[]");
    if (!Array.isArray(items)) return [];
    return items
      .filter((i): i is { text: string; link?: string } => typeof i?.text === "string")
      .map((i) => ({ text: i.text, ...(typeof i.link === "string" ? { link: i.link } : {}) }));
  } catch {
    return [];
  }
}

const TEMPLATES: Record<EmailTemplate, Record<Locale, Strings>> = {
  "verify-email": {
    ar: {
      subject: () => "رمز تأكيد بريدك الإلكتروني في مجلس",
      body: (d) => [
        { p: `مرحباً ${d.name ?? ""}،` },
        { p: `رمز التأكيد الخاص بك هو: ${d.code}` },
        { p: "تنتهي صلاحية الرمز خلال 15 دقيقة." },
      ],
    },
    en: {
      subject: () => "Your Majlis verification code",
      body: (d) => [
        { p: `Hello ${d.name ?? ""},` },
        { p: `Your verification code is: ${d.code}` },
        { p: "The code expires in 15 minutes." },
      ],
    },
  },
  "reset-password": {
    ar: {
      subject: () => "إعادة تعيين كلمة المرور في مجلس",
      body: (d) => [
        { p: `مرحباً ${d.name ?? ""}،` },
        { p: `لإعادة تعيين كلمة المرور افتح الرابط التالي: ${d.link}` },
        { p: "ينتهي الرابط خلال 15 دقيقة ويُستخدم مرة واحدة. إن لم تطلب ذلك فتجاهل هذه الرسالة." },
      ],
    },
    en: {
      subject: () => "Reset your Majlis password",
      body: (d) => [
        { p: `Hello ${d.name ?? ""},` },
        { p: `To reset your password, open this link: ${d.link}` },
        {
          p: "The link expires in 15 minutes and works once. If you did not ask for this, ignore this email.",
        },
      ],
    },
  },
  welcome: {
    ar: {
      subject: () => "أهلاً بك في مجلس",
      body: (d) => [
        { p: `أهلاً ${d.name ?? ""}،` },
        { p: "تم تأكيد بريدك الإلكتروني. أكمل ملفك الشخصي وابدأ التواصل." },
      ],
    },
    en: {
      subject: () => "Welcome to Majlis",
      body: (d) => [
        { p: `Welcome ${d.name ?? ""},` },
        { p: "Your email is verified. Complete your profile and start connecting." },
      ],
    },
  },
  // data: name, text (the notification, already in the member's language), link, unsubscribe
  notification: {
    ar: {
      subject: (d) => d.text ?? "إشعار جديد في مجلس",
      body: (d) => [
        { p: `مرحباً ${d.name ?? ""}،` },
        { p: d.text ?? "" },
        { link: d.link ?? "", label: "عرض في مجلس" },
        unsubscribeFooter(d, "ar"),
      ],
    },
    en: {
      subject: (d) => d.text ?? "New notification on Majlis",
      body: (d) => [
        { p: `Hello ${d.name ?? ""},` },
        { p: d.text ?? "" },
        { link: d.link ?? "", label: "View on Majlis" },
        unsubscribeFooter(d, "en"),
      ],
    },
  },
  // data: name, period (daily | weekly), count, items (JSON [{text, link}]), link, unsubscribe
  digest: {
    ar: {
      subject: (d) =>
        `${d.period === "daily" ? "ملخصك اليومي" : "ملخصك الأسبوعي"} في مجلس: ${arNotifications(Number(d.count ?? 0))} غير مقروءة`,
      body: (d) => [
        { p: `مرحباً ${d.name ?? ""}،` },
        {
          p: `لديك ${arNotifications(Number(d.count ?? 0))} غير مقروءة ${d.period === "daily" ? "منذ أمس" : "هذا الأسبوع"}:`,
        },
        { items: parseItems(d.items) },
        { link: d.link ?? "", label: "عرض كل الإشعارات" },
        unsubscribeFooter(d, "ar"),
      ],
    },
    en: {
      subject: (d) => {
        const n = Number(d.count ?? 0);
        return `Your ${d.period === "daily" ? "daily" : "weekly"} Majlis digest: ${n} unread notification${n === 1 ? "" : "s"}`;
      },
      body: (d) => {
        const n = Number(d.count ?? 0);
        return [
          { p: `Hello ${d.name ?? ""},` },
          {
            p: `You have ${n} unread notification${n === 1 ? "" : "s"} ${d.period === "daily" ? "since yesterday" : "this week"}:`,
          },
          { items: parseItems(d.items) },
          { link: d.link ?? "", label: "See all notifications" },
          unsubscribeFooter(d, "en"),
        ];
      },
    },
  },
};

function textOf(block: Block): string {
  if ("p" in block) return block.p;
  if ("items" in block)
    return block.items.map((i) => `• ${i.text}${i.link ? ` (${i.link})` : ""}`).join("\n");
  if ("footer" in block) return block.link ? `${block.footer}\n${block.label}: ${block.link}` : block.footer;
  return `${block.label}: ${block.link}`;
}

function htmlOf(block: Block): string {
  if ("p" in block) return `<p>${escapeHtml(block.p)}</p>`;
  if ("items" in block) {
    return `<ul>${block.items.map((i) => `<li>${anchor(i.link, i.text)}</li>`).join("")}</ul>`;
  }
  if ("footer" in block) {
    const link = block.link ? `<br>${anchor(block.link, block.label ?? block.link)}` : "";
    return `<p style="color:#666;font-size:12px">${escapeHtml(block.footer)}${link}</p>`;
  }
  return `<p>${anchor(block.link, block.label)}</p>`;
}

function layout(locale: Locale, title: string, body: string): string {
  const dir = locale === "ar" ? "rtl" : "ltr";
  return `<!doctype html><html lang="${locale}" dir="${dir}"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body style="font-family:system-ui,sans-serif;direction:${dir};text-align:${dir === "rtl" ? "right" : "left"}">\n${body}\n<p style="color:#666">Majlis · مجلس</p></body></html>`;
}

export function renderEmail(template: EmailTemplate, locale: Locale, data: Data): RenderedEmail {
  const strings = TEMPLATES[template][locale];
  const blocks = strings.body(data);
  // The subject is a header: one line (headers.ts).
  const subject = oneLineHeader(strings.subject(data));
  return {
    subject,
    text: blocks.map(textOf).join("\n\n"),
    html: layout(locale, subject, blocks.map(htmlOf).join("\n")),
  };
}
