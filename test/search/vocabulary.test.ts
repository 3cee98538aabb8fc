import { describe, expect, it } from "vitest";
import { queryMatch } from "../../src/modules/search/analysis";
import { searchQuery, wordStem } from "../../src/modules/search/analyzer";
import { synonymsOf } from "../../src/modules/search/synonyms";
import {
  arabicSkeleton,
  arabiziSkeletons,
  candidatesFor,
  deletionKeys,
  editDistance,
  lookupKeys,
  phoneticKey,
  termKeys,
  vocabularyEntries,
} from "../../src/modules/search/vocabulary";

/** The rows a lookup of `stem`'s keys would return from a vocabulary of `terms`. */
function lookup(stem: string, terms: string[]) {
  const keys = new Set(lookupKeys(stem));
  return terms.flatMap((term) =>
    termKeys(term)
      .filter((k) => keys.has(k))
      .map((key) => ({ key, term })),
  );
}

describe("typo keys (symmetric deletion)", () => {
  it("files a stem under itself and itself minus each character", () => {
    expect(deletionKeys("رياض")).toEqual(["ياض", "راض", "ريض", "ريا"]);
    expect(termKeys("engineer")).toEqual(expect.arrayContaining(["engineer", "enginer", "ngineer"]));
  });

  it("does not file short stems or numbers", () => {
    expect(deletionKeys("علم")).toEqual([]);
    expect(deletionKeys("2030")).toEqual([]);
    expect(lookupKeys("ab")).toEqual([]);
  });

  it("keeps a lookup bounded: at most a stem's length plus three keys", () => {
    const stem = "internationalization";
    expect(lookupKeys(stem).length).toBeLessThanOrEqual(stem.length + 3);
  });

  it.each([
    ["substitution", "مهندص", "مهندس"],
    ["deletion", "mangement", "management"],
    ["insertion", "sofftware", "software"],
    ["transposition", "recruitmnet", "recruitment"],
    ["Arabic deletion", "تكنلوجيا", "تكنولوجيا"],
    ["Arabic transposition", "مسشتفي", "مستشفي"],
  ])("a one-edit %s finds the word (%s → %s)", (_kind, typo, word) => {
    expect(editDistance(typo, word)).toBe(1);
    expect(candidatesFor([typo], lookup(typo, [word, "unrelated", "مختلف"]))).toEqual([word]);
  });

  it("drops words two edits away and never corrects below four characters", () => {
    expect(editDistance("zubay", "zubaydah")).toBe(3);
    expect(candidatesFor(["zubay"], lookup("zubay", ["zubaydah"]))).toEqual([]);
    expect(candidatesFor(["كلب"], lookup("كلب", ["قلب", "كتب"]))).toEqual([]);
  });

  it("keeps a few candidates of each kind, closest in length first", () => {
    const terms = ["cart", "care", "core", "cure", "cord", "carb", "carp"];
    const found = candidatesFor(["cars"], lookup("cars", terms));
    expect(found.length).toBeLessThanOrEqual(4);
    expect(found.every((t) => editDistance("cars", t) === 1)).toBe(true);
  });
});

describe("dialect spellings (phonetic key)", () => {
  it.each([
    ["كتير", "كثير"],
    ["دهب", "ذهب"],
    ["ظابط", "ضابط"],
    ["تلات", "ثلاث"],
  ])("%s meets %s", (a, b) => {
    expect(phoneticKey(a)).toBe(phoneticKey(b));
    expect(candidatesFor([a], lookup(a, [b]))).toContain(b);
  });

  it("does not merge ذ with ز (ذكي is not زكي)", () => {
    expect(phoneticKey("ذكي")).not.toBe(phoneticKey("زكي"));
  });
});

describe("Arabizi", () => {
  it.each([
    ["mohandes", "مهندس"],
    ["madani", "مدني"],
    ["kahraba", "كهرباء"],
    ["jami3a", "جامعه"],
    ["7abibi", "حبيبي"],
    ["shukran", "شكر"],
    ["mabrook", "مبروك"],
    ["sabah", "صباح"],
    ["kheir", "خير"],
    ["3ayez", "عايز"],
    ["barmaga", "برمجه"],
    ["mashroo3", "مشروع"],
  ])("%s reads as %s", (latin, arabic) => {
    expect(arabiziSkeletons(latin)).toContain(arabicSkeleton(arabic));
    expect(candidatesFor([latin], lookup(latin, [arabic]))).toContain(arabic);
  });

  it("only reads Latin words, and only as Arabic words", () => {
    expect(arabiziSkeletons("مهندس")).toEqual([]);
    expect(arabiziSkeletons("2030")).toEqual([]);
    expect(candidatesFor(["mohandes"], lookup("mohandes", ["mohandis"]))).toEqual(["mohandis"]);
  });
});

describe("the vocabulary an indexer writes", () => {
  it("is one entry per distinct stem of 3+ characters, with its keys", () => {
    const entries = vocabularyEntries(["رياض", "رياض", "ai", "engineer"]);
    expect(entries.map(([t]) => t)).toEqual(["رياض", "engineer"]);
    expect(entries[0]![1]).toEqual(termKeys("رياض"));
  });
});

describe("spellings list (synonyms)", () => {
  it("matches a name in both scripts, and stays out of the stem", () => {
    const [python] = queryMatch("python").groups;
    expect(python).toEqual(expect.arrayContaining(["python", "بايثون"]));
    expect(python![python!.length - 1]).toBe("python");
    const [riyadh] = queryMatch("بالرياض").groups;
    expect(riyadh).toEqual(expect.arrayContaining(["riyadh", "رياض"]));
    expect(riyadh![riyadh!.length - 1]).toBe("رياض");
  });

  it("matches a spelling of several words glued and as a phrase", () => {
    expect(synonymsOf(["javascript"])).toEqual(expect.arrayContaining(["جافاسكريبت", "جاف سكريبت"]));
    expect(synonymsOf(searchQuery("facebook").words[0]!.forms)).toEqual(
      expect.arrayContaining(["فيسبوك", "فيس بوك"]),
    );
  });

  it("joins dialect spellings of one word both ways", () => {
    expect(synonymsOf([wordStem("كثير")])).toContain("كتير");
    expect(synonymsOf([wordStem("كتير")])).toContain("كثير");
  });

  it("leaves other words alone (no translations, no look-alike names)", () => {
    expect(synonymsOf(["engineer"])).toEqual([]);
    expect(synonymsOf(["java"])).toEqual([]);
    expect(synonymsOf(["كريم"])).toEqual([]);
  });
});
