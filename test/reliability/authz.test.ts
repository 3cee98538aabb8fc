import { SELF } from "cloudflare:test";
import { afterAll, describe, expect, it } from "vitest";
import { generate, seededRng, seedOf } from "../support/fuzz";
import { freshIp } from "../support/http";
import type { Schema } from "../support/jsonschema";
import type { TestUser } from "../support/users";
import {
  authOf,
  checkResponse,
  fillPath,
  loadDocument,
  type Op,
  pathParams,
  type Sent,
  table,
} from "./harness";
import { type Audience, hintsFor, OBJECT_ROUTES, objectRouteFor, type Params, World } from "./objects";

/**
 * The authorization matrix, generated from /openapi.json: every operation with an object in its path is
 * called on a real object of its owner by an anonymous caller (401, or 404 on a public route), by a second
 * member (the documented refusal, 404 for another member's private object) and by a member the owner
 * blocked (404). Each request carries a valid body, so the answer is the authorization decision.
 */
const { set, ops } = await loadDocument();
const objectOps = ops.filter((o) => pathParams(o.op).length > 0);
const rows: string[][] = [];
/**
 * Optional fields that make a minimal body a real change: without one, "nothing to change" (400) would
 * answer before the authorization decision the matrix is about.
 */
const MEANINGFUL: Record<string, unknown> = {
  content: "Edited by the authorization matrix",
  text: "hello from the authorization matrix",
  name: "Matrix group",
  muted: true,
};

async function request(
  o: Op,
  w: World,
  a: Audience,
  caller: TestUser | null,
  params: Params,
  extraHeaders: Record<string, string> = {},
): Promise<Sent> {
  const query = (o.op.parameters ?? []).filter((p) => p.in === "query" && params[p.name] !== undefined);
  let url = fillPath(o.path, params);
  if (query.length)
    url += `?${query.map((p) => `${p.name}=${encodeURIComponent(params[p.name]!)}`).join("&")}`;
  const headers: Record<string, string> = { "cf-connecting-ip": freshIp(), "accept-language": "en" };
  if (caller) headers.authorization = `Bearer ${caller.token}`;
  let body: BodyInit | undefined;
  const content = o.op.requestBody?.content ?? {};
  const [type, media] = Object.entries(content)[0] ?? [];
  if (type && media) {
    const names = new Set<string>(["__body"]);
    collectNames(media.schema, names);
    // The owner's values (e.g. a poll option of the owner's poll): what a caller would copy from the object.
    const hints = await hintsFor(w, await w.owner(), names, a);
    if (type !== "application/octet-stream") delete hints.__body;
    const value = generate(set, media.schema, seededRng(seedOf(o.key)), hints, { optional: "min" }, "__body");
    const props = set.flatten(media.schema).properties ?? {};
    if (value && typeof value === "object" && !(value instanceof Uint8Array))
      for (const [k, v] of Object.entries(MEANINGFUL))
        if (k in props && !(k in value)) (value as Record<string, unknown>)[k] = v;
    if (type === "application/json") {
      body = JSON.stringify(value);
      headers["content-type"] = "application/json";
    } else if (type === "application/octet-stream") {
      body = value as Uint8Array;
      headers["content-type"] = "application/octet-stream";
    } else {
      throw new Error(`authz: no body encoder for ${type} (${o.key})`);
    }
  }
  Object.assign(headers, extraHeaders);
  const res = await SELF.fetch(`http://majlis.test${url}`, { method: o.method, headers, body });
  return { status: res.status, contentType: res.headers.get("content-type") ?? "", text: await res.text() };
}

function collectNames(schema: Schema, out: Set<string>, depth = 0): void {
  if (depth > 3) return;
  const flat = set.flatten(schema);
  for (const [k, v] of Object.entries(flat.properties ?? {})) {
    out.add(k);
    collectNames(v, out, depth + 1);
  }
}

function verdict(res: Sent, expected: number[], o: Op, who: string, problems: string[]): string {
  for (const p of checkResponse(set, o.op, res)) problems.push(`${who}: ${p}`);
  if (!expected.includes(res.status)) {
    problems.push(`${who}: expected ${expected.join("/")}, got ${res.status} ${res.text.slice(0, 200)}`);
    return `${res.status}≠${expected.join("/")}`;
  }
  return String(res.status);
}

describe("authorization matrix", () => {
  afterAll(() => {
    rows.sort((a, b) => a[0]!.localeCompare(b[0]!));
    const why = Object.entries(OBJECT_ROUTES)
      .filter(([, r]) => r.why)
      .map(([k, r]) => `  ${k}: ${r.why}`)
      .join("\n");
    console.log(
      `\nAuthorization matrix: ${rows.length} operations\n${table(["operation", "anonymous", "second member", "blocked (before → after)"], rows)}\n\nRoutes that let any member through, and why:\n${why}\n`,
    );
  });

  it("every operation with a path parameter has an entry in OBJECT_ROUTES", () => {
    const missing = objectOps.filter((o) => !objectRouteFor(o.method, o.path)).map((o) => o.key);
    expect(
      missing,
      `Add an entry to OBJECT_ROUTES in test/reliability/objects.ts (how to create the owner's object for the path parameters, and who may touch it) for:\n${missing.join("\n")}`,
    ).toEqual([]);
  });

  it.each(objectOps.map((o) => [o.key, o] as const))("%s", { timeout: 60_000 }, async (_key, o) => {
    const route = objectRouteFor(o.method, o.path);
    if (!route)
      throw new Error(`no OBJECT_ROUTES entry for ${o.key}: add one in test/reliability/objects.ts`);
    const w = new World();
    const problems: string[] = [];
    const { anonymousAllowed } = authOf(o.op);

    const anonymous = await request(o, w, "private", null, await route.params(w, "private"), route.headers);
    const anonCell = verdict(
      anonymous,
      anonymousAllowed ? (route.anonymous ?? [404]) : [401],
      o,
      "anonymous",
      problems,
    );

    const stranger = await w.stranger();
    const second = await request(o, w, "private", stranger, await route.params(w, "private"), route.headers);
    const strangerCell = verdict(second, route.stranger ?? [404], o, "second member", problems);

    let blockedCell = "n/a (no owner)";
    if (route.blocked !== null) {
      const blockee = await w.blockee();
      const shared = await route.params(w, "shared");
      // Before the block (reads only, so nothing changes): shows whether the 404 below comes from the block.
      const before =
        o.method === "GET"
          ? (await request(o, w, "shared", blockee, shared, route.headers)).status
          : undefined;
      await w.block();
      const after = await request(o, w, "shared", blockee, shared, route.headers);
      blockedCell = `${before ?? "–"} → ${verdict(after, route.blocked ?? [404], o, "blocked member", problems)}`;
    }
    rows.push([o.key, anonCell, strangerCell, blockedCell]);
    expect(problems, problems.join("\n")).toEqual([]);
  });
});
