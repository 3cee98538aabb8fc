import { is, Placeholder, type SQL, sql } from "drizzle-orm";
import { SQLiteAsyncDialect } from "drizzle-orm/sqlite-core";

/**
 * Read statements compiled once per isolate instead of on every request.
 *
 * Hot read paths (a post, feeds, comments, profiles, search) are single statements of a few kilobytes
 * assembled from the shared policy fragments (postVisibleTo, postJsonSql). Assembling one with drizzle's
 * sql`` tag and turning it into text took a fifth to a quarter of the Worker's CPU per request
 * (bench/profile.mjs). A `CompiledSql` builds the drizzle SQL once per variant, with placeholders where the
 * request's values go, and afterwards only binds values. The text is the same for every request of a
 * variant, so SQLite can also reuse its prepared statement where the runtime caches them.
 *
 * The viewer: the policy fragments take the viewer's id as a string and inline it (viewerRef), so the
 * builder is called with the well-formed stand-in id VIEWER_STAND_IN, and every occurrence of it, inlined
 * or bound, becomes the numbered parameter ?1. Other values are `p.name` placeholders, numbered in order of
 * first use; a placeholder used several times binds once (numbered parameters, so D1's limit of 100 bound
 * values is never near).
 */
// Time part 0 (1970), so no generated id can equal it; only id characters, so viewerRef inlines it.
export const VIEWER_STAND_IN = "000000000000000000VZEWER00";

const dialect = new SQLiteAsyncDialect();

type Slot = { kind: "viewer" } | { kind: "value"; name: string } | { kind: "constant"; value: unknown };

interface Compiled {
  text: string;
  slots: Slot[];
}

/** Numbers every `?` of drizzle's output (outside string literals and comments) and maps it to a slot. */
export function compile(query: SQL): Compiled {
  const { sql: raw, params } = dialect.sqlToQuery(query);
  const slots: Slot[] = [];
  const numberOf = new Map<string, number>();
  const slotNumber = (key: string, slot: Slot) => {
    let n = numberOf.get(key);
    if (n === undefined) {
      slots.push(slot);
      n = slots.length;
      numberOf.set(key, n);
    }
    return n;
  };
  const viewerNumber = () => slotNumber("viewer", { kind: "viewer" });
  let text = "";
  let next = 0;
  for (let i = 0; i < raw.length; i++) {
    const ch = raw[i]!;
    if (ch === "'") {
      const end = raw.indexOf("'", i + 1);
      if (end < 0) throw new Error("compiled SQL: unterminated string literal");
      // '' inside a literal is an escaped quote: the scan simply continues into the next "literal".
      const literal = raw.slice(i, end + 1);
      text += literal === `'${VIEWER_STAND_IN}'` ? `?${viewerNumber()}` : literal;
      i = end;
    } else if (ch === "-" && raw[i + 1] === "-") {
      const end = raw.indexOf("\n", i);
      i = end < 0 ? raw.length : end - 1;
    } else if (ch === "/" && raw[i + 1] === "*") {
      const end = raw.indexOf("*/", i + 2);
      if (end < 0) throw new Error("compiled SQL: unterminated comment");
      i = end + 1;
    } else if (ch === "?") {
      const param = params[next++];
      if (is(param, Placeholder)) {
        text += `?${slotNumber(`value:${param.name}`, { kind: "value", name: param.name })}`;
      } else if (param === VIEWER_STAND_IN) {
        text += `?${viewerNumber()}`;
      } else {
        slots.push({ kind: "constant", value: param });
        text += `?${slots.length}`;
      }
    } else {
      text += ch;
    }
  }
  if (next !== params.length) throw new Error("compiled SQL: parameter count mismatch");
  return { text, slots };
}

type Placeholders<V> = { readonly [K in keyof V]: SQL };

/**
 * A statement with variants (e.g. first page / later page). `build` receives the viewer (the stand-in id,
 * or undefined for anonymous readers), placeholders for the values, and the variant name.
 */
export class CompiledSql<V extends Record<string, unknown>, K extends string = "default"> {
  private readonly cache = new Map<string, Compiled>();

  constructor(
    private readonly build: (viewerId: string | undefined, p: Placeholders<V>, variant: K) => SQL,
  ) {}

  private compiled(anonymous: boolean, variant: K): Compiled {
    const key = `${variant}|${anonymous ? "anonymous" : "member"}`;
    let c = this.cache.get(key);
    if (!c) {
      const p = new Proxy({} as Placeholders<V>, {
        get: (_t, name) => sql`${sql.placeholder(String(name))}`,
      });
      c = compile(this.build(anonymous ? undefined : VIEWER_STAND_IN, p, variant));
      this.cache.set(key, c);
    }
    return c;
  }

  /** The bound statement, for db.batch(). */
  bind(
    d1: D1Database,
    viewerId: string | undefined,
    values: V,
    variant = "default" as K,
  ): D1PreparedStatement {
    const { text, slots } = this.compiled(viewerId === undefined, variant);
    const args = slots.map((s) => {
      if (s.kind === "viewer") return viewerId;
      if (s.kind === "constant") return s.value;
      const v = values[s.name];
      if (v === undefined) throw new Error(`compiled SQL: no value for "${s.name}"`);
      return v;
    });
    return d1.prepare(text).bind(...args);
  }

  async all<T>(d1: D1Database, viewerId: string | undefined, values: V, variant?: K): Promise<T[]> {
    return (await this.bind(d1, viewerId, values, variant).all<T>()).results;
  }

  async first<T>(
    d1: D1Database,
    viewerId: string | undefined,
    values: V,
    variant?: K,
  ): Promise<T | undefined> {
    return (await this.bind(d1, viewerId, values, variant).first<T>()) ?? undefined;
  }
}
