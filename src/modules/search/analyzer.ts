import { foldLetters, foldText } from "../../platform/text";

/**
 * The search analyzer; the same functions run at index and at query time.
 * One analyzer for every searchable type: an indexer calls searchIndexText(text) on each field, the query
 * side calls searchQuery(q). Both fold, split and expand words with the same functions, so a spelling on one
 * side always meets the same tokens on the other.
 */

// A word is a run of letters, marks and digits; everything else (spaces, punctuation, emoji, "_", "#", "@")
// separates words.
const WORD_RE = /[\p{L}\p{M}\p{N}]+/gu;
// Inside a word: Arabic letters, digits and other letters are separate words (الـAI, رؤية2030, covid19, ١٤٤٥هـ).
const PIECE_RE = /\p{Script=Arabic}+|\p{N}+|[^\p{Script=Arabic}\p{N}]+/gu;
const ARABIC_LETTER = /\p{Script=Arabic}/u;
const LATIN_WORD = /^[a-z]+$/;
// Arabizi writes ع ح خ ء ق as digits inside Latin words (jami3a, 7abibi, 3arabi): such a word stays whole.
const ARABIZI_WORD = /^(?:[a-z]*[a-z][2-9]+[a-z][a-z0-9]*|[2-9][a-z]{2,}[a-z0-9]*)$/;
// English possessive: "company's" → "company", "analysts'" → "analysts".
const POSSESSIVE_RE = /(?<=\p{L})['’ʼ]s(?![\p{L}\p{N}])|(?<=\p{L}s)['’ʼ](?![\p{L}\p{N}])/giu;

/** Letters Gulf, Iraqi, Levantine and Maghrebi writers borrow from Persian, folded to the letter MSA writes. */
const DIALECT_LETTERS: Record<string, string> = {
  "\u06AF": "\u0642", // گ → ق (Gulf and Iraqi: گهوة = قهوة)
  "\u06A8": "\u0642", // ڨ → ق (Maghreb)
  "\u06A4": "\u0641", // ڤ → ف
  "\u067E": "\u0628", // پ → ب
  "\u0686": "\u0643", // چ → ك (Gulf: چبير = كبير)
  "\u0698": "\u0632", // ژ → ز
};
const DIALECT_RE = new RegExp(`[${Object.keys(DIALECT_LETTERS).join("")}]`, "g");
/** Arabic small high signs and Quranic annotation marks (foldText keeps them; search drops them). */
const EXTRA_MARKS = /[\u0610-\u061A\u08D3-\u08E1\u08E3-\u08FF]/g;

function searchFold(text: string, keepHamza: boolean): string {
  return foldLetters(text, keepHamza)
    .replace(DIALECT_RE, (ch) => DIALECT_LETTERS[ch]!)
    .replace(EXTRA_MARKS, "");
}

/** A search word: folded (`w`), and the same letters with the hamza forms as written (`h`, same length). */
interface Word {
  w: string;
  h: string;
}

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
/** An article, or a clitic + article, with nothing after it (الـ written before a Latin word or a number). */
const ARTICLE_ONLY = new Set(CLITICS.filter((c) => c.article).map((c) => c.prefix));
/** What must remain after a clitic: 2 letters after an article (الري), 3 otherwise (بدبي → دبي, not بلد → لد). */
const MIN_STEM_AFTER_ARTICLE = 2;
const MIN_STEM = 3;

/**
 * Whole words that begin with the letters of a clitic (و ف ب ك ل, or ال) and must not be split: without
 * this list كريم would also be indexed as ريم (a name), فكرة as كرة (ball), واحد as احد (Sunday), كلية as
 * ليه, بطاقة as طاقة, كامل as امل, الهام as هام. A word on the list still loses a clitic of its own
 * (وكريم → كريم). Frequent words are listed whether or not their remainder happens to be a word today.
 */
