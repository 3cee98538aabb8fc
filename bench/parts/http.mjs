// HTTP: each route under autocannon at several concurrencies, the server restarted before every route,
// `runs` passes over all routes; ratios to the two reference routes are taken within each pass.

import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { load } from "../lib/load.mjs";
import { logIn, readSamples } from "../lib/members.mjs";
import { persistRoot } from "../lib/paths.mjs";
import { ROUTES, scansOf, traceRoute, tripSummary } from "../lib/routes.mjs";
import { startServer } from "../lib/server.mjs";
import { fmt, markdownTable, median, pct, printTable } from "../lib/stats.mjs";

const TRACED_VIEWERS = 5;

/** What bench/parts/data.mjs recorded about a seeded scale. */
function scaleInfo(scale) {
  const file = join(persistRoot(scale), "seed.json");
  return existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : {};
}

/**
 * D1's own figures for the read statements (each run once more on its own by bench/trace.ts): rows read
 * and SQL milliseconds per request, medians over a few viewers (a feed's cost depends on who reads it).
 */
async function readCost(url, route, samples, tokens, first) {
  const sum = (t, f) => t.plans.reduce((n, p) => n + (p[f] ?? 0), 0);
  const traces = [first];
  for (let i = 2; i < Math.min(tokens.length, TRACED_VIEWERS + 1) && route.kind === "read"; i++) {
    traces.push(await traceRoute(url, route, samples, tokens[i]));
  }
  return {
    rowsRead: median(traces.map((t) => sum(t, "rowsRead"))),
    rowsReadMax: Math.max(...traces.map((t) => sum(t, "rowsRead"))),
    sqlMs: median(traces.map((t) => sum(t, "sqlMs"))),
    viewersTraced: traces.length,
  };
}

/**
 * opts: { scale, runs, seconds, warmupSeconds, connections[], members, routes? (keys), log }
 * Returns a JSON-serialisable result (rendered by renderHttp).
 */
export async function runHttp(opts) {
  const log = opts.log ?? console.log;
  const root = persistRoot(opts.scale);
  const samples = await readSamples(root, { members: opts.members });
  const routes = ROUTES.filter((r) =>
    opts.routes ? opts.routes.includes(r.key) || r.kind === "reference" : !r.onlyWhenAsked,
  );
  const result = {
    scale: opts.scale,
    runs: opts.runs,
    seconds: opts.seconds,
    warmupSeconds: opts.warmupSeconds,
    connections: opts.connections,
    members: samples.members.length,
    followingMedian: samples.followingMedian,
    followingMax: samples.followingMax,
    skipped: [],
    traces: {},
    measurements: {}, // route → connections → [run results]
  };

  // Log in once; tokens are refreshed before they expire. Probe and trace every route on a fresh server.
  let server = await startServer(root);
  log(`  http: logging in ${samples.members.length} members (password hashing at the production cost)`);
  const session = await logIn(server.url, samples.members);
  result.msPerLogin = session.msPerLogin;
  const active = [];
  for (const route of routes) {
    // Traced as another member than the first sampled object's owner (a profile view is then recorded, as for real).
    const trace = await traceRoute(server.url, route, samples, session.tokens[1] ?? session.tokens[0]);
    if (trace.status === 404 && route.optional) {
      result.skipped.push({ route: route.label, reason: `answers 404 (${trace.path}): not built yet` });
      continue;
    }
    const search = scaleInfo(opts.scale).search;
    if (route.key.startsWith("search") && search?.state !== "built") {
      result.skipped.push({ route: route.label, reason: `search index ${search?.state ?? "unknown"}` });
      continue;
    }
    if (trace.status >= 300) {
      // Reported, not fatal: the other routes are still measured.
      result.skipped.push({ route: route.label, reason: `answered ${trace.status} on ${trace.path}` });
      continue;
    }
    result.traces[route.key] = {
      path: trace.path,
      status: trace.status,
      bytes: trace.bytes,
      trips: trace.trips,
      summary: tripSummary(trace),
      ...(await readCost(server.url, route, samples, session.tokens, trace)),
      scans: trace.plans
        .map((p) => ({ sql: p.sql, scans: scansOf(p), plan: p.plan.map((x) => x.detail) }))
        .filter((p) => p.scans.length),
    };
    active.push(route);
  }
  await server.stop();

  for (let run = 1; run <= opts.runs; run++) {
    for (const route of active) {
      server = await startServer(root);
      if (route.auth) await session.refresh(server.url);
      for (const c of opts.connections) {
        const r = await load(server, {
          connections: c,
          seconds: opts.seconds,
          warmupSeconds: opts.warmupSeconds,
          method: route.method ?? "GET",
          paths: route.paths(samples),
          tokens: route.auth ? session.tokens : [],
          body: route.body ?? null,
        });
        if (!result.measurements[route.key]) result.measurements[route.key] = {};
        const byC = result.measurements[route.key];
        byC[c] = [...(byC[c] ?? []), r];
        log(
          `  http run ${run}/${opts.runs} ${route.label} c=${c}: ${fmt(r.rps)} req/s, p99 ${fmt(r.p99, 1)} ms${
            r.ok < r.requests ? `, ${r.requests - r.ok} non-2xx ${JSON.stringify(r.status)}` : ""
          }`,
        );
      }
      await server.stop();
    }
  }
  return result;
}

