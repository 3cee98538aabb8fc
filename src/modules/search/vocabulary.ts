/**
 * The search vocabulary (table search_terms, migrations/0021_search_terms.sql): every word stem the indexer
 * has seen (analyzer.ts searchIndexText), filed under lookup keys, so a query word that matches nothing
 * can be corrected with a few index seeks instead of a scan of the vocabulary:
 * - typo keys: the stem itself and the stem minus any one character (symmetric deletion). Two words share a
 *   key when they are one insertion, deletion, substitution or transposition apart (and a few two-edit
 *   pairs, which the candidate check drops). Stems of 4+ characters without digits.
 * - "~" + a phonetic key (Arabic): ث→ت, ذ→د, ظ→ض, ء dropped, so the Egyptian, Levantine and Gulf spellings
 *   كتير/كثير, دهب/ذهب, ظابط/ضابط meet.
 * - "@" + a consonant skeleton (Arabic), the same skeleton a Latin word gets read as Arabizi: "mohandes" and
 *   مهندس are both "mhnds".
 * Rows are only added (a word that disappears from every document stays a harmless candidate); a rebuild
 * re-adds what is current.
 */

/** Stems shorter than this are never corrected (too many neighbours), nor filed under deletion keys. */
export const MIN_TYPO_LENGTH = 4;
/** Candidates kept per query word, by kind. */
const MAX_TYPO = 4;
const MAX_PHONETIC = 3;
const MAX_ARABIZI = 4;
/** Rows one lookup may read, whatever the query (bounded cost at any vocabulary size). */
export const MAX_LOOKUP_ROWS = 400;

const ARABIC = /\p{Script=Arabic}/u;
const HAS_DIGIT = /\p{N}/u;

/** The stem minus each one of its characters (distinct, 3+ characters). */
export function deletionKeys(stem: string): string[] {
  const chars = [...stem];
  if (chars.length < MIN_TYPO_LENGTH || HAS_DIGIT.test(stem)) return [];
  const out = new Set<string>();
  for (let i = 0; i < chars.length; i++) out.add([...chars.slice(0, i), ...chars.slice(i + 1)].join(""));
  out.delete(stem);
  return [...out];
}

const PHONETIC: Record<string, string> = { ث: "ت", ذ: "د", ظ: "ض", ء: "" };

/** The phonetic key of an Arabic stem (letters that dialects pronounce, and often write, alike). */
export function phoneticKey(stem: string): string {
  return stem.replace(/[ثذظء]/g, (ch) => PHONETIC[ch]!);
}

const ARABIC_SKELETON: Record<string, string> = {
  ب: "b",
  ت: "t",
  ث: "t",
  ج: "j",
  ح: "h",
  خ: "x",
  د: "d",
  ذ: "z",
  ر: "r",
  ز: "z",
  س: "s",
  ش: "S",
  ص: "s",
  ض: "d",
  ط: "t",
  ظ: "z",
  ع: "3",
  غ: "g",
  ف: "f",
  ق: "k",
  ك: "k",
  ل: "l",
  م: "m",
  ن: "n",
  ه: "h",
  و: "w",
  ي: "y",
};

const collapse = (s: string) => s.replace(/(.)\1+/g, "$1");

/**
 * The consonant skeleton of an Arabic stem, as Arabizi writes it: long vowels (ا ى, and و ي after the first
 * letter), hamza and a final ه/ة are not written; emphatic and plain letters share a symbol (ص/س, ض/د, ط/ت).
 */
export function arabicSkeleton(stem: string): string {
  const chars = [...stem];
  let out = "";
  chars.forEach((ch, i) => {
    if ((ch === "و" || ch === "ي") && i > 0) return;
    if (ch === "ه" && i === chars.length - 1 && i > 0) return;
    out += ARABIC_SKELETON[ch] ?? "";
  });
  return collapse(out);
}

const LATIN_DIGRAPHS: [RegExp, string][] = [
  [/x/g, "ks"],
  [/sh|ch/g, "S"],
  [/kh/g, "x"],
  [/gh/g, "G"],
  [/th/g, "t"],
  [/dh/g, "z"],
  [/ph/g, "f"],
];
const ARABIZI_DIGITS: Record<string, string> = {
  "2": "",
  "3": "3",
  "5": "x",
  "6": "t",
  "7": "h",
  "8": "G",
  "9": "s",
};
const LATIN_LETTERS: Record<string, string> = { g: "j", q: "k", c: "k", v: "f", p: "b", G: "g" };

