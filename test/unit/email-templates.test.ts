import { describe, expect, it } from "vitest";
import { renderEmail } from "../../src/modules/email/templates";

describe("email templates", () => {
  it.each(["verify-email", "reset-password", "welcome"] as const)(
    "%s renders in Arabic (RTL) and English",
    (template) => {
      const data = { name: "سارة", code: "123456", link: "https://majlis.example/reset?token=abc" };
      const ar = renderEmail(template, "ar", data);
      const en = renderEmail(template, "en", data);
      expect(ar.html).toContain('dir="rtl"');
      expect(ar.html).toContain('lang="ar"');
      expect(ar.subject).toMatch(/[\u0600-\u06FF]/);
      expect(en.html).toContain('dir="ltr"');
      expect(en.subject).not.toMatch(/[\u0600-\u06FF]/);
      expect(ar.text).toContain("سارة");
    },
  );

  it("escapes member-controlled values in HTML", () => {
    const out = renderEmail("welcome", "en", { name: '<img src=x onerror="alert(1)">' });
    expect(out.html).not.toContain("<img");
    expect(out.text).toContain("<img");
  });
});
