import { describe, expect, it } from "vitest";
import { renderEmail } from "../../src/modules/email/templates";

const unsubscribe = "https://majlis.example/api/v1/notifications/unsubscribe?token=abc.def";

describe("notification and digest email templates", () => {
  it("a notification email in Arabic is right-to-left, with the text as subject and an unsubscribe link", () => {
    const out = renderEmail("notification", "ar", {
      name: "سارة",
      text: "طلب تواصل جديد من عمر",
      link: "https://majlis.example/network/requests",
      unsubscribe,
    });
    expect(out.subject).toBe("طلب تواصل جديد من عمر");
    expect(out.html).toContain('<html lang="ar" dir="rtl">');
    expect(out.html).toContain("direction:rtl;text-align:right");
    expect(out.html).toContain(`<a href="${unsubscribe}">إلغاء الاشتراك في هذه الرسائل</a>`);
    expect(out.html).toContain('<a href="https://majlis.example/network/requests">عرض في مجلس</a>');
    expect(out.text).toContain(`إلغاء الاشتراك في هذه الرسائل: ${unsubscribe}`);
    expect(out.text).toContain("مرحباً سارة،");
  });

  it("a notification email in English is left-to-right", () => {
    const out = renderEmail("notification", "en", {
      name: "Sara",
      text: "Omar wants to connect with you",
      link: "https://majlis.example/network/requests",
      unsubscribe,
    });
    expect(out.subject).toBe("Omar wants to connect with you");
    expect(out.html).toContain('<html lang="en" dir="ltr">');
    expect(out.html).toContain(`<a href="${unsubscribe}">Unsubscribe from these emails</a>`);
    expect(out.text).toContain(`Unsubscribe from these emails: ${unsubscribe}`);
    expect(out.subject).not.toMatch(/[\u0600-\u06FF]/);
  });

  it("digests list the items and count them with the right plural forms", () => {
    const items = JSON.stringify([
      { text: "تفاعلات جديدة من سارة و14 شخصاً آخر على منشورك", link: "https://majlis.example/posts/1" },
      { text: "متابع جديد: عمر", link: "https://majlis.example/u/omar" },
    ]);
    const ar = renderEmail("digest", "ar", {
      name: "ليلى",
      period: "daily",
      count: "2",
      items,
      link: "https://majlis.example/notifications",
      unsubscribe,
    });
    expect(ar.subject).toBe("ملخصك اليومي في مجلس: إشعاران غير مقروءة");
    expect(ar.html).toContain('dir="rtl"');
    expect(ar.html).toContain(
      '<li><a href="https://majlis.example/posts/1">تفاعلات جديدة من سارة و14 شخصاً آخر على منشورك</a></li>',
    );
    expect(ar.text).toContain("• متابع جديد: عمر (https://majlis.example/u/omar)");
    expect(ar.html).toContain(unsubscribe);
    expect(renderEmail("digest", "ar", { period: "weekly", count: "5", items }).subject).toBe(
      "ملخصك الأسبوعي في مجلس: 5 إشعارات غير مقروءة",
    );
    expect(renderEmail("digest", "ar", { period: "weekly", count: "1", items }).subject).toContain(
      "إشعار واحد",
    );
    expect(renderEmail("digest", "ar", { period: "weekly", count: "12", items }).subject).toContain(
      "12 إشعاراً",
    );
    const en = renderEmail("digest", "en", {
      name: "Lina",
      period: "weekly",
      count: "1",
      items,
      unsubscribe,
    });
    expect(en.subject).toBe("Your weekly Majlis digest: 1 unread notification");
    expect(en.html).toContain('dir="ltr"');
    expect(renderEmail("digest", "en", { period: "daily", count: "3", items }).subject).toBe(
      "Your daily Majlis digest: 3 unread notifications",
    );
  });

  it("escapes member-controlled text, keeps only http(s) links, and keeps subjects on one line", () => {
    const evil = '<script>alert("x")</script> & "quotes"';
    const out = renderEmail("notification", "en", {
      name: evil,
      text: `${evil}\r\nBcc: victim@example.com`,
      link: "javascript:alert(1)",
      unsubscribe: 'https://majlis.example/u?token="><img src=x>',
    });
    expect(out.html).not.toContain("<script>");
    expect(out.html).not.toContain("<img");
    expect(out.html).toContain("&#60;script&#62;");
    expect(out.html).not.toContain("javascript:");
    expect(out.subject).not.toMatch(/[\r\n]/);
    expect(out.text).toContain(evil);
    const digest = renderEmail("digest", "en", {
      period: "daily",
      count: "1",
      items: JSON.stringify([{ text: "<b>bold</b>", link: "data:text/html,x" }]),
    });
    expect(digest.html).toContain("<li>&#60;b&#62;bold&#60;/b&#62;</li>");
    // A broken items value renders an empty list, not an error.
    expect(renderEmail("digest", "en", { period: "daily", count: "1", items: "{not json" }).html).toContain(
      "<ul></ul>",
    );
  });
});
