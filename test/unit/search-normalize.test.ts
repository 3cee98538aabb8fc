import { describe, expect, it } from "vitest";
import {
  foldText,
  searchQueryForms,
  searchTokens,
  searchWords,
  wordForms,
  wordStem,
} from "../../src/lib/text";
import { matchExpression } from "../../src/modules/search/fts";

/**
 * The search normalization, as a table: each spelling on the left must produce the same search words as
 * the canonical form on the right, at index time and at query time (it is one function).
 */
const SAME_WORDS: [string, string, string][] = [
  ["tashkeel (harakat, tanwin, shadda, sukun)", "مُحَمَّدٌ الْمُهَنْدِسُ", "محمد المهندس"],
  ["superscript alef", "هٰذا", "هذا"],
  ["tatweel", "الريـــــاض", "الرياض"],
  ["alef with hamza above", "أحمد", "احمد"],
  ["alef with hamza below", "إسلام", "اسلام"],
  ["alef madda", "آمنة", "امنه"],
  ["alef wasla", "ٱلله", "الله"],
  ["teh marbuta", "مدرسة", "مدرسه"],
  ["alef maqsura", "مستشفى", "مستشفي"],
  ["waw with hamza", "مؤتمر", "موتمر"],
  ["yeh with hamza", "رئيس", "رييس"],
  ["Farsi yeh and keheh", "کتابی", "كتابي"],
  ["Arabic-Indic digits", "٢٠٢٤", "2024"],
  ["Persian digits", "۲۰۲۴", "2024"],
  ["mixed digits", "عام ١٤٤٥ و۱۴۴۶", "عام 1445 و1446"],
  ["Latin case", "RIYADH Riyadh", "riyadh riyadh"],
  ["Latin accents", "Café Crème São Paulo", "cafe creme sao paulo"],
  ["full-width Latin", "ＡＩ", "ai"],
  ["presentation forms (lam-alef ligature)", "ﻻ", "لا"],
  ["zero-width and bidi controls", "مهن\u200Dدس\u200F", "مهندس"],
  ["emoji and punctuation separate words", "مهندس🚀،برمجيات!!! (AI)", "مهندس برمجيات ai"],
  ["hashtags, mentions and underscores", "#الذكاء_الاصطناعي @sara_99", "الذكاء الاصطناعي sara 99"],
  ["mixed Arabic and English", "Senior مهندس at أرامكو", "senior مهندس at ارامكو"],
];

describe("searchWords: the same words for every spelling", () => {
  it.each(SAME_WORDS)("%s", (_name, written, canonical) => {
    expect(searchWords(written)).toEqual(searchWords(canonical));
    expect(searchWords(written).length).toBeGreaterThan(0);
  });

  it("keeps the existing foldText behaviour other modules rely on", () => {
    expect(foldText("  شركة  أرامكو ")).toBe("  شركه  ارامكو ");
    expect(foldText("#الذكـاء")).toBe("#الذكاء");
  });

  it("yields no words for text without letters or digits", () => {
    expect(searchWords("🚀🔥 ... !!! ،؛ ـــ")).toEqual([]);
  });
});

/** Attached prefixes: each form on the left must share the stem of the plain word. */
const CLITICS: [string, string[], string][] = [
  ["الرياض", ["الرياض", "رياض"], "رياض"],
  ["بالرياض", ["بالرياض", "الرياض", "رياض"], "رياض"],
  ["والرياض", ["والرياض", "الرياض", "رياض"], "رياض"],
  ["للرياض", ["للرياض", "الرياض", "لرياض", "رياض"], "رياض"],
  ["فالرياض", ["فالرياض", "الرياض", "رياض"], "رياض"],
  ["كالرياض", ["كالرياض", "الرياض", "رياض"], "رياض"],
  ["وبالرياض", ["وبالرياض", "الرياض", "بالرياض", "رياض"], "رياض"],
  ["وللرياض", ["وللرياض", "الرياض", "لرياض", "للرياض", "رياض"], "رياض"],
  ["بدبي", ["بدبي", "دبي"], "دبي"],
  ["ولجدة", ["ولجدة", "لجده", "جده"].map(foldText), "جده"],
  // Too short to carry a clitic: kept whole.
  ["بلد", ["بلد"], "بلد"],
  ["ولد", ["ولد"], "ولد"],
  // Latin and digits have one form.
  ["Riyadh", ["riyadh"], "riyadh"],
  ["٢٠٢٤", ["2024"], "2024"],
];

describe("wordForms: attached prefixes (ال و ب ل ف ك and combinations)", () => {
  it.each(CLITICS)("%s", (word, forms, stem) => {
    const [folded] = searchWords(word);
    expect(wordForms(folded!)).toEqual(forms);
    expect(wordStem(folded!)).toBe(stem);
  });

  it("indexes every form, so الرياض, بالرياض, والرياض and للرياض share tokens", () => {
    const indexed = (text: string) => new Set(searchTokens(text));
    for (const text of ["بالرياض", "والرياض", "للرياض", "الرياض", "الرِّياض", "بالريـاض"]) {
      expect(indexed(text).has("الرياض")).toBe(true);
      expect(indexed(text).has("رياض")).toBe(true);
    }
  });

  it("a query word matches any of its forms; stop words are dropped unless alone", () => {
    expect(searchQueryForms("مهندس في الرياض")).toEqual([["مهندس"], ["الرياض", "رياض"]]);
    expect(searchQueryForms("في")).toEqual([["في"]]);
    expect(searchQueryForms("engineer in Riyadh")).toEqual([["engineer"], ["riyadh"]]);
    expect(searchQueryForms("a b c d e f g h i j k l", 8)).toHaveLength(8);
  });
});

describe("matchExpression: user text never becomes FTS5 syntax", () => {
  const hostile = [
    '"',
    '""',
    '"unbalanced',
    "*",
    "a*",
    "NEAR(a b)",
    "AND OR NOT",
    "a AND OR b",
    "col:value",
    "{name}: x",
    "^start",
    "(a OR b",
    "a) OR (b",
    "-x +y",
    "'; DROP TABLE posts; --",
  ];
  it.each(hostile)("%s", (input) => {
    const expr = matchExpression(searchQueryForms(input), { prefixLast: true });
    if (expr === null) return;
    // Every term is a quoted string; outside quotes there are only our operators, brackets and stars.
    const outside = expr.replace(/"(?:[^"]|"")*"/g, "");
    expect(outside).toMatch(/^[\s()*]*(?:(?:AND|OR)[\s()*]*)*$/);
  });

  it("prefixes only the last word, and only from 2 characters", () => {
    expect(matchExpression([["مهندس"], ["الر", "ر"]], { prefixLast: true })).toBe(
      '("مهندس") AND ("الر" OR "الر"* OR "ر")',
    );
    expect(matchExpression([["ab"]], { prefixLast: false })).toBe('("ab")');
    expect(matchExpression([["ab"]], { columns: ["name", "headline"] })).toBe('{name headline} : (("ab"))');
    expect(matchExpression([])).toBeNull();
  });
});