/** Median figures per route and concurrency, with per-run ratios to hello and one-row. */
export function summarizeHttp(result) {
  const rows = [];
  for (const [key, byC] of Object.entries(result.measurements)) {
    const route = ROUTES.find((r) => r.key === key);
    for (const [c, runs] of Object.entries(byC)) {
      const ratio = (ref) =>
        median(
          runs.map((r, i) => {
            const base = result.measurements[ref]?.[c]?.[i];
            return base ? r.rps / base.rps : null;
          }),
        );
      const requests = runs.reduce((n, r) => n + r.requests, 0);
      const failed = runs.reduce((n, r) => n + r.requests - r.ok, 0);
      rows.push({
        key,
        route,
        c: Number(c),
        rps: median(runs.map((r) => r.rps)),
        p50: median(runs.map((r) => r.p50)),
        p95: median(runs.map((r) => r.p95)),
        p99: median(runs.map((r) => r.p99)),
        vsHello: ratio("hello"),
        vsOneRow: ratio("one-row"),
        cpu: median(runs.map((r) => r.cpuMsPerRequest)),
        serverCpuShare: median(runs.map((r) => r.serverCpuShare)),
        otherCpu: median(runs.map((r) => r.otherCpu)),
        failed,
        requests,
        statuses: runs.reduce((acc, r) => {
          for (const [s, n] of Object.entries(r.status)) acc[s] = (acc[s] ?? 0) + n;
          return acc;
        }, {}),
      });
    }
  }
  return rows;
}

export function renderHttp(result, { print = true } = {}) {
  const rows = summarizeHttp(result);
  const table = rows.map((r) => ({
    route: r.route.label,
    c: r.c,
    "req/s": fmt(r.rps),
    "p50 ms": fmt(r.p50, 1),
    "p95 ms": fmt(r.p95, 1),
    "p99 ms": fmt(r.p99, 1),
    "vs hello": pct(r.vsHello),
    "vs one-row": pct(r.vsOneRow),
    "CPU ms/req": fmt(r.cpu, 2),
    "non-2xx": r.failed ? `${r.failed}/${r.requests} ${JSON.stringify(r.statuses)}` : "0",
    "other procs (cores)": fmt(r.otherCpu, 2),
  }));
  const c10 = rows.some((r) => r.c === 10) ? 10 : rows[0]?.c;
  const goal = rows
    .filter((r) => r.route.kind === "read" && r.c === c10)
    .map((r) => ({
      route: r.route.label,
      [`vs one-row (c=${c10})`]: pct(r.vsOneRow),
      "≥ 60%": r.vsOneRow !== null && r.vsOneRow >= 0.6 ? "yes" : "no",
      "round trips per request": result.traces[r.key]?.summary ?? "–",
      "rows read": fmt(result.traces[r.key]?.rowsRead),
      "SQL ms": fmt(result.traces[r.key]?.sqlMs),
      "response bytes": fmt(result.traces[r.key]?.bytes),
    }));
  const trips = Object.entries(result.traces).map(([key, t]) => ({
    route: ROUTES.find((r) => r.key === key).label,
    "traced request": t.path.length > 60 ? `${t.path.slice(0, 57)}...` : t.path,
    "round trips": t.summary,
    "rows read (reads)": fmt(t.rowsRead),
    "plan lines that scan": t.scans.length ? t.scans.map((s) => s.scans.join("; ")).join(" / ") : "none",
  }));
  if (print) {
    printTable(`HTTP (${result.scale} posts; median of ${result.runs} runs × ${result.seconds} s)`, table);
    printTable("Read routes against the goal (≥ 60% of one-row)", goal);
    printTable("Round trips per request (one traced request per route)", trips);
    for (const s of result.skipped) console.log(`  skipped ${s.route}: ${s.reason}`);
  }
  return {
    table,
    goal,
    trips,
    markdown: { table: markdownTable(table), goal: markdownTable(goal), trips: markdownTable(trips) },
  };
}
