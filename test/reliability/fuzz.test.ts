import { afterAll, describe, expect, it } from "vitest";
import {
  type BodyCase,
  bodyShapeMutations,
  EDGE_URL_STRINGS,
  generate,
  type Hints,
  propertyMutations,
  type Rng,
  randomUlid,
  seededRng,
  seedOf,
} from "../support/fuzz";
import { freshIp } from "../support/http";
import type { Parameter, Schema, SchemaSet } from "../support/jsonschema";
import { createUser } from "../support/users";
import {
  authOf,
  checkResponse,
  dispatch,
  encodeLoose,
  fillPath,
  lintDocument,
  loadDocument,
  type Op,
  pathParams,
  statusSummary,
  table,
} from "./harness";
import {
  hintsFor,
  INPUT_ROUTES,
  OPERATION_ACTORS,
  OPERATION_HEADERS,
  OPERATION_HINTS,
  objectRouteFor,
  type Params,
  World,
} from "./objects";
import { volume } from "./volume";

/**
 * Fuzz every operation of /openapi.json with generated valid inputs and hostile mutations of them
 * (params, query, JSON bodies, headers), as a verified member who owns the objects in the path (or the
 * member the route is for, e.g. a connection endorsing the owner's skill).
 * Fails on any 5xx, any status the operation does not document, any error outside the envelope, any JSON
 * body that breaks the documented schema (closed: a property the document does not declare fails), a
 * failed background task, and two oracles that a route answering "200 to everything" would otherwise pass:
 * - success: every operation must answer a 2xx (101 for the WebSocket) to at least one valid request, so
 *   a fixture that never reaches the operation (a poll addressed by its post's id) fails instead of
 *   passing on 404s (NO_SUCCESS lists the exceptions, with why; today none);
 * - authentication: a missing token on an operation that requires one, and a garbage, forged, wrong-scheme
 *   or empty token on any operation, must answer 401.
 * Deterministic: inputs come from a seeded RNG per operation.
 *
 * Volume (test/reliability/volume.ts): CI sends one round of up to BUDGET cases per operation, as the
 * owner. The soak run (`npm run test:soak`) sends rounds until each operation has its share of the total,
 * each round on a fresh World with its own seed, and turns the caller round by round: the owner on their
 * own objects, then a stranger and a connection of the owner sending the same cases with valid ids of the
 * owner's private objects (the authorization matrix's fixtures: path parameters, and the body and query
 * inputs of INPUT_ROUTES). Every oracle holds for every caller; the success oracle counts the owner's rounds.
 */
const BUDGET = 45;
type Caller = "owner" | "stranger" | "connection";
const CALLERS: Caller[] = ["owner", "stranger", "connection"];
const VOLUME = volume();
const PER_OPERATION = VOLUME.fuzzRequests;
// The soak run keeps the machine saturated for tens of minutes: an answer may queue behind hundreds of
// others there, so only a minute without one counts as a hang.
const REQUEST_TIMEOUT_MS = PER_OPERATION > 0 ? 60_000 : 10_000;
const TRACE = false;

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout>;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    }),
  ]);
}
const { doc, set, ops } = await loadDocument();

/** Operations that cannot answer a 2xx to any request the fuzzer can make, and why. Keep it empty. */
const NO_SUCCESS: Record<string, string> = {};

/** Header cases whose token is bad: every /api operation must refuse them with 401. */
const BAD_TOKEN_CASES = new Set([
  "garbage bearer",
  "basic scheme",
  "unsigned JWT (alg none)",
  "empty bearer",
]);

interface Case {
  group: "valid" | "headers" | "shape" | "property" | "path" | "query";
  label: string;
  path: Params;
  query: Params;
  /** "member": the member's token; null: none; otherwise the raw Authorization header. */
  auth: "member" | null | string;
  body?:
    | { kind: "json"; value: unknown }
    | { kind: "raw"; text: string }
    | { kind: "bytes"; value: BodyInit };
  contentType?: string | null;
  extraQuery?: string;
  /** Extra headers (e.g. Upgrade: websocket, or the content type a signed URL is bound to). */
  headers?: Record<string, string>;
}

