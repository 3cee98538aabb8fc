/**
 * The subset of JSON Schema (OpenAPI 3.1) that /openapi.json uses, for the reliability harness:
 * `$ref` into components, allOf/anyOf/oneOf, type (also as a list), enum/const, string length, pattern and
 * format (date-time, uri), number bounds, array items and sizes, object properties/required/
 * additionalProperties. Lengths count UTF-16 code units, like zod (and like the API says in its info).
 * An unknown keyword that constrains values makes `validate` throw, so the harness cannot silently pass
 * a document it does not understand.
 */
export type Schema = {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  items?: Schema;
  enum?: unknown[];
  const?: unknown;
  allOf?: Schema[];
  anyOf?: Schema[];
  oneOf?: Schema[];
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minItems?: number;
  maxItems?: number;
  pattern?: string;
  format?: string;
  default?: unknown;
  example?: unknown;
  description?: string;
  [key: string]: unknown;
};

export interface OpenApiDoc {
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, Schema> };
}

export interface Parameter {
  name: string;
  in: "path" | "query" | "header" | "cookie";
  required?: boolean;
  schema: Schema;
}

export interface Operation {
  operationId?: string;
  summary?: string;
  security?: Record<string, string[]>[];
  parameters?: Parameter[];
  requestBody?: { required?: boolean; content: Record<string, { schema: Schema }> };
  responses: Record<string, { description: string; content?: Record<string, { schema: Schema }> }>;
}

/** Keywords that only annotate; everything else must be understood by `validate`. */
const ANNOTATIONS = new Set([
  "description",
  "example",
  "examples",
  "default",
  "title",
  "deprecated",
  "readOnly",
]);
const KNOWN = new Set([
  "$ref",
  "type",
  "properties",
  "required",
  "additionalProperties",
  "items",
  "enum",
  "const",
  "allOf",
  "anyOf",
  "oneOf",
  "minLength",
  "maxLength",
  "minimum",
  "maximum",
  "exclusiveMinimum",
  "exclusiveMaximum",
  "minItems",
  "maxItems",
  "pattern",
  "format",
]);

export class SchemaSet {
  private readonly patterns = new Map<string, RegExp>();

  constructor(readonly doc: OpenApiDoc) {}

  /** Follows `$ref` (to #/components/schemas/...) until a schema without one. */
  resolve(schema: Schema): Schema {
    let s = schema;
    for (let hops = 0; s.$ref; hops++) {
      if (hops > 20) throw new Error(`$ref loop at ${schema.$ref}`);
      const m = /^#\/components\/schemas\/(.+)$/.exec(s.$ref);
      const target = m ? this.doc.components?.schemas?.[m[1]!] : undefined;
      if (!target) throw new Error(`unresolvable $ref ${s.$ref}`);
      // Sibling keywords of a $ref (OpenAPI 3.1 allows them) apply too.
      const { $ref: _, ...siblings } = s;
      s = Object.keys(siblings).length > 0 ? { allOf: [target, siblings] } : target;
    }
    return s;
  }

  /**
   * One flat schema for generating values: resolves refs and merges allOf branches (properties and
   * required are united, the tighter bound wins). Not used for validation, which applies allOf exactly.
   */
  flatten(schema: Schema): Schema {
    const s = this.resolve(schema);
    if (!s.allOf) return s;
    const { allOf, ...rest } = s;
    let out: Schema = {};
    for (const part of [...allOf.map((p) => this.flatten(p)), rest]) out = mergeSchemas(out, part);
    return out;
  }

  private regex(pattern: string): RegExp {
    let re = this.patterns.get(pattern);
    if (!re) {
      re = new RegExp(pattern, "u");
      this.patterns.set(pattern, re);
    }
    return re;
  }