const PROTECTED = new Set(
  `واحد واحدة وطن وطني وطنية وزير وزارة وزراء وظيفة وظائف وقت والد والدة والدي والدين وليد وليمة وسط
  وسيط وسيلة وسائل وصف وصل وصول وضع وجه وجهة وجود ورق ورقة ورشة وادي وكيل وكالة واقع واقعي واضح واجب
  واجهة وحدة وحيد وفد وفاة وفاء ولاية ولاء وثيقة وعد وقود وقف وقفة وهم ويب وايد ورد وردة وسام وئام وائل
  وديع واثق واسع وافد ورث وراثة وزن وفير وقاية وعاء وسيم وجبة وداع وارد
  فكرة فكر فريق فرصة فرص فندق فيلم فلسطين فلسطيني فرع فروع فترة فعالية فعاليات فعال فائز فايز فهد فاطمة
  فيصل فراس فريد فريدة فرح فرحة فرق فقط فقير فلوس فنان فنون فنية فوائد فائدة فاتورة فواتير فضاء فراغ
  فرنسا فرنسي فيديو فيروس فيزا فيسبوك فورا فوري فهم فهرس فئة فقه فلك فرد فتاة فتيات فتح فاتح فلاح فارس
  فطور فصول فاكهة فحص فيلا فنجان فوز فوزي فؤاد فادي فجر فخر فخور
  بحري بحرية برنامج بريد بنات بيان بداية بديل بلاد بطاقة بناء بيع بلدي بسمة بركة بدري باب بارك باسم بسام
  بشير بخيل بعيد بسيط بديع بريء بكاء بنين بنزين بطيء بقالة بيانات بلدية بيئة بيت برج بنك بنوك بطل بطولة
  بحث بحوث براءة بدر بشرى بدون باقي بنفسج بوابة بوصلة بيروت بغداد بلال بهاء بكرة
  كريم كبير كتاب كلام كلية كثير كرسي كامل كافي كاتب كلمة كمال كنز كويت كوب كهرباء كيان كرام كبار كلاب كشف
  كيس كفاءة كفيل كتف كرم كوادر كنيسة كاميرا كابتن كورس كوفي كيك كندا كمبيوتر كرتون كتب كتابة كتيب كبرى
  كيف كانت كنت كوكب كليب كود كوري كوريا كهف كعك كلمات كرامة كفاح كادر
  لبنان لحظة لقاء لاعب لجنة ليلى لعبة لوحة لؤي ليبيا لندن لطيف لقب لجين لمى لانا لمياء لوائح لياقة ليمون
  لاجئ لحن لازم لماذا لكنه لحوم لبيب لمسة لغات لمدة لوجستي لوجستية
  الله الآن الهام ألماني ألمانيا ألوان ألعاب ألفاظ ألقاب الماس آلاف آلات آلية آلي آلة ألبوم إلغاء إلزام`
    .split(/\s+/)
    .filter(Boolean)
    .map((w) => searchFold(w, false)),
);

/**
 * Words the query side ignores (unless the query has nothing else), so "مهندس في الرياض" finds
 * "مهندس بالرياض". Not على / إلى: folded they are "علي" (the name Ali) and "الي" (آلي, "automatic").
 * "al" and "el" are the article in Arabizi and in names ("sabah el kheir", "Al Rajhi").
 */
export const QUERY_STOPWORDS = new Set(
  "في من عن مع او ثم ان هذا هذه ذلك التي الذي و the a an of in at on for and or to with al el"
    .split(" ")
    .map(foldText),
);

/** Words ending in s that are not English plurals (news ≠ new, goods ≠ good). */
const NOT_PLURAL = new Set(
  `news goods means series species physics mathematics economics politics ethics always perhaps whereas
  towards afterwards sometimes nevertheless hers ours yours theirs chaos lens canvas atlas bias alias
  christmas texas paris dallas vegas jesus windows ios aws mars`
    .split(/\s+/)
    .filter(Boolean),
);

/** The singular forms of an English plural, the likeliest last: cities → citie, city; boxes → boxe, box. */
function englishSingulars(w: string): string[] {
  if (w.length < 4 || !w.endsWith("s") || NOT_PLURAL.has(w) || /(ss|us|is)$/.test(w)) return [];
  if (w.endsWith("ies") && w.length >= 5) return [w.slice(0, -1), `${w.slice(0, -3)}y`];
  if (w.endsWith("sses") || /(x|z|ch|sh)es$/.test(w)) return [w.slice(0, -1), w.slice(0, -2)];
  if (/(s|o)es$/.test(w) && w.length >= 5) return [w.slice(0, -2), w.slice(0, -1)];
  return [w.slice(0, -1)];
}

/**
 * Hamza folded away entirely: ؤ ئ ء (and ي/ى + ء) become one ء, أ إ آ become ا, so مسؤول/مسئول, شيء/شئ,
 * الشاطئ/الشاطىء, قراءة/قرائة meet. `h` is a word as written (with its hamza letters).
 */
function hamzaKey(h: string): string {
  return h
    .replace(/[\u0624\u0626]/g, "\u0621")
    .replace(/[\u064A\u0649]\u0621/g, "\u0621")
    .replace(/[\u0622\u0623\u0625]/g, "\u0627");
}

