/**
 * Text normalization shared by every module (and by the seed script, which imports this file).
 */

// Latin combining accents and Arabic harakat/tanwin/shadda/sukun, superscript alef, Quranic marks.
const DIACRITICS = /[\u0300-\u036F\u064B-\u065F\u0670\u06D6-\u06ED]/g;
// Tatweel, zero-width and bidi control characters, BOM.
const INVISIBLE = /[\u0640\u200B-\u200F\u202A-\u202E\u2060-\u2069\uFEFF]/g;
const LETTER_VARIANTS: Record<string, string> = {
  "\u0671": "\u0627", // ٱ alef wasla → ا (أ إ آ become ا through NFKD + diacritic removal)
  "\u0649": "\u064A", // ى alef maqsura → ي
  "\u06CC": "\u064A", // ی Farsi yeh → ي
  "\u0629": "\u0647", // ة teh marbuta → ه
  "\u06A9": "\u0643", // ک keheh → ك
};
const VARIANT_RE = new RegExp(`[${Object.keys(LETTER_VARIANTS).join("")}]`, "g");

/**
 * Folds the spellings of one word to one form, keeping spacing and punctuation as they are:
 * - Unicode compatibility form (NFKD): Arabic presentation forms and full-width Latin fold to base
 *   letters; hamza carriers (أ إ آ ؤ ئ) split into letter + mark, and the mark is dropped below.
 * - Latin accents and Arabic diacritics removed, tatweel and invisible characters removed.
 * - Arabic letter variants unified (ٱ→ا, ى/ی→ي, ة→ه, ک→ك); Arabic-Indic digits → 0-9.
 * - Lower-cased.
 * Building block for keys (names, hashtags) and search normalization.
 */
export function foldText(value: string): string {
  return value
    .normalize("NFKD")
    .replace(DIACRITICS, "")
    .replace(INVISIBLE, "")
    .replace(VARIANT_RE, (ch) => LETTER_VARIANTS[ch]!)
    .replace(/[\u0660-\u0669]/g, (d) => String(d.charCodeAt(0) - 0x0660))
    .replace(/[\u06F0-\u06F9]/g, (d) => String(d.charCodeAt(0) - 0x06f0))
    .normalize("NFC")
    .toLowerCase();
}

/**
 * A comparison key for names (companies, schools, skills): "same company / school / shared skill"
 * matching and case-insensitive de-duplication use it. foldText, then whitespace collapsed to single
 * spaces and trimmed.
 * Example: "  شركة  أرامكو " and "شركه ارامكو" give the same key; "Café" and "CAFE" too.
 */
export function normalizeKey(value: string): string {
  return foldText(value).replace(/\s+/g, " ").trim();
}

// ─── Hashtags, mentions, text direction (posts and comments; owned by the content module) ────────────

export const HASHTAG_MAX_LENGTH = 100;