interface Report {
  key: string;
  requests: number;
  /** Requests answered with a 2xx (101 for the WebSocket), and those among them from the owner's rounds. */
  successes: number;
  ownSuccesses: number;
  rounds: number;
  /** Soak rounds whose fixtures could not be built (e.g. a mailed token that did not arrive in time). */
  setupErrors: string[];
  statuses: Map<number, number>;
  failures: string[];
}

const reports: Report[] = [];

function propertyNames(
  s: SchemaSet,
  schema: Schema | undefined,
  out = new Set<string>(),
  depth = 0,
): Set<string> {
  if (!schema || depth > 3) return out;
  const flat = s.flatten(schema);
  for (const [k, v] of Object.entries(flat.properties ?? {})) {
    out.add(k);
    propertyNames(s, v, out, depth + 1);
  }
  if (flat.items) propertyNames(s, flat.items, out, depth + 1);
  return out;
}

const URL_EDGES = [
  "huge-100k",
  "nul",
  "lone-high-surrogate",
  "bidi-override",
  "zero-width",
  "rtl-arabic",
  "emoji",
  "dot-path",
  "percent",
  "encoded-slash",
  "sql",
];

function queryValue(param: Parameter, r: Rng, hints: Hints): string {
  const v = generate(set, param.schema, r, hints, { optional: "some" }, param.name);
  return String(v);
}

