import { afterAll, describe, expect, it } from "vitest";
import { generate, seededRng, seedOf } from "../support/fuzz";
import { freshIp } from "../support/http";
import type { Schema } from "../support/jsonschema";
import { drainQueues } from "../support/queues";
import type { TestUser } from "../support/users";
import { settled } from "../support/worker";
import {
  authOf,
  checkResponse,
  dispatch,
  fillPath,
  loadDocument,
  type Op,
  pathParams,
  type Sent,
  table,
} from "./harness";
import {
  type Access,
  type Audience,
  hintsFor,
  ID_FIELD,
  INPUT_EXEMPT,
  INPUT_ROUTES,
  type Inputs,
  OBJECT_ROUTES,
  objectRouteFor,
  World,
} from "./objects";
import { d1State, stateDiff } from "./state";

/**
 * The authorization matrix, generated from /openapi.json. A row per operation that names an object of
 * someone else: in its path (OBJECT_ROUTES), or in its body or query string (INPUT_ROUTES: a postId to
 * bookmark, memberIds to message, ?userId= of a list). Each row tries, with a valid request:
 * - on the owner's private object: an anonymous caller, a stranger, a connection of the owner (a
 *   "connection-but-private" viewer: a PRIVATE post, a document, lists hidden by privacy, messages from
 *   connections only) and, for conversations, a plain member of the owner's group;
 * - on an object the blockee could reach: the blockee once blocked, and on a twin world without the
 *   block (so the refusal is shown to come from the block, not from the fixture);
 * - the route's actor on the owner's object (the positive control: a fixture that names nothing, like
 *   a poll addressed by its post's id, fails here instead of passing on 404s).
 * Every status is asserted. After the refused calls (and after "no-op" 2xx answers to non-owners), the
 * owner's state is re-read and must be unchanged: every D1 table (state.ts) and the owner's own view
 * through the API of every GET on the route's path (conversations live in Durable Objects).
 */
const { set, ops } = await loadDocument();
const byKey = new Map(ops.map((o) => [o.key, o]));
const pathOps = ops.filter((o) => pathParams(o.op).length > 0);
const rows: string[][] = [];
const TWO_XX = [200, 201, 202, 204];

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

interface Row {
  label: string;
  o: Op;
  access: Access;
  build: (w: World, a: Audience, caller: TestUser) => Promise<Inputs>;
}

function bodyFields(o: Op): string[] {
  const content = o.op.requestBody?.content ?? {};
  const media = Object.values(content)[0];
  return media ? Object.keys(set.flatten(media.schema).properties ?? {}) : [];
}
function queryFields(o: Op): string[] {
  return (o.op.parameters ?? []).filter((p) => p.in === "query").map((p) => p.name);
}
/** Body and query properties of an operation that name an object and are not exempt. */
function idFields(o: Op): string[] {
  return [...bodyFields(o), ...queryFields(o)].filter(
    (f) => ID_FIELD.test(f) && !(f in INPUT_EXEMPT) && !(`${o.key} ${f}` in INPUT_EXEMPT),
  );
}

const allRows: Row[] = [
  ...pathOps.flatMap((o): Row[] => {
    const route = objectRouteFor(o.method, o.path);
    if (!route) return [];
    return [
      {
        label: o.key,
        o,
        access: route,
        build: async (w, a, caller) => {
          const params = await route.params(w, a, caller);
          const queryNames = new Set(queryFields(o));
          const path: Record<string, string> = {};
          const query: Record<string, string> = {};
          for (const [k, v] of Object.entries(params)) (queryNames.has(k) ? query : path)[k] = v;
          return { path, query };
        },
      },
    ];
  }),
  ...Object.entries(INPUT_ROUTES).map(([key, route]): Row => {
    const o = byKey.get(key);
    if (!o) throw new Error(`INPUT_ROUTES names ${key}, which is not in /openapi.json`);
    return { label: `${key} [${idFields(o).join(", ") || "query"}]`, o, access: route, build: route.inputs };
  }),
];

type Send = () => Promise<Sent>;

async function request(
  o: Op,
  w: World,
  a: Audience,
  caller: TestUser | null,
  inputs: Inputs,
  extraHeaders: Record<string, string> = {},
): Promise<Sent> {
  return (await prepare(o, w, a, caller, inputs, extraHeaders))();
}

/**
 * Builds the request (creating whatever fixtures its valid body needs) and answers a function that sends
 * it: the matrix prepares every call before it reads the owner's state, so the fixtures are not counted as
 * changes made by the calls.
 */
