import { searchWords, wordForms } from "./analyzer";

/**
 * Spellings of one word that no letter rule joins: a name written in Latin and in Arabic letters, and the
 * dialect spellings of a word. A query word also matches the other spellings of its group (as extra forms,
 * so a post with the spelling as typed still ranks first). Both engines use this one list: the D1 engine
 * adds the forms to the MATCH expression (analysis.ts), Meilisearch gets it as its `synonyms` setting.
 *
 * Only spellings of the same word belong here: no translations ("engineer" ≠ مهندس), no near meanings, and
 * no spelling that is also another common word (ابل is Apple and camels, عمان is Oman and Amman), nor one
 * that begins another name (جافا begins جافا سكريبت, so Java is not listed).
 * A spelling of several words is matched glued (فيسبوك) and as a phrase (فيس بوك, الجافا سكريبت).
 */
const GROUPS: string[][] = [
  // Companies, products and tools Arabic posts name in both scripts.
  ["google", "جوجل", "قوقل", "غوغل"],
  ["facebook", "فيسبوك", "فيس بوك"],
  ["twitter", "تويتر"],
  ["instagram", "انستقرام", "انستغرام", "انستجرام", "إنستغرام"],
  ["whatsapp", "واتساب", "واتس اب", "واتسآب"],
  ["youtube", "يوتيوب"],
  ["linkedin", "لينكدان", "لينكدإن", "لينكد ان"],
  ["tiktok", "تيك توك", "تيكتوك"],
  ["snapchat", "سناب شات", "سنابشات"],
  ["telegram", "تيليجرام", "تلغرام", "تليجرام"],
  ["zoom", "زووم"],
  ["iphone", "ايفون", "آيفون"],
  ["ipad", "ايباد", "آيباد"],
  ["android", "اندرويد", "أندرويد"],
  ["microsoft", "مايكروسوفت"],
  ["amazon", "امازون", "أمازون"],
  ["samsung", "سامسونج", "سامسونغ"],
  ["netflix", "نتفليكس"],
  ["uber", "اوبر", "أوبر"],
  ["chatgpt", "شات جي بي تي"],
  ["python", "بايثون"],
  ["javascript", "جافاسكربت", "جافا سكربت", "جافاسكريبت", "جافا سكريبت"],
  ["excel", "اكسل", "إكسل"],
  ["powerpoint", "باوربوينت", "بوربوينت"],
  ["photoshop", "فوتوشوب"],
  ["figma", "فيجما", "فيغما"],
  ["email", "ايميل", "إيميل"],
  ["online", "اونلاين", "أونلاين"],
  ["laptop", "لابتوب"],
  ["aramco", "ارامكو", "أرامكو"],
  ["sabic", "سابك"],
  ["neom", "نيوم"],
  ["expo", "اكسبو", "إكسبو"],
  // Cities and countries.
  ["riyadh", "الرياض"],
  ["jeddah", "jedda", "جدة"],
  ["dammam", "الدمام"],
  ["dubai", "دبي"],
  ["sharjah", "الشارقة"],
  ["doha", "الدوحة"],
  ["kuwait", "الكويت"],
  ["bahrain", "البحرين"],
  ["qatar", "قطر"],
  ["muscat", "مسقط"],
  ["cairo", "القاهرة"],
  ["alexandria", "الإسكندرية"],
  ["beirut", "بيروت"],
  ["baghdad", "بغداد"],
  ["istanbul", "إسطنبول", "اسطنبول"],
  ["london", "لندن"],
  ["paris", "باريس"],
  ["egypt", "مصر"],
  ["jordan", "الأردن"],
  ["lebanon", "لبنان"],
  ["iraq", "العراق"],
  ["tunisia", "تونس"],
  ["algeria", "الجزائر"],
  ["sudan", "السودان"],
  ["yemen", "اليمن"],
  ["syria", "سوريا"],
  // Dialect spellings of one word (Egyptian and Levantine ث→ت, ذ→د; Gulf چ for ك and ش; ض/ظ).
  ["كثير", "كتير"],
  ["ثلاث", "تلات"],
  ["ثلاثة", "تلاتة"],
  ["ذهب", "دهب"],
  ["ضابط", "ظابط"],
  ["شاي", "چاي", "تشاي"],
  ["ثلج", "تلج"],
  ["ثاني", "تاني"],
  ["ثانية", "تانية"],
  ["ثمن", "تمن"],
  ["ذقن", "دقن"],
];

/**
 * The terms that find a spelling in the index: its folded word and stem (both are indexed: "بايثون" →
 * بايثون, ايثون); for several words, the same of the glued words, and the words as an FTS5 phrase: the stem
 * of each word but the last (a word's stem is its last token), then the last word as written.
 */
function termsOf(spelling: string): string[] {
  const words = searchWords(spelling);
  const glued = wordForms(words.join(""));
  const terms = [glued[0]!, glued[glued.length - 1]!];
  if (words.length > 1) {
    const stems = words.slice(0, -1).map((w) => wordForms(w));
    // A middle word is adjacent to both neighbours only when it has a single form.
    if (stems.slice(1).every((f) => f.length === 1)) {
      terms.push([...stems.map((f) => f[f.length - 1]!), words[words.length - 1]!].join(" "));
    }
  }
  return [...new Set(terms)];
}

/** Any form of a spelling → the terms of the other spellings of its group. */
const SYNONYMS: Map<string, string[]> = (() => {
  const map = new Map<string, Set<string>>();
  for (const group of GROUPS) {
    const members = group.map((spelling) => ({
      forms: wordForms(searchWords(spelling).join("")),
      terms: termsOf(spelling),
    }));
    for (const member of members) {
      for (const form of member.forms) {
        const others = map.get(form) ?? new Set<string>();
        for (const other of members) if (other !== member) for (const t of other.terms) others.add(t);
        map.set(form, others);
      }
    }
  }
  return new Map([...map].map(([k, v]) => [k, [...v].filter((t) => t !== k)]));
})();

/** The other spellings (folded words and stems) of a word, given its forms; empty for most words. */
export function synonymsOf(forms: readonly string[]): string[] {
  return [...new Set(forms.flatMap((f) => SYNONYMS.get(f) ?? []))].filter((t) => !forms.includes(t));
}

/** The list as Meilisearch's `synonyms` setting (the query is sent as stems, documents hold every form). */
export function meiliSynonyms(): Record<string, string[]> {
  return Object.fromEntries(SYNONYMS);
}
