import { describe, expect, it } from "vitest";
import {
  searchIndexText,
  searchQuery,
  searchQueryForms,
  searchTokens,
  searchWords,
  wordForms,
  wordStem,
} from "../../src/modules/search/analyzer";
import { matchExpression } from "../../src/modules/search/fts";
import { foldText } from "../../src/platform/text";

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

// ─── The analyzer's later rules: one word written two ways must share an indexed token ───────────────

/** The tokens a text is indexed under. */
const indexed = (text: string) => new Set(searchIndexText(text).tokens);
/** Whether a one-word query finds a one-word text: some form of the query word is an indexed token. */
const finds = (query: string, text: string) => {
  const words = searchQuery(query).words;
  const tokens = indexed(text);
  return words.length === 1 && words[0]!.forms.some((f) => tokens.has(f));
};

const MEET: [string, string, string][] = [
  ["ؤ ↔ ئ", "مسؤول", "مسئول"],
  ["ؤ ↔ ئ (plural)", "شؤون", "شئون"],
  ["يء ↔ ئ", "شيء", "شئ"],
  ["ئ ↔ ىء", "الشاطئ", "الشاطىء"],
  ["ئ ↔ ىء, plural", "المبادئ", "المبادىء"],
  ["ء ↔ ئ", "قراءة", "قرائة"],
  ["يء ↔ ئ (adjective)", "بطيء", "بطئ"],
  ["ء ↔ ئ (noun)", "ملء", "ملئ"],
  ["ء after و/ي dropped (dialect)", "شيء", "شي"],
  ["ء after و dropped (dialect)", "ضوء", "ضو"],
  ["ء after a long alef dropped", "سماء", "سما"],
  ["ئ written ي (colloquial)", "سائق", "سايق"],
  ["ئ written ي inside a plural", "وظائف", "وظايف"],
  ["ؤ written و", "مؤتمر", "موتمر"],
  ["ئ written ي (Gulf)", "بئر", "بير"],
  ["tanwin alef", "مهندسًا", "مهندس"],
  ["tanwin alef, clitic", "وشكرًا", "شكرا"],
  ["گ (Gulf) ↔ ق", "گهوة", "قهوة"],
  ["ڤ ↔ ف", "ڤيديو", "فيديو"],
  ["Arabic small high marks", "محمد\u0610", "محمد"],
  ["English plural", "cities", "city"],
  ["English plural (-ies ← -ie)", "movies", "movie"],
  ["English plural (-es)", "boxes", "box"],
  ["English plural (-sses)", "glasses", "glass"],
  ["English plural (-ses)", "courses", "course"],
  ["English possessive", "company's", "company"],
  ["English plural possessive", "analysts'", "analyst"],
];

const APART: [string, string, string][] = [
  ["ماء is not ما", "ماء", "ما"],
  ["سؤال is not سال", "سؤال", "سال"],
  ["كريم is not ك + ريم", "كريم", "ريم"],
  ["فكرة is not ف + كرة", "فكرة", "كرة"],
  ["كلية is not ك + ليه", "كلية", "ليه"],
  ["واحد is not و + احد", "واحد", "الاحد"],
  ["بطاقة is not ب + طاقة", "بطاقة", "طاقة"],
  ["كامل is not ك + امل", "كامل", "امل"],
  ["بعيد is not ب + عيد", "بعيد", "عيد"],
  ["فيصل is not ف + يصل", "فيصل", "يصل"],
  ["لجنة is not ل + جنة", "لجنة", "جنة"],
  ["كبير is not ك + بير", "كبير", "بير"],
  ["إلهام: ال with a hamza is not the article", "إلهام", "هام"],
  ["الآن is a word, not ال + ان", "الآن", "ان"],
  ["مدرسة is not مدرس", "مدرسة", "مدرس"],
  ["ذكي is not زكي", "ذكي", "زكي"],
  ["news is not new", "news", "new"],
  ["goods is not good", "goods", "good"],
  ["career is not car", "career", "car"],
  ["javascript is not java", "javascript", "java"],
];

describe("searchIndexText and searchQuery: spellings that meet", () => {
  it.each(MEET)("%s: %s ↔ %s", (_name, a, b) => {
    expect(finds(a, b), `query ${a} → text ${b}`).toBe(true);
    expect(finds(b, a), `query ${b} → text ${a}`).toBe(true);
  });
});