async function prepare(
  o: Op,
  w: World,
  a: Audience,
  caller: TestUser | null,
  inputs: Inputs,
  extraHeaders: Record<string, string> = {},
): Promise<Send> {
  let url = fillPath(o.path, inputs.path ?? {});
  const query = Object.entries(inputs.query ?? {});
  if (query.length) url += `?${query.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join("&")}`;
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
    if (value && typeof value === "object" && !(value instanceof Uint8Array)) {
      for (const [k, v] of Object.entries(MEANINGFUL))
        if (k in props && !(k in value)) (value as Record<string, unknown>)[k] = v;
      Object.assign(value, inputs.body);
    }
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
  return async () => {
    const res = await dispatch(new Request(`http://majlis.test${url}`, { method: o.method, headers, body }));
    const text = await res.text();
    await settled(res, `${o.method} ${url.split("?")[0]}`);
    return { status: res.status, contentType: res.headers.get("content-type") ?? "", text };
  };
}

function collectNames(schema: Schema, out: Set<string>, depth = 0): void {
  if (depth > 3) return;
  const flat = set.flatten(schema);
  for (const [k, v] of Object.entries(flat.properties ?? {})) {
    out.add(k);
    collectNames(v, out, depth + 1);
  }
}

/**
 * The owner's own view of the object: every GET of the document on a prefix of the route's path (the
 * post of a reaction, the conversation and its messages of an edit) that the row's path parameters fill.
 */
async function ownerView(o: Op, w: World, inputs: Inputs): Promise<string> {
  const segments = o.path.split("/");
  const params = inputs.path ?? {};
  const reads = ops.filter((g) => {
    if (g.method !== "GET" || g.key === o.key) return false;
    const gs = g.path.split("/");
    if (gs.length > segments.length || gs.some((s, i) => s !== segments[i])) return false;
    if (!pathParams(g.op).every((p) => params[p] !== undefined)) return false;
    return !(g.op.parameters ?? []).some((p) => p.in === "query" && p.required);
  });
  const owner = await w.owner();
  const out: string[] = [];
  for (const g of reads) {
    const res = await request(g, w, "private", owner, { path: params });
    out.push(`${g.key} ${res.status} ${stable(res.text)}`);
  }
  return out.join("\n");
}

/**
 * What moves by itself in the owner's reads: clocks and presence, and a conversation's summary (last
 * message, counts, activity time), which its ChatRoom writes back to D1 about 200 ms after a message
 * (the messages themselves are read from the room, and compared). Lists are compared as sets by id.
 */