function buildCases(
  o: Op,
  r: Rng,
  fixed: Params,
  hints: Hints,
  extraHeaders: Record<string, string>,
): Case[] {
  const query = (o.op.parameters ?? []).filter((p) => p.in === "query");
  const bodyContent = o.op.requestBody?.content ?? {};
  const bodyType = Object.keys(bodyContent)[0];
  const bodySchema = bodyType ? bodyContent[bodyType]!.schema : undefined;
  const { bearer } = authOf(o.op);
  const baseAuth = bearer ? ("member" as const) : null;

  const validQuery = (mode: "all" | "min" | "some"): Params => {
    const q: Params = {};
    for (const p of query) {
      if (fixed[p.name] !== undefined) q[p.name] = fixed[p.name]!;
      else if (p.required || mode === "all" || (mode === "some" && r.chance(0.5)))
        q[p.name] = queryValue(p, r, hints);
    }
    return q;
  };
  const validBody = (mode: "all" | "min" | "some") =>
    bodySchema ? generate(set, bodySchema, r, hints, { optional: mode }, "__body") : undefined;
  const asBody = (value: unknown): Case["body"] => {
    if (value === undefined) return undefined;
    if (bodyType === "application/octet-stream") return { kind: "bytes", value: value as Uint8Array };
    if (bodyType === "multipart/form-data") return { kind: "bytes", value: toForm(value) };
    return { kind: "json", value };
  };
  const base = (group: Case["group"], label: string, mode: "all" | "min" | "some" = "some"): Case => ({
    group,
    label,
    path: { ...fixed },
    query: validQuery(mode),
    auth: baseAuth,
    body: asBody(validBody(mode)),
    // Body shape cases choose their own content type; everything else gets what the operation needs.
    headers: group === "shape" ? {} : extraHeaders,
  });

  const cases: Case[] = [
    base("valid", "valid (all optional)", "all"),
    base("valid", "valid (required only)", "min"),
  ];
  cases.push(base("valid", "valid (some optional)"));

  // Headers: the member's token missing, garbage, in the wrong scheme, forged or tampered.
  for (const [label, auth] of [
    ["no Authorization", null],
    ["garbage bearer", "Bearer garbage"],
    ["basic scheme", "Basic dXNlcjpwYXNz"],
    [
      "unsigned JWT (alg none)",
      "Bearer eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJzdWIiOiJ4IiwiZXhwIjo5OTk5OTk5OTk5fQ.",
    ],
    ["empty bearer", "Bearer "],
  ] as const) {
    cases.push({ ...base("headers", label), auth });
  }
  cases.push(base("headers", "Accept-Language garbage"));

  // Bodies.
  const valid = validBody("some");
  if (bodySchema && bodyType === "application/json") {
    for (const m of bodyShapeMutations(valid)) cases.push({ ...base("shape", m.label), ...bodyOf(m) });
    for (const m of propertyMutations(set, bodySchema, valid))
      cases.push({ ...base("property", m.label), ...bodyOf(m) });
  } else if (bodySchema && bodyType === "multipart/form-data") {
    for (const m of propertyMutations(set, bodySchema, valid)) {
      if ("json" in m)
        cases.push({ ...base("property", m.label), body: { kind: "bytes", value: toForm(m.json) } });
    }
    cases.push({
      ...base("shape", "JSON instead of multipart"),
      body: { kind: "json", value: { kind: "AVATAR" } },
    });
    cases.push({
      ...base("shape", "multipart without boundary"),
      body: { kind: "raw", text: "--x\r\n\r\n" },
      contentType: "multipart/form-data",
    });
    cases.push({ ...base("shape", "empty form"), body: { kind: "bytes", value: new FormData() } });
  } else if (bodySchema && bodyType === "application/octet-stream") {
    cases.push({ ...base("shape", "empty bytes"), body: { kind: "bytes", value: new Uint8Array() } });
    cases.push({
      ...base("shape", "random bytes"),
      body: { kind: "bytes", value: crypto.getRandomValues(new Uint8Array(68)) },
    });
    cases.push({ ...base("shape", "1 MiB"), body: { kind: "bytes", value: new Uint8Array(1 << 20) } });
    cases.push({ ...base("shape", "JSON text"), body: { kind: "json", value: { a: 1 } } });
  }

  // Path parameters: ids that name nothing, and hostile strings.
  for (const name of pathParams(o.op)) {
    cases.push({ ...base("path", `random id {${name}}`), path: { ...fixed, [name]: randomUlid(r) } });
    cases.push({ ...base("path", `"0" {${name}}`), path: { ...fixed, [name]: "0" } });
    cases.push({ ...base("path", `-1 {${name}}`), path: { ...fixed, [name]: "-1" } });
    for (const [label, v] of EDGE_URL_STRINGS.filter(([k]) => URL_EDGES.includes(k))) {
      cases.push({ ...base("path", `${label} {${name}}`), path: { ...fixed, [name]: v } });
    }
  }
  // Query parameters: wrong types, out-of-range numbers, hostile strings, repeats.
  for (const p of query) {
    const values: (readonly [string, string])[] = [
      ["not a number", "abc"],
      ["negative", "-5"],
      ["huge number", "99999999999999999999999"],
      ["float", "1.5"],
      ["empty", ""],
      ["1e309", "1e309"],
      ...EDGE_URL_STRINGS.filter(([k]) => URL_EDGES.includes(k)),
    ];
    for (const [label, v] of values) {
      cases.push({ ...base("query", `${label} ?${p.name}`), query: { ...validQuery("some"), [p.name]: v } });
    }
    cases.push({ ...base("query", `repeated ?${p.name}`), extraQuery: `${p.name}=1&${p.name}=2` });
  }
  return pick(cases, r);
}

function bodyOf(m: BodyCase): Pick<Case, "body" | "contentType"> {
  if ("json" in m) return { body: { kind: "json", value: m.json }, contentType: m.contentType };
  return { body: { kind: "raw", text: m.raw }, contentType: m.contentType };
}

/** Form fields in document order, files last (uploads stream the file and read the fields before it). */
function toForm(value: unknown): FormData {
  const form = new FormData();
  if (value && typeof value === "object" && !Array.isArray(value)) {
    const entries = Object.entries(value);
    for (const [k, v] of entries) {
      if (v !== undefined && !(v instanceof Uint8Array))
        form.append(k, typeof v === "string" ? v : JSON.stringify(v));
    }
    for (const [k, v] of entries) {
      if (v instanceof Uint8Array) form.append(k, new Blob([v], { type: "image/png" }), "file.png");
    }
  }
  return form;
}

