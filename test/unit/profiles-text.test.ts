import { describe, expect, it } from "vitest";
import { normalizeKey } from "../../src/platform/text";

describe("normalizeKey", () => {
  it.each([
    ["  Google   Inc ", "google inc"],
    ["CAFÉ", "cafe"],
    ["شركة أرامكو", "شركه ارامكو"],
    ["شركه ارامكو", "شركه ارامكو"],
    ["إدارة الأعمال", "اداره الاعمال"],
    ["آمنة", "امنه"],
    ["مستشفى", "مستشفي"],
    ["مُهَنْدِس", "مهندس"],
    ["مـــهندس", "مهندس"],
    ["جامعة ٢٠٢٠", "جامعه 2020"],
    ["ﻻ", "لا"],
    ["Ｇｏｏｇｌｅ", "google"],
    ["a\u200Bb\u202Ec", "abc"],
    ["\tTeam\nLead ", "team lead"],
  ])("%j → %j", (input, key) => {
    expect(normalizeKey(input)).toBe(key);
  });

  it("leaves other scripts intact", () => {
    expect(normalizeKey("東京 大学")).toBe("東京 大学");
    expect(normalizeKey("한국")).toBe("한국");
  });
});