/**
 * The skeletons a Latin word may have read as Arabizi (3 = ع, 7 = ح, 5 = خ, 2 = ء; vowels unwritten; a final
 * "h" or the "n" of tanwin "-an" may or may not be a letter): "mohandes" → mhnds, "shukran" → Skrn, Skr.
 */
export function arabiziSkeletons(word: string): string[] {
  if (!/^[a-z0-9]+$/.test(word) || !/[a-z]/.test(word)) return [];
  let s = word;
  for (const [re, to] of LATIN_DIGRAPHS) s = s.replace(re, to);
  let out = "";
  [...s].forEach((ch, i) => {
    if ("aeiou".includes(ch)) return;
    if ((ch === "w" || ch === "y") && i > 0) return;
    out += ARABIZI_DIGITS[ch] ?? LATIN_LETTERS[ch] ?? ch;
  });
  out = collapse(out);
  const keys = new Set([out]);
  if (out.length > 2 && out.endsWith("h")) keys.add(out.slice(0, -1));
  if (out.length > 2 && /an$/.test(word)) keys.add(out.slice(0, -1));
  return [...keys].filter((k) => k.length >= 2);
}

/** Every key a stem is filed under (see the header). */
export function termKeys(stem: string): string[] {
  const keys = [stem, ...deletionKeys(stem)];
  if (ARABIC.test(stem)) {
    keys.push(`~${phoneticKey(stem)}`);
    const skeleton = arabicSkeleton(stem);
    if (skeleton.length >= 2) keys.push(`@${skeleton}`);
  }
  return keys;
}

/** The keys to look up for a query stem that matched nothing. */
export function lookupKeys(stem: string): string[] {
  if ([...stem].length < 3) return [];
  const keys = HAS_DIGIT.test(stem) ? [] : [stem, ...deletionKeys(stem)];
  if (ARABIC.test(stem)) keys.push(`~${phoneticKey(stem)}`);
  else keys.push(...arabiziSkeletons(stem).map((k) => `@${k}`));
  return keys;
}

/** Optimal string alignment distance (Levenshtein plus adjacent transpositions), capped at `max + 1`. */
export function editDistance(a: string, b: string, max = 2): number {
  const x = [...a];
  const y = [...b];
  if (Math.abs(x.length - y.length) > max) return max + 1;
  const d = Array.from({ length: x.length + 1 }, (_, i) =>
    Array.from({ length: y.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= x.length; i++) {
    for (let j = 1; j <= y.length; j++) {
      const cost = x[i - 1] === y[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && x[i - 1] === y[j - 2] && x[i - 2] === y[j - 1])
        v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return Math.min(d[x.length]![y.length]!, max + 1);
}

/**
 * The candidates for a query word that matched nothing (`words`: the word as typed and its stem), from the
 * rows (key, term) a lookup of their keys returned: words one edit away (4+ characters on at least one
 * side; unless `typos` is false), same-sounding Arabic spellings, and for a Latin word the Arabic words
 * with its Arabizi skeleton. Best first, a few of each kind.
 */
export function candidatesFor(
  words: readonly string[],
  rows: { key: string; term: string }[],
  { typos = true }: { typos?: boolean } = {},
): string[] {
  const keys = new Set(words.flatMap(lookupKeys));
  const typo = new Set<string>();
  const phonetic = new Set<string>();
  const arabizi = new Set<string>();
  const stem = words[words.length - 1]!;
  const length = [...stem].length;
  for (const { key, term } of rows) {
    if (words.includes(term) || !keys.has(key)) continue;
    if (key.startsWith("~")) phonetic.add(term);
    else if (key.startsWith("@")) arabizi.add(term);
    else if (
      typos &&
      words.some(
        (w) => Math.max([...w].length, [...term].length) >= MIN_TYPO_LENGTH && editDistance(w, term, 1) <= 1,
      )
    ) {
      typo.add(term);
    }
  }
  const byCloseness = (a: string, b: string) =>
    Math.abs([...a].length - length) - Math.abs([...b].length - length) || (a < b ? -1 : a > b ? 1 : 0);
  return [
    ...new Set([
      ...[...phonetic].sort(byCloseness).slice(0, MAX_PHONETIC),
      ...[...typo].sort(byCloseness).slice(0, MAX_TYPO),
      ...[...arabizi].sort(byCloseness).slice(0, MAX_ARABIZI),
    ]),
  ];
}

/** The vocabulary rows of a set of stems, as [term, keys] pairs for the indexer's JSON parameter. */
export function vocabularyEntries(stems: Iterable<string>): [string, string[]][] {
  return [...new Set(stems)].filter((s) => [...s].length >= 3).map((s) => [s, termKeys(s)]);
}
