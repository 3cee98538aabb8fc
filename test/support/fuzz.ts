import { isPlainObject, type Schema, type SchemaSet } from "./jsonschema";

/**
 * Schema-driven input generation for the reliability harness: valid values for a JSON schema (with
 * fixture hints, so ids point at real objects), then hostile mutations of them. Deterministic: every
 * choice comes from a seeded RNG, so a failure replays exactly.
 */

export interface Rng {
  next(): number;
  int(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
  chance(p: number): boolean;
  shuffle<T>(items: T[]): T[];
}

/** mulberry32: small, fast, good enough for test-input choices. */
export function seededRng(seed: number): Rng {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  return {
    next,
    int,
    pick: (items) => items[int(0, items.length - 1)]!,
    chance: (p) => next() < p,
    shuffle: (items) => {
      for (let i = items.length - 1; i > 0; i--) {
        const j = int(0, i);
        [items[i], items[j]] = [items[j]!, items[i]!];
      }
      return items;
    },
  };
}

/** FNV-1a, to derive a stable seed from an operation's name. */
export function seedOf(text: string, base = 0x5eed): number {
  let h = 0x811c9dc5 ^ base;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/** A well-formed id that names nothing. */
export function randomUlid(r: Rng): string {
  let s = "";
  for (let i = 0; i < 26; i++) s += CROCKFORD[i === 0 ? r.int(0, 7) : r.int(0, 31)];
  return s;
}

/** Hostile strings: control and bidi characters, broken UTF-16, scripts, sizes. */
export const EDGE_STRINGS: readonly (readonly [string, string])[] = [
  ["empty", ""],
  ["whitespace", " \t\n "],
  ["nul", "a\u0000b"],
  ["lone-high-surrogate", "x\uD800y"],
  ["lone-low-surrogate", "\uDC00"],
  ["bidi-override", "\u202Egnp.exe\u202C"],
  ["bidi-isolate", "\u2066abc\u2069\u2067"],
  ["zero-width", "a\u200B\u200C\u200D\uFEFFb"],
  ["rtl-arabic", "مرحبا بالعالم، هذا نص عربي"],
  ["mixed-direction", "abc مرحبا 123 ‏def‎"],
  ["emoji", "👨‍👩‍👧‍👦🇸🇦👍🏽"],
  ["combining", `e${"\u0301".repeat(300)}`],
  ["control-chars", "\u0007\u001b[31mred\u007f"],
  ["crlf-injection", "a\r\nSet-Cookie: x=1"],
  ["sql", "' OR 1=1; DROP TABLE users; --"],
  ["html", '<script>alert("x")</script>'],
  ["format", "%s%n%x{0}$" + "{x}"],
  ["dot-path", "../../../etc/passwd"],
  ["huge-100k", "x".repeat(100_000)],
  ["huge-arabic-100k", "م".repeat(100_000)],
];

/** Strings for URL parts (path and query), where 100k characters is also tried. */
export const EDGE_URL_STRINGS: readonly (readonly [string, string])[] = [
  ...EDGE_STRINGS.filter(([k]) => k !== "huge-arabic-100k" && k !== "empty"),
  ["percent", "%"],
  ["encoded-slash", "a/b"],
  ["dots", ".."],
];

/** Samples for every `pattern` the document uses; a new pattern must be added here (the run says so). */
const PATTERN_SAMPLES: Record<string, (r: Rng) => string> = {
  "^[0-9A-HJKMNP-TV-Z]{26}$": randomUlid,
  "^(19|20)\\d{2}-(0[1-9]|1[0-2])$": (r) => `${r.int(1990, 2024)}-${String(r.int(1, 12)).padStart(2, "0")}`,
  "^[A-Za-z0-9_-]{1,64}$": (r) => `c-${r.int(0, 1e9).toString(36)}`,
  "^[a-z0-9_]{3,30}$": (r) => `fz_${r.int(0, 1e9).toString(36)}`,
  "^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$": (r) => r.pick(["ar", "en", "fr", "ar-SA", "en-GB"]),
  "^\\S+$": () => "https://example.com/fuzz",
  "^\\d{6}$": (r) => String(r.int(100000, 999999)),
};

/** Emoji patterns (the document has carried them in more than one spelling). */
const EMOJI = ["👍", "❤️", "😂", "🎉", "👨‍👩‍👧", "🇸🇦"];

export function samplePattern(pattern: string, r: Rng, example?: unknown): string {
  const make = PATTERN_SAMPLES[pattern];
  if (make) return make(r);
  if (pattern.includes("Extended_Pictographic")) return r.pick(EMOJI);
  if (typeof example === "string") return example;
  throw new Error(
    `fuzz: no sample for pattern /${pattern}/; add one to PATTERN_SAMPLES in test/support/fuzz.ts`,
  );
}

const WORDS = ["مرحبا", "majlis", "سلام", "hello", "عمل", "test", "شبكة", "fuzz", "١٢٣", "data"];

/** A value by property name (fixture ids, the member's own password...), tried before the schema. */
export type Hints = Record<string, () => unknown>;

export interface GenOptions {
  /** "all" includes every optional property, "min" only required ones, "some" a random subset. */
  optional: "all" | "min" | "some";
}

/** A valid value for `schema` (as far as the document can say; fixture hints fill in real ids). */
export function generate(
  set: SchemaSet,
  schema: Schema,
  r: Rng,
  hints: Hints = {},
  opts: GenOptions = { optional: "some" },
  name?: string,
  depth = 0,
): unknown {
  if (name && hints[name]) return hints[name]!();
  const s = set.flatten(schema);
  if (s.enum)
    return r.pick(s.enum.filter((v) => v !== null).length ? s.enum.filter((v) => v !== null) : s.enum);
  if ("const" in s) return s.const;
  const branches = s.anyOf ?? s.oneOf;
  if (branches) {
    const nonNull = branches.filter((b) => set.flatten(b).type !== "null");
    return generate(set, r.pick(nonNull.length ? nonNull : branches), r, hints, opts, undefined, depth);
  }
  const types = [s.type ?? (s.properties ? "object" : "string")].flat().filter((t) => t !== "null");
  const type = types[0] ?? "null";
  switch (type) {
    case "null":
      return null;
    case "boolean":
      return r.chance(0.5);
    case "integer":
    case "number": {
      const min = s.minimum ?? (s.exclusiveMinimum !== undefined ? s.exclusiveMinimum + 1 : 0);
      const max = Math.min(s.maximum ?? min + 100, min + 100);
      return type === "integer" ? r.int(Math.ceil(min), Math.floor(max)) : min + r.next() * (max - min);
    }
    case "string": {
      if (s.format === "binary") return new Uint8Array([1, 2, 3]);
      if (s.pattern) return samplePattern(s.pattern, r, s.example);
      if (s.format === "date-time") return new Date(Date.now() + r.int(1, 30) * 86_400_000).toISOString();
      if (s.format === "uri") return `https://example.com/${r.pick(WORDS)}`;
      if (s.format === "email" || name === "email") return `fuzz${r.int(0, 1e9)}@example.com`;
      const min = s.minLength ?? 0;
      const max = Math.min(s.maxLength ?? 40, Math.max(min, 40));
      let out = "";
      while (out.length < Math.max(min, 1)) out += `${out ? " " : ""}${r.pick(WORDS)}`;
      return out.slice(0, max).trim().padEnd(min, "x");
    }
    case "array": {
      if (depth > 4) return [];
      const min = s.minItems ?? 0;
      const max = Math.min(s.maxItems ?? 3, Math.max(min, 3));
      const n = opts.optional === "min" ? min : r.int(Math.max(min, opts.optional === "all" ? 1 : 0), max);
      return Array.from({ length: n }, () =>
        generate(set, s.items ?? {}, r, hints, opts, undefined, depth + 1),
      );
    }
    case "object": {
      const out: Record<string, unknown> = {};
      const required = new Set(s.required ?? []);
      for (const [key, prop] of Object.entries(s.properties ?? {})) {
        const include =
          required.has(key) ||
          (depth < 3 && (opts.optional === "all" || (opts.optional === "some" && r.chance(0.5))));
        if (include) out[key] = generate(set, prop, r, hints, opts, key, depth + 1);
      }
      return out;
    }
    default:
      throw new Error(`fuzz: cannot generate type ${type}`);
  }
}

/** A body mutation: a JSON value to send, or raw text with its own content type. */
export type BodyCase =
  | { label: string; json: unknown; contentType?: string }
  | { label: string; raw: string; contentType?: string | null };

/** `[[[…]]]` nested `depth` deep, written as text (building it as a value would also work, but slower). */
export function deepArrayText(depth: number): string {
  return `${"[".repeat(depth)}1${"]".repeat(depth)}`;
}

export function deepObjectText(depth: number): string {
  return `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`;
}

/** Wrong-typed stand-ins for a value of the given schema type. */
function wrongTypes(type: string): [string, unknown][] {
  const all: Record<string, [string, unknown]> = {
    string: ["string", "not-a-number"],
    number: ["number", 12345],
    float: ["float", 1.5],
    boolean: ["boolean", true],
    array: ["array", ["x"]],
    object: ["object", { x: 1 }],
  };
  const wrong = Object.entries(all)
    .filter(
      ([k]) => k !== type && !(type === "number" && k === "float") && !(type === "integer" && k === "number"),
    )
    .map(([, v]) => v);
  return wrong;
}

const NUMBERS: [string, number][] = [
  ["negative", -1],
  ["zero", 0],
  ["min-safe", -Number.MAX_SAFE_INTEGER],
  ["2^63", 2 ** 63],
  ["1e308", 1e308],
  ["float", 0.5],
  ["tiny", 5e-324],
];

interface Slot {
  path: string[];
  schema: Schema;
  required: boolean;
}

/** Every property (two levels deep) of an object body, with its schema. */
function slotsOf(set: SchemaSet, schema: Schema, value: unknown, path: string[] = [], depth = 0): Slot[] {
  const s = set.flatten(schema);
  if (!isPlainObject(value) || !s.properties) return [];
  const slots: Slot[] = [];
  const required = new Set(s.required ?? []);
  for (const [key, prop] of Object.entries(s.properties)) {
    slots.push({ path: [...path, key], schema: prop, required: required.has(key) });
    if (depth < 1 && key in value) slots.push(...slotsOf(set, prop, value[key], [...path, key], depth + 1));
  }
  return slots;
}

function setAt(value: unknown, path: string[], v: unknown | typeof REMOVE): unknown {
  const copy = structuredClone(value) as Record<string, unknown>;
  let node: Record<string, unknown> = copy;
  for (const key of path.slice(0, -1)) {
    if (!isPlainObject(node[key])) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  const last = path[path.length - 1]!;
  if (v === REMOVE) delete node[last];
  else node[last] = v;
  return copy;
}
const REMOVE = Symbol("remove");

/** Marker replaced in the serialized body by a deeply nested value (too deep to build and stringify). */
const DEEP_MARK = "__DEEP_10K__";

/** Mutations of one valid body: per-property wrong types, edge strings and numbers, sizes, shapes. */
export function propertyMutations(set: SchemaSet, schema: Schema, valid: unknown): BodyCase[] {
  const cases: BodyCase[] = [];
  for (const slot of slotsOf(set, schema, valid)) {
    const at = slot.path.join(".");
    const s = set.flatten(slot.schema);
    const type = [s.type ?? (s.properties ? "object" : s.enum ? "string" : "string")]
      .flat()
      .find((t) => t !== "null")!;
    if (slot.required) cases.push({ label: `missing ${at}`, json: setAt(valid, slot.path, REMOVE) });
    cases.push({ label: `null ${at}`, json: setAt(valid, slot.path, null) });
    for (const [k, v] of wrongTypes(type))
      cases.push({ label: `${k} for ${type} ${at}`, json: setAt(valid, slot.path, v) });
    if (type === "string") {
      for (const [k, v] of EDGE_STRINGS)
        cases.push({ label: `${k} ${at}`, json: setAt(valid, slot.path, v) });
      if (s.enum) cases.push({ label: `unknown enum ${at}`, json: setAt(valid, slot.path, "NOT_A_VALUE") });
    }
    if (type === "integer" || type === "number") {
      for (const [k, v] of NUMBERS) cases.push({ label: `${k} ${at}`, json: setAt(valid, slot.path, v) });
      cases.push({ label: `numeric string ${at}`, json: setAt(valid, slot.path, "1") });
    }
    if (type === "array") {
      const item = generate(set, s.items ?? {}, seededRng(1), {}, { optional: "min" });
      cases.push({
        label: `10k items ${at}`,
        json: setAt(
          valid,
          slot.path,
          Array.from({ length: 10_000 }, () => item),
        ),
      });
      cases.push({ label: `empty array ${at}`, json: setAt(valid, slot.path, []) });
      cases.push({ label: `nested arrays ${at}`, json: setAt(valid, slot.path, [[["x"]]]) });
      cases.push({
        label: `edge items ${at}`,
        json: setAt(
          valid,
          slot.path,
          EDGE_STRINGS.slice(0, 12).map(([, v]) => v),
        ),
      });
    }
    if (type === "object") {
      cases.push({ label: `extra nested property ${at}`, json: setAt(valid, slot.path, { unexpected: 1 }) });
    }
    cases.push({
      label: `deep 10k ${at}`,
      raw: JSON.stringify(setAt(valid, slot.path, DEEP_MARK)).replace(
        `"${DEEP_MARK}"`,
        deepArrayText(10_000),
      ),
    });
  }
  return cases;
}

/** Mutations of the whole body: other JSON types, broken JSON, content types, size, nesting, extras. */
export function bodyShapeMutations(valid: unknown): BodyCase[] {
  const validText = JSON.stringify(valid);
  return [
    {
      label: "extra property",
      json: isPlainObject(valid) ? { ...valid, isAdmin: true, role: "admin" } : valid,
    },
    {
      label: "__proto__ pollution",
      raw: `{"__proto__":{"isAdmin":true},"constructor":{"prototype":{"x":1}}${validText.length > 2 ? `,${validText.slice(1)}` : "}"}`,
    },
    { label: "empty object", json: {} },
    { label: "array body", json: [valid] },
    { label: "string body", json: "hello" },
    { label: "number body", json: 42 },
    { label: "null body", json: null },
    { label: "malformed JSON", raw: '{"a": ' },
    { label: "trailing garbage", raw: `${validText} garbage` },
    { label: "empty body", raw: "" },
    { label: "deep array 10k", raw: deepArrayText(10_000) },
    { label: "deep object 10k", raw: deepObjectText(10_000) },
    { label: "text/plain content type", raw: validText, contentType: "text/plain" },
    { label: "no content type", raw: validText, contentType: null },
    { label: "form content type", raw: "a=1&b=2", contentType: "application/x-www-form-urlencoded" },
    {
      label: "over body limit (300 KB)",
      json: isPlainObject(valid) ? { ...valid, pad: "x".repeat(300_000) } : "x".repeat(300_000),
    },
    { label: "BOM prefix", raw: `\uFEFF${validText}` },
    {
      label: "duplicate keys",
      raw: validText.length > 2 ? `{"a":1,"a":2,${validText.slice(1)}` : '{"a":1,"a":2}',
    },
  ];
}
