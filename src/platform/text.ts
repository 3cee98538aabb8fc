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
  return foldLetters(value, false);
}

// Alef, waw, yeh and alef maqsura followed (after NFKD, possibly across harakat) by madda or hamza above/below.
const HAMZA_SEQUENCE = /([\u0627\u0648\u064A\u0649])([\u064B-\u0652\u0670]*)([\u0653-\u0655])/g;
const HAMZA_LETTER: Record<string, string> = {
  "\u0627\u0653": "\u0622", // آ
  "\u0627\u0654": "\u0623", // أ
  "\u0627\u0655": "\u0625", // إ
  "\u0648\u0654": "\u0624", // ؤ
  "\u064A\u0654": "\u0626", // ئ
  "\u0649\u0654": "\u0626", // ىٔ → ئ
};

/**
 * foldText, or (keepHamza) the same folding with the hamza letters أ إ آ ؤ ئ kept. Both give strings of the
 * same length, letter for letter, so a search word can be read in both (the search analyzer).
 */
export function foldLetters(value: string, keepHamza: boolean): string {
  let s = value.normalize("NFKD");
  if (keepHamza) {
    s = s.replace(HAMZA_SEQUENCE, (all, base: string, marks: string, mark: string) =>
      HAMZA_LETTER[base + mark] ? HAMZA_LETTER[base + mark] + marks : all,
    );
  }
  return s
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