/** Every valid and header case; a share of each mutation group; then random others up to the budget. */
function pick(cases: Case[], r: Rng): Case[] {
  const quota: Record<Case["group"], number> = {
    valid: 99,
    headers: 99,
    shape: 8,
    property: 12,
    path: 8,
    query: 6,
  };
  const chosen: Case[] = [];
  const rest: Case[] = [];
  for (const group of Object.keys(quota) as Case["group"][]) {
    const inGroup = r.shuffle(cases.filter((c) => c.group === group));
    chosen.push(...inGroup.slice(0, quota[group]));
    rest.push(...inGroup.slice(quota[group]));
  }
  chosen.push(...r.shuffle(rest).slice(0, Math.max(0, BUDGET - chosen.length)));
  return chosen;
}

async function send(o: Op, c: Case, token: string, ip: string) {
  let url = fillPath(o.path, c.path);
  const qs = Object.entries(c.query)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeLoose(v)}`)
    .concat(c.extraQuery ? [c.extraQuery] : []);
  if (qs.length) url += `?${qs.join("&")}`;
  const headers: Record<string, string> = {
    "cf-connecting-ip": ip,
    "accept-language": c.label === "Accept-Language garbage" ? "xx-ZZZZ;q=abc, *;q=2" : "en",
  };
  if (c.auth === "member") headers.authorization = `Bearer ${token}`;
  else if (c.auth) headers.authorization = c.auth;
  let body: BodyInit | undefined;
  if (c.body?.kind === "json") {
    body = JSON.stringify(c.body.value);
    headers["content-type"] = "application/json";
  } else if (c.body?.kind === "raw") {
    body = c.body.text;
    headers["content-type"] = "application/json";
  } else if (c.body?.kind === "bytes") {
    body = c.body.value;
    if (!(body instanceof FormData)) headers["content-type"] = "application/octet-stream";
  }
  Object.assign(headers, c.headers);
  if (c.contentType === null) delete headers["content-type"];
  else if (c.contentType) headers["content-type"] = c.contentType;
  return withTimeout(
    (async () => {
      const res = await dispatch(
        new Request(`http://majlis.test${url}`, { method: o.method, headers, body }),
      );
      if (res.webSocket) {
        // An accepted upgrade: take the socket and close it at once (the fuzzer only judges the answer).
        res.webSocket.accept();
        res.webSocket.close(1000, "fuzz");
      }
      const text = await res.text();
      const background = await res.background.then(
        () => null,
        (err: unknown) => String(err),
      );
      return { status: res.status, contentType: res.headers.get("content-type") ?? "", text, background };
    })(),
    REQUEST_TIMEOUT_MS,
  );
}

async function fuzz(o: Op, perOperation: number): Promise<Report> {
  const report: Report = {
    key: o.key,
    requests: 0,
    successes: 0,
    ownSuccesses: 0,
    rounds: 0,
    setupErrors: [],
    statuses: new Map(),
    failures: [],
  };
  // CI: one round as the owner. Soak: rounds until the operation has its share (a round that sends
  // nothing, e.g. a missing fixture, stops the loop rather than spinning).
  let w = new World();
  for (let round = 0; ; round++) {
    const before = report.requests;
    // A fresh World every few rounds: the callers of a cycle share the owner's objects, as in the
    // authorization matrix, and what a round deleted or used up comes back.
    if (round > 0 && round % (2 * CALLERS.length) === 0) w = new World();
    try {
      // Soak: the other callers meet the owner first (the owner's round may sign the owner out or
      // delete the account, after which no connection could be made).
      if (perOperation > 0) await Promise.all([w.stranger(), w.connection()]);
      await fuzzRound(o, w, report, round, CALLERS[round % CALLERS.length]!);
    } catch (err) {
      // CI: the fixtures must build. Soak: a round whose set-up fails under load (a mailed token that
      // did not arrive in time) is counted and shown, and the operation carries on with a fresh World;
      // the success oracle below still needs a 2xx from the owner's rounds.
      if (perOperation === 0) throw err;
      report.setupErrors.push(`round ${round}: ${String(err).slice(0, 200)}`);
      w = new World();
      if (report.setupErrors.length >= 5) break;
      continue;
    }
    report.rounds++;
    progress(report.requests - before);
    if (report.failures.length > 0 || report.requests >= perOperation || report.requests === before) break;
  }
  // Success oracle: the fixtures reached the operation's success path at least once.
  const why = NO_SUCCESS[o.key];
  if (report.requests === 0)
    report.failures.push(`sent nothing: no round's fixtures were built\n${report.setupErrors.join("\n")}`);
  if (report.ownSuccesses === 0 && !why && report.requests > 0)
    report.failures.push(
      `no 2xx in ${report.requests} requests (${statusSummary(report.statuses)}): the fixtures never reach the operation; fix them in test/reliability/objects.ts (or say why in NO_SUCCESS)`,
    );
  if (report.ownSuccesses > 0 && why)
    report.failures.push(`answered a 2xx: remove it from NO_SUCCESS ("${why}")`);
  return report;
}

