import type { Context } from "hono";
import type { AppEnv } from "../../platform/env";
import { AppError, errorMessage } from "../../platform/errors";
import { escapeHtml } from "../../platform/html";
import type { Locale } from "../../platform/i18n";

/**
 * What a person who clicked "unsubscribe" in an email sees: the link opens in a browser, so it gets a
 * page rather than JSON. GET only shows a confirmation with a button (mail scanners that prefetch links
 * must not unsubscribe anyone); the button POSTs the same URL, which is also the RFC 8058 one-click target.
 * API clients (no `text/html` in Accept) keep getting JSON from both.
 */
export const wantsHtml = (c: Context<AppEnv>) => /\btext\/html\b/.test(c.req.header("accept") ?? "");

const TEXT = {
  en: {
    confirmTitle: "Unsubscribe from these emails?",
    confirmBody:
      "You will stop receiving this kind of email from Majlis. Other notifications stay as they are.",
    digestBody: "You will stop receiving the Majlis digest email.",
    button: "Unsubscribe",
    doneTitle: "You are unsubscribed",
    doneBody: "You can turn emails back on any time in your notification settings.",
    errorTitle: "This link does not work",
  },
  ar: {
    confirmTitle: "إلغاء الاشتراك في هذه الرسائل؟",
    confirmBody: "لن تصلك بعد الآن رسائل بريد من هذا النوع من مجلس. تبقى الإشعارات الأخرى كما هي.",
    digestBody: "لن يصلك بعد الآن البريد الموجز من مجلس.",
    button: "إلغاء الاشتراك",
    doneTitle: "تم إلغاء اشتراكك",
    doneBody: "يمكنك إعادة تفعيل الرسائل في أي وقت من إعدادات الإشعارات.",
    errorTitle: "هذا الرابط لا يعمل",
  },
} satisfies Record<Locale, Record<string, string>>;

function page(locale: Locale, title: string, body: string): string {
  const dir = locale === "ar" ? "rtl" : "ltr";
  return `<!doctype html><html lang="${locale}" dir="${dir}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)} · Majlis</title></head><body><main><h1>${escapeHtml(title)}</h1>${body}</main></body></html>`;
}

export function confirmPage(locale: Locale, token: string, digest: boolean): string {
  const t = TEXT[locale];
  const action = `?token=${encodeURIComponent(token)}`;
  return page(
    locale,
    t.confirmTitle,
    `<p>${escapeHtml(digest ? t.digestBody : t.confirmBody)}</p><form method="post" action="${escapeHtml(action)}"><button type="submit">${escapeHtml(t.button)}</button></form>`,
  );
}

export function donePage(locale: Locale): string {
  const t = TEXT[locale];
  return page(locale, t.doneTitle, `<p>${escapeHtml(t.doneBody)}</p>`);
}

/**
 * The pages' own Content-Security-Policy (the API's default forbids forms): no script, style, image or
 * frame; the only thing a page may do is submit its form back to this origin.
 */
export const UNSUBSCRIBE_PAGE_CSP =
  "default-src 'none'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/** Runs `work`; an AppError becomes a page with the same status and the catalog's message. */
export async function htmlOrError(c: Context<AppEnv>, work: () => Promise<string>): Promise<Response> {
  const locale = c.var.locale;
  c.header("Content-Security-Policy", UNSUBSCRIBE_PAGE_CSP);
  try {
    return c.html(await work(), 200);
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    const html = page(
      locale,
      TEXT[locale].errorTitle,
      `<p>${escapeHtml(errorMessage(err.code, locale))}</p>`,
    );
    return c.html(html, err.status as 400);
  }
}