  /**
   * Every way `value` breaks `schema`, as "path: reason" strings (empty when it conforms).
   *
   * `closed`: an object schema that declares properties and says nothing about others accepts no others
   * (as if it said `additionalProperties: false`). The document only closes request bodies (zod
   * `.strict()`); response schemas are open, so a response that leaks a field nobody declared (an email, a
   * private flag) would validate. The harness checks responses closed. Properties declared by any branch
   * of an `allOf` count for all of its branches.
   */
  validate(value: unknown, schema: Schema, path = "$", opts: { closed?: boolean } = {}): string[] {
    // One problem once, however many allOf branches saw it.
    return [...new Set(this.check(value, schema, path, opts.closed ?? false, undefined))];
  }

  /** Property names a schema declares (through $ref and every allOf/anyOf/oneOf branch). */
  private declared(schema: Schema, out = new Set<string>(), depth = 0): Set<string> {
    if (depth > 20) return out;
    const s = this.resolve(schema);
    for (const k of Object.keys(s.properties ?? {})) out.add(k);
    for (const key of ["allOf", "anyOf", "oneOf"] as const)
      for (const part of s[key] ?? []) this.declared(part, out, depth + 1);
    return out;
  }

  private check(
    value: unknown,
    schema: Schema,
    path: string,
    closed: boolean,
    siblings: Set<string> | undefined,
  ): string[] {
    if (schema.$ref) return this.check(value, this.resolve(schema), path, closed, siblings);
    for (const key of Object.keys(schema)) {
      if (!KNOWN.has(key) && !ANNOTATIONS.has(key)) throw new Error(`${path}: unsupported keyword "${key}"`);
    }
    const errs: string[] = [];
    if (schema.allOf) {
      const together = new Set(siblings);
      for (const k of this.declared(schema)) together.add(k);
      for (const part of schema.allOf) errs.push(...this.check(value, part, path, closed, together));
    }
    for (const key of ["anyOf", "oneOf"] as const) {
      const branches = schema[key];
      if (!branches) continue;
      const own = new Set(siblings);
      for (const k of Object.keys(schema.properties ?? {})) own.add(k);
      const results = branches.map((b) => this.check(value, b, path, closed, own));
      const passing = results.filter((r) => r.length === 0).length;
      if (passing === 0) {
        errs.push(`${path}: matches no ${key} branch (${results.map((r) => r[0]).join(" | ")})`);
      } else if (key === "oneOf" && passing > 1) {
        errs.push(`${path}: matches ${passing} oneOf branches`);
      }
    }
    if (schema.enum && !schema.enum.some((e) => sameJson(e, value))) {
      errs.push(`${path}: ${short(value)} not in enum ${JSON.stringify(schema.enum)}`);
    }
    if ("const" in schema && !sameJson(schema.const, value))
      errs.push(`${path}: expected const ${short(schema.const)}`);
    if (schema.type !== undefined) {
      const types = Array.isArray(schema.type) ? schema.type : [schema.type];
      if (!types.some((t) => hasType(value, t))) {
        errs.push(`${path}: expected ${types.join("|")}, got ${typeName(value)} ${short(value)}`);
        return errs;
      }
    }
    if (typeof value === "string") {
      if (schema.minLength !== undefined && value.length < schema.minLength)
        errs.push(`${path}: shorter than ${schema.minLength}`);
      if (schema.maxLength !== undefined && value.length > schema.maxLength)
        errs.push(`${path}: longer than ${schema.maxLength}`);
      if (schema.pattern !== undefined && !this.regex(schema.pattern).test(value))
        errs.push(`${path}: ${short(value)} does not match /${schema.pattern}/`);
      if (schema.format === "date-time" && !isDateTime(value))
        errs.push(`${path}: not a date-time ${short(value)}`);
      if (schema.format === "uri" && !isUri(value)) errs.push(`${path}: not a uri ${short(value)}`);
    }
    if (typeof value === "number") {
      if (schema.minimum !== undefined && value < schema.minimum)
        errs.push(`${path}: ${value} < ${schema.minimum}`);
      if (schema.maximum !== undefined && value > schema.maximum)
        errs.push(`${path}: ${value} > ${schema.maximum}`);
      if (schema.exclusiveMinimum !== undefined && value <= schema.exclusiveMinimum)
        errs.push(`${path}: ${value} <= ${schema.exclusiveMinimum}`);
      if (schema.exclusiveMaximum !== undefined && value >= schema.exclusiveMaximum)
        errs.push(`${path}: ${value} >= ${schema.exclusiveMaximum}`);
    }
    if (Array.isArray(value)) {
      if (schema.minItems !== undefined && value.length < schema.minItems)
        errs.push(`${path}: fewer than ${schema.minItems} items`);
      if (schema.maxItems !== undefined && value.length > schema.maxItems)
        errs.push(`${path}: more than ${schema.maxItems} items`);
      if (schema.items)
        value.forEach((v, i) => {
          errs.push(...this.check(v, schema.items!, `${path}[${i}]`, closed, undefined));
        });
    }
    if (isPlainObject(value)) {
      for (const key of schema.required ?? [])
        if (!(key in value)) errs.push(`${path}: missing required "${key}"`);
      const props = schema.properties ?? {};
      const closedHere =
        schema.additionalProperties === false ||
        (closed && schema.additionalProperties === undefined && schema.properties !== undefined);
      for (const [key, v] of Object.entries(value)) {
        if (props[key]) errs.push(...this.check(v, props[key], `${path}.${key}`, closed, undefined));
        else if (typeof schema.additionalProperties === "object")
          errs.push(...this.check(v, schema.additionalProperties, `${path}.${key}`, closed, undefined));
        else if (closedHere && !siblings?.has(key))
          errs.push(`${path}: unexpected property "${key}" (not in the documented schema)`);
      }
    }
    return errs;
  }
}