/** Soak: a line every 10,000 requests, so a long run shows where it is. */
let sentSoFar = 0;
const runStarted = Date.now();
function progress(n: number): void {
  if (PER_OPERATION === 0) return;
  const before = sentSoFar;
  sentSoFar += n;
  if (Math.floor(before / 10_000) !== Math.floor(sentSoFar / 10_000))
    console.log(`fuzz progress: ${sentSoFar} requests, ${Math.round((Date.now() - runStarted) / 1000)} s`);
}

async function fuzzRound(o: Op, w: World, report: Report, round: number, caller: Caller): Promise<void> {
  const r = seededRng(round === 0 ? seedOf(o.key) : seedOf(`${o.key}#${round}`));
  const own = caller === "owner";
  const audience = own ? "own" : "private";
  const route = pathParams(o.op).length > 0 ? objectRouteFor(o.method, o.path) : undefined;
  if (pathParams(o.op).length > 0 && !route) {
    report.failures.push(`no OBJECT_ROUTES entry for ${o.key} (test/reliability/objects.ts): add one`);
    return;
  }
  const member = own
    ? await (OPERATION_ACTORS[o.key] ?? route?.actor ?? w.owner)(w)
    : await (caller === "stranger" ? w.stranger() : w.connection());
  let fixed: Params = route ? await route.params(w, audience, member) : {};
  const bodyContent = o.op.requestBody?.content ?? {};
  const bodySchema = Object.values(bodyContent)[0]?.schema;
  const names = propertyNames(set, bodySchema);
  for (const p of o.op.parameters ?? []) names.add(p.name);
  if (bodyContent["application/octet-stream"]) names.add("__body");
  const hints: Hints = {
    ...(await hintsFor(w, member, names, audience)),
    ...(await OPERATION_HINTS[o.key]?.(w, member)),
  };
  const input = own ? undefined : INPUT_ROUTES[o.key];
  if (input) {
    // The owner's object named in the body or query string, as the authorization matrix names it.
    const inputs = await input.inputs(w, "private", member);
    fixed = { ...fixed, ...inputs.path, ...inputs.query };
    for (const [k, v] of Object.entries(inputs.body ?? {})) hints[k] = () => structuredClone(v);
  }
  const cases = buildCases(o, r, fixed, hints, { ...route?.headers, ...OPERATION_HEADERS[o.key] });
  const { bearer, anonymousAllowed } = authOf(o.op);
  const tag = round === 0 ? "" : ` (round ${round}, ${caller})`;

  let token = member.token;
  let ip = freshIp();
  let rotations = 0;
  let timeouts = 0;
  for (const c of cases) {
    let res: Awaited<ReturnType<typeof send>>;
    if (TRACE) console.log(`${o.key} [${c.label}]${tag}`);
    try {
      res = await send(o, c, token, ip);
    } catch (err) {
      report.failures.push(`[${c.label}]${tag} request failed: ${String(err)}`);
      if (++timeouts >= 3) {
        report.failures.push("stopped after 3 requests without an answer");
        break;
      }
      continue;
    }
    report.requests++;
    report.statuses.set(res.status, (report.statuses.get(res.status) ?? 0) + 1);
    for (const problem of checkResponse(set, o.op, res))
      report.failures.push(`[${c.label}]${tag} ${problem}`);
    if (res.background) report.failures.push(`[${c.label}]${tag} background work failed: ${res.background}`);
    if ((res.status >= 200 && res.status < 300) || res.status === 101) {
      report.successes++;
      if (own) report.ownSuccesses++;
    }
    // Authentication oracle: a bad token is refused everywhere; no token where the document requires one.
    const mustRefuse =
      c.group === "headers" &&
      (BAD_TOKEN_CASES.has(c.label) || (c.label === "no Authorization" && bearer && !anonymousAllowed));
    if (mustRefuse && res.status !== 401)
      report.failures.push(`[${c.label}]${tag} answered ${res.status}, not 401: ${res.text.slice(0, 200)}`);
    if (res.status === 429 && rotations < 4) {
      // Limits are per member or per address: carry on as a fresh member from a fresh address.
      rotations++;
      ip = freshIp();
      token = (await createUser()).token;
    }
  }
}

