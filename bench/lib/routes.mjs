import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

// The routes the HTTP, scale and CPU parts load. `paths(samples)` spreads requests over many objects;
// authenticated routes rotate over all logged-in members' tokens.
// Words the seed's texts and profiles contain, Arabic and English, whole words and typeahead prefixes.
const POST_TERMS = [
  "الذكاء الاصطناعي",
  "فريق",
  "Cloud",
  "الرياض",
  "hiring",
  "تطوير",
  "workshop",
  "رؤية",
  "مهار",
];
const PEOPLE_TERMS = ["مهندس", "سارة", "Riyadh", "عمر", "Data", "مدير منتج", "London", "ليلى", "Eng"];
// One kind of query per route, an Arabic and an English word each, to tell the search tiers apart.
// Common: in a large share of the seeded documents (فريق is in 3 of the 8 Arabic post templates; مهندس and
// Engineer in many job titles). Rare: the seed's posts come from 16 templates, so its rarest post words
// are the poll options (ربما, depends: in about 1% of posts); a people search for the unique part of a
// sampled member's username matches one profile. Misspelled: one edit from a seeded word and in no
// document, so the words as typed find nothing and the search takes its correction tier (vocabulary
// lookup, then the widened statement).
const SEARCH_TERMS = {
  posts: {
    common: ["فريق", "hiring"],
    rare: ["ربما", "depends"],
    misspelled: ["الرياص", "workshp"],
  },
  people: {
    common: ["مهندس", "Engineer"],
    misspelled: ["القحطني", "Enginer"],
  },
};
const searchPath = (type, q) => `/api/v1/search?type=${type}&q=${encodeURIComponent(q)}`;
// Measured by the scale part (and by the HTTP part when asked for with --routes).
const searchRoute = (type, kind, paths) => ({
  key: `search-${type}-${kind}`,
  label: `GET /api/v1/search?type=${type}&q= (${kind})`,
  kind: "read",
  auth: true,
  optional: true,
  onlyWhenAsked: true,
  paths,
});
/** The unique part of a generated username (leo_gp9f811 → gp9f811): one profile matches it. */
const usernameWords = (s) =>
  s.members
    .map((m) => m.username.split("_").pop())
    .filter((w, i, all) => /\d/.test(w) && all.indexOf(w) === i)
    .slice(0, 50);

export const ROUTES = [
  { key: "hello", label: "GET /__bench/hello", kind: "reference", paths: () => ["/__bench/hello"] },
  {
    key: "one-row",
    label: "GET /__bench/one-row?id=",
    kind: "reference",
    paths: (s) => s.userIds.map((id) => `/__bench/one-row?id=${id}`),
  },
  {
    // Not a goal row: the app's global middleware (request id, security headers, CORS, locale) with no
    // database work, to tell framework cost from route cost. Measured only when asked for (--routes health).
    key: "health",
    label: "GET /health",
    kind: "diagnostic",
    onlyWhenAsked: true,
    paths: () => ["/health"],
  },
  {
    key: "feed-following",
    label: "GET /api/v1/feed?type=following",
    kind: "read",
    auth: true,
    paths: () => ["/api/v1/feed?type=following"],
  },
  {
    key: "feed-for-you",
    label: "GET /api/v1/feed?type=for-you",
    kind: "read",
    auth: true,
    paths: () => ["/api/v1/feed?type=for-you"],
  },
  {
    key: "post",
    label: "GET /api/v1/posts/{id}",
    kind: "read",
    auth: true,
    paths: (s) => s.postIds.map((id) => `/api/v1/posts/${id}`),
  },
  {
    key: "post-comments",
    label: "GET /api/v1/posts/{id}/comments",
    kind: "read",
    auth: true,
    paths: (s) => s.discussedPostIds.map((id) => `/api/v1/posts/${id}/comments`),
  },
  {
    key: "profile",
    label: "GET /api/v1/profiles/{username}",
    kind: "read",
    auth: true,
    paths: (s) => s.members.map((m) => `/api/v1/profiles/${m.username}`),
  },
  {
    key: "search-posts",
    label: "GET /api/v1/search?type=posts&q=",
    kind: "read",
    auth: true,
    optional: true,
    paths: () => POST_TERMS.map((q) => `/api/v1/search?type=posts&q=${encodeURIComponent(q)}`),
  },
  {
    key: "search-people",
    label: "GET /api/v1/search?type=people&q=",
    kind: "read",
    auth: true,
    optional: true,
    paths: () => PEOPLE_TERMS.map((q) => `/api/v1/search?type=people&q=${encodeURIComponent(q)}`),
  },
  searchRoute("posts", "common", () => SEARCH_TERMS.posts.common.map((q) => searchPath("posts", q))),
  searchRoute("posts", "rare", () => SEARCH_TERMS.posts.rare.map((q) => searchPath("posts", q))),
  searchRoute("posts", "misspelled", () => SEARCH_TERMS.posts.misspelled.map((q) => searchPath("posts", q))),
  searchRoute("people", "common", () => SEARCH_TERMS.people.common.map((q) => searchPath("people", q))),
  searchRoute("people", "rare", (s) => usernameWords(s).map((q) => searchPath("people", q))),
  searchRoute("people", "misspelled", () =>
    SEARCH_TERMS.people.misspelled.map((q) => searchPath("people", q)),
  ),
  {
    key: "create-post",
    label: "POST /api/v1/posts",
    kind: "write",
    auth: true,
    method: "POST",
    body: "post",
    paths: () => ["/api/v1/posts"],
  },
  {
    key: "react",
    label: "POST /api/v1/posts/{id}/react",
    kind: "write",
    auth: true,
    method: "POST",
    body: "react",
    paths: (s) => s.postIds.map((id) => `/api/v1/posts/${id}/react`),
  },
];

