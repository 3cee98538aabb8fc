import { type ErrorCode, errorStatus } from "../../src/platform/errors";
import { isPlainObject, type OpenApiDoc, type Operation, type SchemaSet, short } from "../support/jsonschema";

/**
 * The harness's oracles, pure (no workerd): what is wrong with the document, and with one response. The
 * unit tier (test/unit/oracle.test.ts) checks that each one catches the fault it is named after.
 */
export interface Op {
  method: string;
  path: string;
  key: string;
  op: Operation;
}

/** The operations of a document, as "METHOD /path" keys. */
export function operationsOf(doc: OpenApiDoc): Op[] {
  const ops: Op[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      if (!["get", "post", "put", "patch", "delete"].includes(method)) continue;
      ops.push({ method: method.toUpperCase(), path, key: `${method.toUpperCase()} ${path}`, op });
    }
  }
  return ops;
}

/**
 * Mistakes in the document itself that responses would only sometimes reveal: a nullable reference that
 * can never be null (allOf of a $ref and a null type), a named component that is nullable everywhere (a
 * `.nullable()` on a named zod schema: also loosens request bodies), and a `pattern` written as a JS regex
 * literal (with its flags), which matches nothing.
 */
export function lintDocument(doc: OpenApiDoc): string[] {
  const problems: string[] = [];
  const hasNull = (s: unknown) => isPlainObject(s) && [s.type].flat().includes("null");
  const walk = (node: unknown, at: string) => {
    if (Array.isArray(node)) {
      node.forEach((n, i) => {
        walk(n, `${at}/${i}`);
      });
    }
    if (!isPlainObject(node)) return;
    if (
      Array.isArray(node.allOf) &&
      node.allOf.some((b) => isPlainObject(b) && b.$ref) &&
      node.allOf.some(hasNull)
    ) {
      problems.push(
        `${at}: a nullable $ref written as allOf can never be null: use orNull() from src/platform/openapi.ts`,
      );
    }
    if (typeof node.pattern === "string" && /\/[dgimsuyv]+$/.test(node.pattern)) {
      problems.push(
        `${at}: pattern ${JSON.stringify(node.pattern)} ends with regex flags, so it matches nothing`,
      );
    }
    for (const [k, v] of Object.entries(node)) walk(v, `${at}/${k}`);
  };
  walk(doc, "#");
  for (const [name, schema] of Object.entries(doc.components?.schemas ?? {})) {
    if (hasNull(schema)) {
      problems.push(
        `#/components/schemas/${name} is nullable everywhere it is used (a .nullable() on the named schema): use orNull() from src/platform/openapi.ts where null is meant`,
      );
    }
  }
  return problems;
}

/** An operation that takes a bearer token; `anonymousAllowed` when its security also lists `{}` (or none). */
export function authOf(op: Operation): { bearer: boolean; anonymousAllowed: boolean } {
  const security = op.security ?? [];
  const bearer = security.some((s) => "bearerAuth" in s);
  const anonymousAllowed = security.length === 0 || security.some((s) => Object.keys(s).length === 0);
  return { bearer, anonymousAllowed };
}

export function pathParams(op: Operation): string[] {
  return (op.parameters ?? []).filter((p) => p.in === "path").map((p) => p.name);
}

/** Fills `{name}` in a path template; values are encoded (a lone surrogate is sent as broken UTF-8). */
export function fillPath(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const v = values[name];
    if (v === undefined) throw new Error(`no value for path parameter {${name}} of ${template}`);
    return encodeLoose(v);
  });
}

export function encodeLoose(v: string): string {
  try {
    return encodeURIComponent(v);
  } catch {
    return v
      .split(/([\uD800-\uDFFF])/)
      .map((part) => (/^[\uD800-\uDFFF]$/.test(part) ? "%ED%A0%80" : encodeURIComponent(part)))
      .join("");
  }
}

export interface Sent {
  status: number;
  contentType: string;
  text: string;
}

/**
 * Problems with one response: a 5xx, a status the operation does not document (429 is accepted
 * everywhere: limits are per member or IP and the harness trips them on purpose), an error outside the
 * envelope or with a code whose catalog status differs, or a JSON body that breaks the documented schema,
 * read as closed (a property the schema does not declare fails: see SchemaSet.validate).
 */
export function checkResponse(set: SchemaSet, op: Operation, res: Sent): string[] {
  const problems: string[] = [];
  if (res.status >= 500) problems.push(`server error ${res.status}: ${short(res.text, 300)}`);
  const documented = op.responses[String(res.status)];
  if (!documented && res.status !== 429)
    problems.push(`undocumented status ${res.status}: ${short(res.text, 200)}`);
  if (res.status === 204 || res.status === 304) {
    if (res.text !== "") problems.push(`${res.status} with a body: ${short(res.text)}`);
    return problems;
  }
  let body: unknown;
  const isJson = res.contentType.includes("application/json");
  if (isJson) {
    try {
      body = JSON.parse(res.text);
    } catch {
      problems.push(`invalid JSON body: ${short(res.text)}`);
      return problems;
    }
  }
  if (res.status >= 400) {
    if (!isJson) {
      problems.push(`error ${res.status} is not JSON (${res.contentType}): ${short(res.text)}`);
      return problems;
    }
    const err = isPlainObject(body) ? body.error : undefined;
    if (
      !isPlainObject(err) ||
      typeof err.code !== "string" ||
      typeof err.message !== "string" ||
      !err.message
    ) {
      problems.push(`error ${res.status} outside the {error:{code,message}} envelope: ${short(body, 200)}`);
    } else {
      let expected: number | undefined;
      try {
        expected = errorStatus(err.code as ErrorCode);
      } catch {
        problems.push(`error code ${err.code} is not in the catalog (src/platform/errors.ts)`);
      }
      if (expected !== undefined && expected !== res.status) {
        problems.push(`error code ${err.code} answered with ${res.status}, catalog says ${expected}`);
      }
    }
  }
  const schema = documented?.content?.["application/json"]?.schema;
  if (schema) {
    if (!isJson)
      problems.push(`${res.status} documented as JSON, got ${res.contentType || "no content type"}`);
    else {
      // Closed: a property the document does not declare (a leaked email, a private flag) is a problem.
      const errs = set.validate(body, schema, "$", { closed: true });
      if (errs.length > 0)
        problems.push(`${res.status} body breaks the documented schema: ${errs.slice(0, 3).join("; ")}`);
    }
  }
  return problems;
}

export function statusSummary(counts: Map<number, number>): string {
  return [...counts.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([s, n]) => `${s}×${n}`)
    .join(" ");
}

/** A plain-text table (the reporter prints console output of the test). */
export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join("  ");
  return [line(headers), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

/** Runs `work` over `items` with at most `limit` in flight. */
export async function pool<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await work(items[i]!);
      }
    }),
  );
  return results;
}