// A tag starts at "#" not glued to a preceding word, URL path or entity ("a#b", "/#/x", "&#1" are not tags)
// and runs over letters, combining marks (harakat), digits and "_". Tatweel is a letter (Lm).
const HASHTAG_RE = /(?<![\p{L}\p{M}\p{N}_&/#@])[#＃]([\p{L}\p{M}\p{N}_]+)/gu;
const MENTION_RE = /(?<![\p{L}\p{M}\p{N}_@./])@([A-Za-z0-9_]{3,30})(?![A-Za-z0-9_@])/gu;
const URL_RE = /\bhttps?:\/\/\S+/giu;
const RTL_SCRIPT =
  /[\p{Script=Arabic}\p{Script=Hebrew}\p{Script=Syriac}\p{Script=Thaana}\p{Script=Nko}\p{Script=Adlam}]/u;

/**
 * The matching key of a hashtag (with or without "#"): foldText (case, Arabic letter variants, hamza
 * carriers, diacritics, tatweel, Arabic-Indic digits), so #الذكاء_الاصطناعي, #الذّكاء_الإصطناعي and
 * #الذكـــاء_الاصطناعى match. Returns null when what remains is not a tag (no letter, or too long).
 */
export function hashtagKey(tag: string): string | null {
  const key = foldText(tag.replace(/^[#＃]/, ""));
  if (!key || key.length > HASHTAG_MAX_LENGTH || !/\p{L}/u.test(key) || !/^[\p{L}\p{M}\p{N}_]+$/u.test(key))
    return null;
  return key;
}

export interface ExtractedHashtag {
  /** As written, without "#". */
  display: string;
  key: string;
}

/** Hashtags in order of first appearance, one per key (the first spelling wins as display form). */
export function extractHashtags(text: string): ExtractedHashtag[] {
  const seen = new Map<string, ExtractedHashtag>();
  for (const match of text.matchAll(HASHTAG_RE)) {
    const display = match[1]!;
    if (display.length > HASHTAG_MAX_LENGTH) continue;
    const key = hashtagKey(display);
    if (key && !seen.has(key)) seen.set(key, { display, key });
  }
  return [...seen.values()];
}

export interface ExtractedMention {
  /** Lower-cased (usernames are case-insensitive). */
  username: string;
  /** Offsets in UTF-16 code units (JavaScript string indices): start at "@", end exclusive. */
  start: number;
  end: number;
}

/** @username mentions (3-30 of a-z, 0-9, _), not inside e-mail addresses or URLs. */
export function extractMentions(text: string): ExtractedMention[] {
  const out: ExtractedMention[] = [];
  const withoutUrls = text.replace(URL_RE, (url) => " ".repeat(url.length));
  for (const match of withoutUrls.matchAll(MENTION_RE)) {
    out.push({ username: match[1]!.toLowerCase(), start: match.index, end: match.index + match[0].length });
  }
  return out;
}

/**
 * Text direction as HTML's dir="auto" decides it (the first strong letter), but ignoring URLs, @mentions
 * and #hashtags first, so "#AI في الرياض" is rtl. Text with no letters outside them falls back to the
 * first letter anywhere; text with no letter at all is ltr.
 */
export function detectTextDirection(text: string): "rtl" | "ltr" {
  const stripped = text.replace(URL_RE, " ").replace(MENTION_RE, " ").replace(HASHTAG_RE, " ");
  const first = /\p{L}/u.exec(stripped)?.[0] ?? /\p{L}/u.exec(text)?.[0];
  return first && RTL_SCRIPT.test(first) ? "rtl" : "ltr";
}

// ─── Search (owned by the search module; the same functions run at index and at query time) ─────────

// A word is a run of letters, marks and digits; everything else (spaces, punctuation, emoji, "_", "#", "@")
// separates words.
const WORD_RE = /[\p{L}\p{M}\p{N}]+/gu;
const ARABIC_LETTER = /\p{Script=Arabic}/u;

/**
 * Arabic proclitics, as they are written after foldText: an optional conjunction (و, ف), an optional
 * preposition (ب, ك, ل) and an optional article (ال; ل + ال is written لل). Longest first.
 */
const CLITICS: { prefix: string; article: boolean }[] = (() => {
  const out: { prefix: string; article: boolean }[] = [];
  for (const conj of ["", "و", "ف"]) {
    for (const prep of ["", "ب", "ك", "ل"]) {
      if (prep === "ل") out.push({ prefix: `${conj}لل`, article: true });
      else out.push({ prefix: `${conj}${prep}ال`, article: true });
      if (conj + prep) out.push({ prefix: conj + prep, article: false });
    }
  }
  return out.sort((a, b) => b.prefix.length - a.prefix.length);
})();
/** What must remain after a clitic: 2 letters after an article (الري), 3 otherwise (بدبي → دبي, not بلد → لد). */
const MIN_STEM_AFTER_ARTICLE = 2;
const MIN_STEM = 3;

/**
 * Words the query side ignores (unless the query has nothing else), so "مهندس في الرياض" finds
 * "مهندس بالرياض". Not على / إلى: folded they are "علي" (the name Ali) and "الي" (آلي, "automatic").
 */
const QUERY_STOPWORDS = new Set(
  "في من عن مع او ثم ان هذا هذه ذلك التي الذي و the a an of in at on for and or to with"
    .split(" ")
    .map(foldText),
);

/**
 * The words of a text for search: foldText (case, accents, tashkeel, tatweel, alef/yeh/teh-marbuta/hamza
 * forms, Arabic-Indic and Persian digits), then split on anything that is not a letter, mark or digit.
 * "مهندسـة في الرياض 🚀 #AI" → ["مهندسه", "في", "الرياض", "ai"].
 */
export function searchWords(text: string): string[] {
  return foldText(text).match(WORD_RE) ?? [];
}

/**
 * The forms one (already folded) word is indexed and queried under: the word itself, then the word
 * without each Arabic proclitic it may carry, and for an article the definite form too:
 * "بالرياض" → ["بالرياض", "الرياض", "رياض"], "والرياض" → ["والرياض", "الرياض", "رياض"],
 * "للرياض" → ["للرياض", "الرياض", "رياض", "لرياض"], "الرياض" → ["الرياض", "رياض"], "دبي" → ["دبي"].
 * The last form is the fully stripped stem. Latin words and digits have one form.
 * This is light stemming: it trades a little precision for recall ("كريم" is also indexed as "ريم").
 */
export function wordForms(word: string): string[] {
  const forms = [word];
  if (!ARABIC_LETTER.test(word)) return forms;
  let stem = word;
  for (const { prefix, article } of CLITICS) {
    if (!word.startsWith(prefix)) continue;
    const rest = word.slice(prefix.length);
    if (rest.length < (article ? MIN_STEM_AFTER_ARTICLE : MIN_STEM)) continue;
    if (article) forms.push(`ال${rest}`);
    forms.push(rest);
    if (rest.length < stem.length) stem = rest;
  }
  const unique = [...new Set(forms)].filter((f) => f !== stem);
  return [...unique, stem];
}

/** The stem of a folded word: its last form (what wordForms strips down to). */
export function wordStem(word: string): string {
  const forms = wordForms(word);
  return forms[forms.length - 1]!;
}

/**
 * The index side: every word of `text` with all its forms, space-separated tokens for FTS5 (stored
 * normalized) or Meilisearch. "سافرت بالرياض" → ["سافرت", "بالرياض", "الرياض", "رياض"].
 */
export function searchTokens(text: string): string[] {
  return searchWords(text).flatMap(wordForms);
}

/**
 * The query side: one group of forms per query word (a document matches a word when it has any of its
 * forms), stop words dropped unless nothing else is left, at most `maxWords` words.
 */
export function searchQueryForms(query: string, maxWords = 8): string[][] {
  const words = searchWords(query);
  const meaningful = words.filter((w) => !QUERY_STOPWORDS.has(w));
  return (meaningful.length > 0 ? meaningful : words).slice(0, maxWords).map(wordForms);
}