export const routeByKey = (key) => {
  const r = ROUTES.find((x) => x.key === key);
  if (!r) throw new Error(`unknown route ${key}`);
  return r;
};

/** A sample request body, the same shapes bench/lib/cannon.mjs sends. */
export function sampleBody(route) {
  if (route.body === "post") return JSON.stringify({ content: "Trace post from the bench #Performance" });
  if (route.body === "react") return JSON.stringify({ type: "LIKE" });
  return undefined;
}

/** One request through /__bench/trace: D1/KV/DO/queue round trips and the query plan of each statement. */
export async function traceRoute(url, route, samples, token) {
  const path = route.paths(samples)[0];
  const method = route.method ?? "GET";
  const res = await fetch(`${url}/__bench/trace?method=${method}&path=${encodeURIComponent(path)}`, {
    method: method === "GET" ? "GET" : "POST",
    headers: {
      ...(route.auth ? { authorization: `Bearer ${token}` } : {}),
      ...(route.body ? { "content-type": "application/json" } : {}),
    },
    body: sampleBody(route),
  });
  if (res.status !== 200) throw new Error(`trace ${route.key}: ${res.status}`);
  return { path, ...(await res.json()) };
}

const CTE =
  /(?:\bWITH\b(?:\s+RECURSIVE)?|,)\s*([A-Za-z_]\w*)\s*(?:\([^)]*\))?\s+AS\s*(?:NOT\s+)?(?:MATERIALIZED\s*)?\(/gi;
const SOURCE = /\b(?:FROM|JOIN)\s+"?([A-Za-z_]\w*)"?(?:\s+(?:AS\s+)?"?([A-Za-z_]\w*)"?)?/gi;
const NOT_ALIAS = new Set([
  "where",
  "on",
  "join",
  "left",
  "inner",
  "cross",
  "group",
  "order",
  "limit",
  "union",
  "using",
  "natural",
]);

let tableNames = null;
/** Real tables (and virtual tables) of the schema, from the migrations. */
function realTables() {
  if (tableNames) return tableNames;
  tableNames = new Set();
  for (const f of readdirSync("migrations").filter((n) => n.endsWith(".sql"))) {
    const sql = readFileSync(join("migrations", f), "utf8");
    for (const m of sql.matchAll(/CREATE\s+(?:VIRTUAL\s+)?TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?[`"]?(\w+)/gi))
      tableNames.add(m[1].toLowerCase());
  }
  return tableNames;
}

/**
 * Plan lines that read a whole real table or index ("SCAN t", "SCAN t USING INDEX i"). Scans of CTEs,
 * subqueries, co-routines and constant rows are left out: they are bounded by what produced them.
 */
export function scansOf(plan) {
  const derived = new Set([...plan.sql.matchAll(CTE)].map((m) => m[1].toLowerCase()));
  for (const line of plan.plan) {
    const m = /^(?:CO-ROUTINE|MATERIALIZE) (\S+)/.exec(line.detail);
    if (m) derived.add(m[1].toLowerCase());
  }
  const sources = new Map(); // alias or name → set of sources
  for (const m of plan.sql.matchAll(SOURCE)) {
    const source = m[1].toLowerCase();
    const alias = m[2] && !NOT_ALIAS.has(m[2].toLowerCase()) ? m[2].toLowerCase() : source;
    if (!sources.has(alias)) sources.set(alias, new Set());
    sources.get(alias).add(source);
  }
  const tables = realTables();
  return plan.plan
    .map((p) => p.detail)
    .filter((d) => {
      const m = /^SCAN (\S+)/.exec(d);
      if (!m || d.startsWith("SCAN CONSTANT ROW")) return false;
      const name = m[1].toLowerCase();
      if (derived.has(name)) return false;
      const from = sources.get(name) ?? new Set([name]);
      return [...from].some((s) => tables.has(s) && !derived.has(s));
    });
}

/** Round trips per request by kind, e.g. "D1 1 (batch of 4), DO 1, KV 1". */
export function tripSummary(trace) {
  const d1 = trace.trips.filter((t) => t.kind.startsWith("d1"));
  const count = (k) => trace.trips.filter((t) => t.kind === k).length;
  const parts = [
    `D1 ${d1.length}${d1.length ? ` (${d1.map((t) => (t.kind === "d1-batch" ? `batch ${t.statements}` : "1")).join(" + ")} stmt)` : ""}`,
  ];
  if (count("kv")) parts.push(`KV ${count("kv")}`);
  if (count("durable-object")) parts.push(`DO ${count("durable-object")}`);
  if (count("queue")) parts.push(`queue ${count("queue")}`);
  return parts.join(", ");
}