describe("fuzz every operation in /openapi.json", () => {
  const started = Date.now();
  // Soak: each operation's share of the total (CI: 0, one round each).
  const perOperation = PER_OPERATION > 0 ? Math.ceil(PER_OPERATION / ops.length) : 0;

  afterAll(() => {
    const rows = reports
      .sort((a, b) => a.key.localeCompare(b.key))
      .map((rep) => [
        rep.key,
        String(rep.requests),
        String(rep.successes),
        statusSummary(rep.statuses),
        rep.failures.length ? `${rep.failures.length} FAILED` : "ok",
      ]);
    const total = reports.reduce((n, rep) => n + rep.requests, 0);
    const all = new Map<number, number>();
    for (const rep of reports)
      for (const [status, n] of rep.statuses) all.set(status, (all.get(status) ?? 0) + n);
    const serverErrors = [...all].filter(([s]) => s >= 500).reduce((n, [, k]) => n + k, 0);
    const rounds = reports.reduce((n, rep) => n + rep.rounds, 0);
    const setupErrors = reports.flatMap((rep) => rep.setupErrors.map((e) => `${rep.key} ${e}`));
    if (setupErrors.length)
      console.log(
        `Fuzz: ${setupErrors.length} soak rounds skipped, fixtures not built:\n${setupErrors.join("\n")}`,
      );
    console.log(
      `\nFuzz: ${reports.length} operations, ${total} requests in ${rounds} rounds, ${serverErrors} 5xx, ${((Date.now() - started) / 1000).toFixed(0)} s; statuses seen: ${statusSummary(all)}\n${table(["operation", "requests", "2xx", "statuses seen", "result"], rows)}\n`,
    );
  });

  it("found the operations", () => {
    expect(ops.length).toBeGreaterThan(50);
  });

  it("the document has no nullable or pattern mistakes", () => {
    const problems = lintDocument(doc);
    expect(problems, problems.join("\n")).toEqual([]);
  });

  it.concurrent.each(ops.map((o) => [o.key, o] as const))(
    "%s",
    { timeout: PER_OPERATION > 0 ? 3 * 60 * 60_000 : 300_000 },
    async (_key, o) => {
      const began = Date.now();
      const report = await fuzz(o, perOperation);
      reports.push(report);
      console.log(
        `fuzz ${o.key}: ${report.requests} requests (${report.rounds} rounds) in ${Date.now() - began} ms, ${statusSummary(report.statuses)}${report.failures.length ? `, ${report.failures.length} FAILED` : ""}`,
      );
      expect(report.failures, report.failures.join("\n")).toEqual([]);
    },
  );
});