describe("searchIndexText and searchQuery: look-alikes that stay apart", () => {
  it.each(APART)("%s", (_name, a, b) => {
    expect(finds(a, b), `query ${a} → text ${b}`).toBe(false);
    expect(finds(b, a), `query ${b} → text ${a}`).toBe(false);
  });

  it("a listed whole word still loses a clitic of its own", () => {
    expect(finds("كريم", "وكريم")).toBe(true);
    expect(finds("فكرة", "بفكرة")).toBe(true);
    expect(finds("الهام", "والإلهام")).toBe(true);
    expect(wordForms("وكريم")).toEqual(["وكريم", "كريم"]);
  });
});

describe("searchWords: words glued across scripts and digits", () => {
  const SPLIT: [string, string, string[]][] = [
    ["article glued to a Latin word with tatweel", "الـAI", ["ai"]],
    ["clitic + article glued to a Latin word", "بالـiPhone", ["iphone"]],
    ["article before a Latin word, spaced", "الـ Excel", ["excel"]],
    ["hashtag with a year", "#رؤية2030", ["رويه", "2030"]],
    ["Hijri year with its era letter", "١٤٤٥هـ", ["1445"]],
    ["Gregorian year with its era letter", "٢٠٢٤م", ["2024"]],
    ["conjunction glued to a number", "و٢٠٣٠", ["2030"]],
    ["Latin word and number", "covid19", ["covid", "19"]],
    ["number and Latin letter", "5G", ["5", "g"]],
    ["Arabizi digits stay in their word", "jami3a 7abibi 3arabi", ["jami3a", "7abibi", "3arabi"]],
  ];
  it.each(SPLIT)("%s", (_name, text, words) => {
    expect(searchWords(text)).toEqual(words);
  });
});

describe("searchQuery: glued words and camelCase hashtags", () => {
  it("splits a camelCase hashtag and also matches it glued", () => {
    const q = searchQuery("#MachineLearning");
    expect(q.words.map((w) => w.word)).toEqual(["machine", "learning"]);
    expect(q.joins).toEqual([{ start: 0, end: 2, forms: ["machinelearning"] }]);
  });

  it("glues 2-3 words (every run), not longer queries", () => {
    expect(searchQuery("aa bb cc").joins.map((j) => [j.start, j.end])).toEqual([
      [0, 2],
      [0, 3],
      [1, 3],
    ]);
    expect(searchQuery("one two three four").joins).toEqual([]);
    expect(searchQuery("single").joins).toEqual([]);
  });

  it("two Arabic words also glue with the article on the second (ذكاء اصطناعي ↔ #الذكاءالاصطناعي)", () => {
    const [join] = searchQuery("ذكاء اصطناعي").joins;
    expect(join!.forms).toContain("ذكاءالاصطناعي");
    expect(indexed("#الذكاءالاصطناعي").has("ذكاءالاصطناعي")).toBe(true);
  });

  it("drops stop words, Arabizi articles included, unless nothing else is left", () => {
    expect(searchQuery("sabah el kheir").words.map((w) => w.word)).toEqual(["sabah", "kheir"]);
    expect(searchQuery("the").words.map((w) => w.word)).toEqual(["the"]);
  });
});

describe("matchExpression with glued runs", () => {
  it("adds each run as an alternative, prefixing what covers the last word", () => {
    expect(matchExpression([["a"], ["b"]], { joins: [{ start: 0, end: 2, forms: ["ab"] }] })).toBe(
      '(("a") AND ("b")) OR (("ab"))',
    );
    expect(
      matchExpression([["xa"], ["xb"], ["xc"]], {
        prefixLast: true,
        joins: [{ start: 0, end: 2, forms: ["xaxb"] }],
      }),
    ).toBe('(("xa") AND ("xb") AND ("xc" OR "xc"*)) OR (("xaxb") AND ("xc" OR "xc"*))');
  });

  it.each(['"', "a AND OR b", "{name}: x", "'; DROP TABLE posts; --", '"a" "b"', "x* y*"])(
    "user text never becomes FTS5 syntax, with runs: %s",
    (input) => {
      const q = searchQuery(input);
      const expr = matchExpression(
        q.words.map((w) => w.forms),
        { prefixLast: true, joins: q.joins },
      );
      if (expr === null) return;
      const outside = expr.replace(/"(?:[^"]|"")*"/g, "");
      expect(outside).toMatch(/^[\s()*]*(?:(?:AND|OR)[\s()*]*)*$/);
    },
  );
});