function mergeSchemas(a: Schema, b: Schema): Schema {
  const out: Schema = { ...a, ...b };
  if (a.properties || b.properties) out.properties = { ...a.properties, ...b.properties };
  if (a.required || b.required) out.required = [...new Set([...(a.required ?? []), ...(b.required ?? [])])];
  for (const k of ["minLength", "minimum", "minItems"] as const) {
    if (a[k] !== undefined && b[k] !== undefined) out[k] = Math.max(a[k]!, b[k]!);
  }
  for (const k of ["maxLength", "maximum", "maxItems"] as const) {
    if (a[k] !== undefined && b[k] !== undefined) out[k] = Math.min(a[k]!, b[k]!);
  }
  if (a.type !== undefined && b.type !== undefined) {
    const ta = [a.type].flat();
    const both = [b.type].flat().filter((t) => ta.includes(t));
    out.type = both.length === 1 ? both[0]! : both;
  }
  return out;
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function hasType(v: unknown, t: string): boolean {
  switch (t) {
    case "null":
      return v === null;
    case "boolean":
      return typeof v === "boolean";
    case "string":
      return typeof v === "string";
    case "number":
      return typeof v === "number" && Number.isFinite(v);
    case "integer":
      return typeof v === "number" && Number.isInteger(v);
    case "array":
      return Array.isArray(v);
    case "object":
      return isPlainObject(v);
    default:
      throw new Error(`unsupported type "${t}"`);
  }
}

function typeName(v: unknown): string {
  return v === null ? "null" : Array.isArray(v) ? "array" : typeof v;
}

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
function isDateTime(s: string): boolean {
  return DATE_TIME.test(s) && !Number.isNaN(Date.parse(s));
}

function isUri(s: string): boolean {
  try {
    new URL(s);
    return true;
  } catch {
    return false;
  }
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export function short(v: unknown, max = 80): string {
  let s: string;
  try {
    s = JSON.stringify(v) ?? String(v);
  } catch {
    s = String(v);
  }
  return s.length > max ? `${s.slice(0, max)}…(${s.length} chars)` : s;
}
