import { describe, expect, it } from "vitest";
import { detectTextDirection, extractHashtags, extractMentions, hashtagKey } from "../../src/platform/text";

describe("hashtagKey: one key for the spellings of a tag", () => {
  const same: [string, string, string][] = [
    ["case", "#AI", "#ai"],
    ["alef with hamza above", "#أمن", "#امن"],
    ["alef with hamza below", "#إبداع", "#ابداع"],
    ["alef madda", "#آفاق", "#افاق"],
    ["alef wasla", "#ٱلعلم", "#العلم"],
    ["alef maqsura / yeh", "#مستشفى", "#مستشفي"],
    ["Farsi yeh", "#ذکی", "#ذكي"],
    ["teh marbuta / heh", "#رؤية", "#رؤيه"],
    ["waw with hamza", "#رؤيه", "#رويه"],
    ["tashkeel", "#الذَّكَاءُ_الاصْطِنَاعِيُّ", "#الذكاء_الاصطناعي"],
    ["tatweel", "#الذكـــاء", "#الذكاء"],
    ["Arabic-Indic digits", "#رؤية_٢٠٣٠", "#رؤية_2030"],
    ["Extended Arabic-Indic digits", "#سال_۱۴۰۲", "#سال_1402"],
    ["full-width hash and letters", "＃ＡＩ", "#ai"],
  ];
  it.each(same)("folds %s", (_label, a, b) => {
    expect(hashtagKey(a)).not.toBeNull();
    expect(hashtagKey(a)).toBe(hashtagKey(b));
  });

  const different: [string, string][] = [
    ["#علم", "#عالم"],
    ["#AI", "#AII"],
    ["#ai_ml", "#aiml"],
  ];
  it.each(different)("keeps %s and %s apart", (a, b) => {
    expect(hashtagKey(a)).not.toBe(hashtagKey(b));
  });

  it.each(["#123", "#٢٠٣٠", "#_", "#ـــ", `#${"a".repeat(101)}`, "#a-b"])("refuses %s", (tag) => {
    expect(hashtagKey(tag)).toBeNull();
  });
});

describe("extractHashtags", () => {
  it.each([
    ["Arabic and English", "مرحبا #الذكاء_الاصطناعي و #AI!", ["الذكاء_الاصطناعي", "AI"]],
    ["keeps the first spelling of duplicates", "#AI #ai #Ai", ["AI"]],
    ["Arabic variants are one tag", "#رؤية_2030 ثم #رؤيه_٢٠٣٠", ["رؤية_2030"]],
    ["not glued to a word", "abc#def x#y", []],
    ["not a URL fragment", "see https://example.com/#/page and /#x", []],
    ["not an HTML entity", "&#1234;", []],
    ["digits only are not tags", "#1 #2030", []],
    ["stops at punctuation", "(#تقنية)، #Cloud.", ["تقنية", "Cloud"]],
    ["with diacritics kept in display", "#مَجْلِس", ["مَجْلِس"]],
    ["after a newline", "سطر\n#سطر_ثاني", ["سطر_ثاني"]],
  ])("%s", (_label, text, expected) => {
    expect(extractHashtags(text).map((h) => h.display)).toEqual(expected);
  });
});

describe("extractMentions (UTF-16 offsets)", () => {
  it("finds mentions with offsets counted in UTF-16 code units", () => {
    const text = "😀 شكراً @Sara_Ahmed و @ali99";
    const found = extractMentions(text);
    expect(found.map((m) => m.username)).toEqual(["sara_ahmed", "ali99"]);
    for (const m of found) expect(text.slice(m.start, m.end).toLowerCase()).toBe(`@${m.username}`);
    // The emoji is two code units.
    expect(found[0]!.start).toBe(9);
  });

  it.each([
    ["an e-mail address", "write to sara@example.com"],
    ["too short", "@ab"],
    ["too long", `@${"a".repeat(31)}`],
    ["inside a URL", "https://example.com/@someone"],
    ["a double at", "@@someone"],
  ])("ignores %s", (_label, text) => {
    expect(extractMentions(text)).toEqual([]);
  });
});

describe("detectTextDirection", () => {
  it.each([
    ["Arabic", "مرحبا بالعالم", "rtl"],
    ["English", "Hello world", "ltr"],
    ["Arabic after an English hashtag", "#AI في الرياض", "rtl"],
    ["Arabic after a mention and a URL", "@sara https://x.com مرحبا", "rtl"],
    ["English starting with an Arabic hashtag", "#مجلس is live", "ltr"],
    ["Hebrew", "שלום", "rtl"],
    ["Persian", "سلام دنیا", "rtl"],
    ["only an Arabic hashtag", "#مجلس", "rtl"],
    ["digits and emoji only", "2030 🎉", "ltr"],
    ["Arabic after digits", "٢٠٣٠ رؤية", "rtl"],
  ])("%s → %s", (_label, text, dir) => {
    expect(detectTextDirection(text)).toBe(dir);
  });
});