/**
 * The forms a word is indexed and queried under; the last one is its stem. A document matches a query word
 * when they share a form, so the stem alone decides matching and the longer forms only add weight (a post
 * with the word exactly as typed matches more forms of it and ranks higher).
 * - Arabic: the word without each proclitic it may carry, with the definite form for an article
 *   ("بالرياض" → بالرياض, الرياض, رياض), unless it is a whole word (PROTECTED) or ال carries a hamza
 *   (ألوان); then the stem without its tanwin alef ("مهندسا" → مهندس) and its hamza-free spellings.
 * - English: the singulars of a plural ("cities" → citie, city).
 * - Digits and other scripts: the word itself.
 * This is light stemming: suffixes (ون ين ات ة) are not removed, so مهندس does not match مهندسة.
 */
function formsOf(word: string, hamza: string = word): string[] {
  const forms = [word];
  if (!ARABIC_LETTER.test(word)) {
    if (LATIN_WORD.test(word)) forms.push(...englishSingulars(word));
    return [...new Set(forms)];
  }
  let stem = word;
  let stemHamza = hamza;
  if (!PROTECTED.has(word)) {
    for (const { prefix, article } of CLITICS) {
      if (!word.startsWith(prefix)) continue;
      const rest = word.slice(prefix.length);
      if (rest.length < (article ? MIN_STEM_AFTER_ARTICLE : MIN_STEM)) continue;
      if (article) {
        // ال written with a hamza (ألوان, إلهام, بألوان) belongs to the word, and so does that of a listed word.
        if (prefix.endsWith("ال") && hamza[prefix.length - 2] !== "\u0627") continue;
        if (PROTECTED.has(`ال${rest}`)) continue;
        forms.push(`ال${rest}`);
      } else if (prefix.length === 2 && PROTECTED.has(word.slice(1))) {
        continue; // وكريم is و + كريم, never و + ك + ريم
      }
      forms.push(rest);
      if (rest.length < stem.length) {
        stem = rest;
        stemHamza = hamza.slice(prefix.length);
      }
    }
  }
  const extra: string[] = [];
  // Tanwin alef (مهندسًا, شكرًا, عامًا): the stem without it too.
  if (stem.endsWith("\u0627") && stem.length >= MIN_STEM + 1 && !PROTECTED.has(stem)) {
    extra.push(stem);
    stem = stem.slice(0, -1);
    stemHamza = stemHamza.slice(0, -1);
  }
  // Hamza spellings: one key for every carrier, and the word without a standalone ء, as dialects write it
  // (سماء → سما, شيء → شي, ضوء → ضو), but never down to two letters otherwise (ماء is not ما).
  if (/[\u0621-\u0626]/.test(stemHamza)) {
    extra.push(hamzaKey(stemHamza));
    const bare = stem.replaceAll("\u0621", "");
    if (bare.length >= MIN_STEM || (bare.length === 2 && /[\u0648\u064A]\u0621$/.test(stem)))
      extra.push(bare);
  }
  const all = [...forms, ...extra].filter((f) => f !== stem);
  return [...new Set(all), stem];
}

/** Splits one folded word at script and digit boundaries, dropping glued articles and era letters. */
function pieces(w: string, h: string, out: Word[]): void {
  const parts = ARABIZI_WORD.test(w) ? [] : [...w.matchAll(PIECE_RE)];
  if (parts.length <= 1) {
    if (!ARTICLE_ONLY.has(w)) out.push({ w, h });
    return;
  }
  for (const part of parts) {
    const pw = part[0];
    // الـAI, بالـiPhone, و٢٠٣٠: the clitic belongs to the next word; ٢٠٢٤م, ١٤٤٥هـ: the letter is the era.
    if (ARABIC_LETTER.test(pw) && (ARTICLE_ONLY.has(pw) || pw.length === 1)) continue;
    out.push({ w: pw, h: h.slice(part.index, part.index + pw.length) });
  }
}

function analyze(text: string): Word[] {
  const cleaned = text.replace(POSSESSIVE_RE, "");
  const folded = searchFold(cleaned, false);
  const written = searchFold(cleaned, true);
  const aligned = folded.length === written.length;
  const out: Word[] = [];
  for (const match of folded.matchAll(WORD_RE)) {
    const w = match[0];
    pieces(w, aligned ? written.slice(match.index, match.index + w.length) : w, out);
  }
  return out;
}