const MOVING_FIELDS = new Set([
  "serverTime",
  "lastSeenAt",
  "online",
  "lastSeq",
  "lastMessage",
  "unreadCount",
  "readSeq",
  "lastActivityAt",
  "deliveredSeq",
]);
function stable(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), (k, v) => {
      if (MOVING_FIELDS.has(k)) return undefined;
      if (k === "data" && Array.isArray(v) && v.every((x) => typeof x?.id === "string"))
        return [...v].sort((a, b) => (a.id < b.id ? -1 : 1));
      return v;
    });
  } catch {
    return text;
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

/** Calls after which the owner's state must be unchanged: refusals, and 2xx no-ops (see Access.noop). */
const refusal = (expected: number[], access: Access, who: string) =>
  expected.every((s) => s >= 400) || (access.noop === true && !access.changes?.includes(who));

describe("authorization matrix", () => {
  afterAll(() => {
    rows.sort((a, b) => a[0]!.localeCompare(b[0]!));
    const why = [...Object.entries(OBJECT_ROUTES), ...Object.entries(INPUT_ROUTES)]
      .filter(([, r]) => r.why)
      .map(([k, r]) => `  ${k}: ${r.why}`)
      .join("\n");
    console.log(
      `\nAuthorization matrix: ${rows.length} rows\n${table(["operation", "anonymous", "stranger", "connection", "group member", "blocked (before → after)", "actor", "state"], rows)}\n\nRoutes that let others through, and why:\n${why}\n`,
    );
  });

  it("every operation with a path parameter has an entry in OBJECT_ROUTES", () => {
    const missing = pathOps.filter((o) => !objectRouteFor(o.method, o.path)).map((o) => o.key);
    expect(
      missing,
      `Add an entry to OBJECT_ROUTES in test/reliability/objects.ts (how to create the owner's object for the path parameters, and who may touch it) for:\n${missing.join("\n")}`,
    ).toEqual([]);
  });

  it("every operation naming an object in its body or query string has an entry in INPUT_ROUTES", () => {
    const missing = ops
      .filter((o) => idFields(o).length > 0 && !INPUT_ROUTES[o.key])
      .map((o) => `${o.key}: ${idFields(o).join(", ")}`);
    expect(
      missing,
      `Add an entry to INPUT_ROUTES in test/reliability/objects.ts (or say in INPUT_EXEMPT why the field names nothing of anyone else's) for:\n${missing.join("\n")}`,
    ).toEqual([]);
  });

  it.each(allRows.map((r) => [r.label, r] as const))("%s", { timeout: 60_000 }, async (_label, row) => {
    const { o, access } = row;
    const started = Date.now();
    const problems: string[] = [];
    const { anonymousAllowed } = authOf(o.op);
    const w = new World();
    const cells: Record<string, string> = {};

    // 1. The private object: everyone but the owner is refused (or gets what the route says and why).
    const callers: [string, TestUser | null, number[]][] = [
      ["anonymous", null, anonymousAllowed ? (access.anonymous ?? [404]) : [401]],
      ["stranger", await w.stranger(), access.stranger ?? [404]],
      ["connection", await w.connection(), access.connection ?? access.stranger ?? [404]],
    ];
    if (access.member) callers.push(["group member", await w.peer(), access.member]);
    const planned = [];
    for (const [who, caller, expected] of callers) {
      // Anonymous callers get the stranger's inputs: the object is the same, only the token is missing.
      const inputs = await row.build(w, "private", caller ?? (await w.stranger()));
      const send = refusal(expected, access, who)
        ? await prepare(o, w, "private", caller, inputs, access.headers)
        : undefined;
      planned.push({ who, caller, expected, inputs, send });
    }
    await drainQueues();
    const view = await ownerView(o, w, planned[0]!.inputs);
    const before = await d1State();
    for (const p of planned) {
      if (!p.send) continue;
      cells[p.who] = verdict(await p.send(), p.expected, o, p.who, problems);
    }
    const changed = stateDiff(before, await d1State());
    const viewAfter = await ownerView(o, w, planned[0]!.inputs);
    if (changed.length) problems.push(`refused calls changed the owner's data:\n  ${changed.join("\n  ")}`);
    if (viewAfter !== view)
      problems.push(`refused calls changed what the owner reads:\n${view}\n→\n${viewAfter}`);
    cells.state = changed.length || viewAfter !== view ? "CHANGED" : "unchanged";
    for (const p of planned.filter((p) => !p.send)) {
      const inputs = await row.build(w, "private", p.caller ?? (await w.stranger()));
      const res = await request(o, w, "private", p.caller, inputs, access.headers);
      cells[p.who] = verdict(res, p.expected, o, p.who, problems);
    }

    // 2. The blockee: refused once blocked, with the owner's data unchanged; on a twin world without the
    // block, it gets what any member gets (so the refusal above is the block's doing).
    const twin = new World();
    if (access.blocked !== null) {
      const blockee = await w.blockee();
      const inputs = await row.build(w, "shared", blockee);
      const send = await prepare(o, w, "shared", blockee, inputs, access.headers);
      await w.block();
      const expected = access.blocked ?? [404];
      const stateBefore = refusal(expected, access, "blocked member") ? await d1State() : undefined;
      const after = await send();
      const afterCell = verdict(after, expected, o, "blocked member", problems);
      if (stateBefore) {
        const diff = stateDiff(stateBefore, await d1State());
        if (diff.length)
          problems.push(`the blocked member's refused call changed data:\n  ${diff.join("\n  ")}`);
      }
      const twinBlockee = await twin.blockee();
      const twinInputs = await row.build(twin, "shared", twinBlockee);
      const beforeRes = await request(o, twin, "shared", twinBlockee, twinInputs, access.headers);
      const beforeCell = verdict(
        beforeRes,
        access.blockedBefore ?? TWO_XX,
        o,
        "blockee before the block",
        problems,
      );
      cells.blocked = `${beforeCell} → ${afterCell}`;
    } else {
      cells.blocked = "n/a (no owner)";
    }

    // 3. The positive control: the route's actor on the owner's object gets through.
    const actor = access.actor ? await access.actor(twin) : await twin.owner();
    const own = await row.build(twin, "own", actor);
    const mine = await request(o, twin, "own", actor, own, access.headers);
    cells.actor = verdict(mine, access.owner ?? TWO_XX, o, "actor (positive control)", problems);

    console.log(
      `authz ${row.label}: ${Date.now() - started} ms${problems.length ? `, ${problems.length} PROBLEMS` : ""}`,
    );
    rows.push([
      row.label,
      cells.anonymous ?? "",
      cells.stranger ?? "",
      cells.connection ?? "",
      cells["group member"] ?? "–",
      cells.blocked,
      cells.actor,
      cells.state ?? "",
    ]);
    expect(problems, problems.join("\n")).toEqual([]);
  });
});
