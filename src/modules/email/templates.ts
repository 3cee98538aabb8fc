import type { Locale } from "../../lib/i18n";

/**
 * Email templates in Arabic (right-to-left) and English. Each returns subject, plain text and HTML;
 * values are escaped before they enter the HTML.
 */
export type EmailTemplate = "verify-email" | "reset-password" | "welcome";

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

function layout(locale: Locale, title: string, paragraphs: string[]): string {
  const dir = locale === "ar" ? "rtl" : "ltr";
  const body = paragraphs.map((p) => `<p>${p}</p>`).join("\n");
  return `<!doctype html><html lang="${locale}" dir="${dir}"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body style="font-family:system-ui,sans-serif;direction:${dir};text-align:${dir === "rtl" ? "right" : "left"}">\n${body}\n<p style="color:#666">Majlis · مجلس</p></body></html>`;
}

type Data = Record<string, string>;
type Strings = { subject: (d: Data) => string; lines: (d: Data) => string[] };

const TEMPLATES: Record<EmailTemplate, Record<Locale, Strings>> = {
  "verify-email": {
    ar: {
      subject: () => "رمز تأكيد بريدك الإلكتروني في مجلس",
      lines: (d) => [`مرحباً ${d.name ?? ""}،`, `رمز التأكيد الخاص بك هو: ${d.code}`, "تنتهي صلاحية الرمز خلال 15 دقيقة."],
    },
    en: {
      subject: () => "Your Majlis verification code",
      lines: (d) => [`Hello ${d.name ?? ""},`, `Your verification code is: ${d.code}`, "The code expires in 15 minutes."],
    },
  },
  "reset-password": {
    ar: {
      subject: () => "إعادة تعيين كلمة المرور في مجلس",
      lines: (d) => [
        `مرحباً ${d.name ?? ""}،`,
        `لإعادة تعيين كلمة المرور افتح الرابط التالي: ${d.link}`,
        "ينتهي الرابط خلال 15 دقيقة ويُستخدم مرة واحدة. إن لم تطلب ذلك فتجاهل هذه الرسالة.",
      ],
    },
    en: {
      subject: () => "Reset your Majlis password",
      lines: (d) => [
        `Hello ${d.name ?? ""},`,
        `To reset your password, open this link: ${d.link}`,
        "The link expires in 15 minutes and works once. If you did not ask for this, ignore this email.",
      ],
    },
  },
  welcome: {
    ar: {
      subject: () => "أهلاً بك في مجلس",
      lines: (d) => [`أهلاً ${d.name ?? ""}،`, "تم تأكيد بريدك الإلكتروني. أكمل ملفك الشخصي وابدأ التواصل."],
    },
    en: {
      subject: () => "Welcome to Majlis",
      lines: (d) => [`Welcome ${d.name ?? ""},`, "Your email is verified. Complete your profile and start connecting."],
    },
  },
};

export function renderEmail(template: EmailTemplate, locale: Locale, data: Data): RenderedEmail {
  const strings = TEMPLATES[template][locale];
  const lines = strings.lines(data);
  const subject = strings.subject(data);
  return {
    subject,
    text: lines.join("\n\n"),
    html: layout(
      locale,
      subject,
      lines.map((l) => escapeHtml(l)),
    ),
  };
}