/**
 * The words of a text for search: foldText (case, accents, tashkeel, tatweel, alef/yeh/teh-marbuta/hamza
 * forms, Arabic-Indic and Persian digits) plus the dialect letters گ ڨ ڤ پ چ ژ and the small Quranic marks,
 * split on anything that is not a letter, mark or digit, and between Arabic letters, digits and other
 * letters. "مهندسـة في الرياض 🚀 #AI" → ["مهندسه", "في", "الرياض", "ai"]; "الـAI" → ["ai"].
 */
export function searchWords(text: string): string[] {
  return analyze(text).map((x) => x.w);
}

/**
 * The forms one (already folded) word is indexed and queried under (see formsOf): "بالرياض" →
 * ["بالرياض", "الرياض", "رياض"], "للرياض" → ["للرياض", "الرياض", "لرياض", "رياض"], "دبي" → ["دبي"],
 * "كريم" → ["كريم"]. The last form is the stem.
 */
export function wordForms(word: string): string[] {
  return formsOf(word);
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
  return searchIndexText(text).tokens;
}

/**
 * What an indexer stores for one field, whatever the type (people, posts, and any type added later):
 * `tokens` for the full-text index, and `stems` (one per word, 3+ characters, at least one letter) for the
 * vocabulary that typo tolerance looks candidates up in.
 */
export function searchIndexText(text: string): { tokens: string[]; stems: string[] } {
  const tokens: string[] = [];
  const stems = new Set<string>();
  for (const { w, h } of analyze(text)) {
    const forms = formsOf(w, h);
    tokens.push(...forms);
    const stem = forms[forms.length - 1]!;
    if (stem.length >= 3 && /\p{L}/u.test(stem)) stems.add(stem);
  }
  return { tokens, stems: [...stems] };
}

export interface QueryWord {
  /** The folded word as typed. */
  word: string;
  /** Its forms (stem last), as on the index side. */
  forms: string[];
}

/** Adjacent query words written as one (a hashtag without separators): words start..end-1 glued. */
export interface QueryJoin {
  start: number;
  end: number;
  forms: string[];
}

/** Queries of up to this many words also match their words glued together (#MachineLearning, #رؤية2030). */
const MAX_JOINED_WORDS = 3;

/**
 * The query side: the words to match (stop words dropped unless nothing else is left, at most `maxWords`),
 * each with its forms, and for short queries the same words glued together. A hashtag typed in camelCase is
 * split into its words first ("#MachineLearning" → machine learning), so it also finds the words in text.
 */
export function searchQuery(query: string, maxWords = 8): { words: QueryWord[]; joins: QueryJoin[] } {
  const camel = query.replace(/[#＃]([\p{L}\p{M}\p{N}_]+)/gu, (_all, tag: string) =>
    tag.replace(/(\p{Ll})(\p{Lu})/gu, "$1 $2").replace(/(\p{Lu})(\p{Lu}\p{Ll})/gu, "$1 $2"),
  );
  const all = analyze(camel);
  const meaningful = all.filter((x) => !QUERY_STOPWORDS.has(x.w));
  const chosen = (meaningful.length > 0 ? meaningful : all).slice(0, maxWords);
  const words = chosen.map(({ w, h }) => ({ word: w, forms: formsOf(w, h) }));
  const joins: QueryJoin[] = [];
  if (chosen.length >= 2 && chosen.length <= MAX_JOINED_WORDS) {
    for (let start = 0; start < chosen.length - 1; start++) {
      for (let end = start + 2; end <= chosen.length; end++) {
        const span = chosen.slice(start, end);
        const glued = formsOf(span.map((x) => x.w).join(""), span.map((x) => x.h).join(""));
        // Two words: also every form of the first glued to every form of the second, which may take the
        // article the way an Arabic adjective agrees (ذكاء اصطناعي ↔ #الذكاءالاصطناعي).
        const pairs =
          end - start === 2
            ? words[start]!.forms.flatMap((a) => {
                const second = words[start + 1]!.forms;
                const stem = second[second.length - 1]!;
                const withArticle = ARABIC_LETTER.test(stem) ? [...second, `ال${stem}`] : second;
                return withArticle.map((b) => a + b);
              })
            : [];
        const stem = glued[glued.length - 1]!;
        joins.push({ start, end, forms: [...new Set([...glued, ...pairs].filter((f) => f !== stem)), stem] });
      }
    }
  }
  return { words, joins };
}

/**
 * The query words' forms: one group per query word (a document matches a word when it has any of its
 * forms), stop words dropped unless nothing else is left, at most `maxWords` words.
 */
export function searchQueryForms(query: string, maxWords = 8): string[][] {
  return searchQuery(query, maxWords).words.map((w) => w.forms);
}
