// `npm run bench`: builds the Worker, seeds the data scales, runs the selected parts, prints tables and
// writes docs/BENCHMARKS.md (full runs only). See docs/BENCHMARKS.md for what each part measures.
//   npm run bench                                   everything (long: about an hour, plus seeding)
//   npm run bench -- --only http,realtime           selected parts: data, password, http, cpu, scale, realtime
//   npm run bench -- --quick                        short smoke run (10k posts, 1 run × 3 s, c=10)
// Options: --scales 10k,100k,1M  --http-scale 100k  --runs 3  --seconds 10  --connections 1,10,50
//          --members 300  --sockets 10,100,500,1000  --fresh (reseed)  --no-docs
//          --routes post,feed-following (HTTP and scale routes by key, bench/lib/routes.mjs; references
//                   always run)
//          --index-up-to 1M (build the search index with `npm run search:rebuild` up to this scale)
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import "../scripts/lib/env.mjs";
import { buildAll } from "./lib/build.mjs";
import { writeDocs } from "./lib/docs.mjs";
import { describeMachine, machine } from "./lib/machine.mjs";
import { STATE } from "./lib/paths.mjs";
import { cpuFromHttp, renderCpu } from "./parts/cpu.mjs";
import { ensureScale } from "./parts/data.mjs";
import { renderData } from "./parts/data-render.mjs";
import { renderHttp, runHttp } from "./parts/http.mjs";
import { renderPassword, runPassword } from "./parts/password.mjs";
import { renderRealtime, runRealtime } from "./parts/realtime.mjs";
import { renderScale, runScale } from "./parts/scale.mjs";

const PARTS = ["data", "password", "http", "cpu", "scale", "realtime"];
const argv = process.argv.slice(2);
const { values: a } = parseArgs({
  args: argv,
  options: {
    only: { type: "string" },
    quick: { type: "boolean", default: false },
    scales: { type: "string" },
    "http-scale": { type: "string" },
    runs: { type: "string" },
    seconds: { type: "string" },
    warmup: { type: "string" },
    connections: { type: "string" },
    members: { type: "string" },
    sockets: { type: "string" },
    "realtime-runs": { type: "string" },
    "index-up-to": { type: "string" },
    routes: { type: "string" },
    fresh: { type: "boolean", default: false },
    "no-docs": { type: "boolean", default: false },
  },
});
const list = (s) =>
  s
    .split(",")
    .map((x) => x.trim())
    .filter(Boolean);
const only = a.only ? list(a.only) : PARTS;
for (const p of only)
  if (!PARTS.includes(p)) throw new Error(`unknown part "${p}" (parts: ${PARTS.join(", ")})`);
const quick = a.quick;
const opts = {
  scales: a.scales ? list(a.scales) : quick ? ["10k"] : ["10k", "100k", "1M"],
  httpScale: a["http-scale"] ?? (quick ? "10k" : "100k"),
  runs: Number(a.runs ?? (quick ? 1 : 3)),
  seconds: Number(a.seconds ?? (quick ? 3 : 10)),
  warmupSeconds: Number(a.warmup ?? (quick ? 1 : 2)),
  connections: a.connections ? list(a.connections).map(Number) : quick ? [10] : [1, 10, 50],
  members: Number(a.members ?? (quick ? 40 : 300)),
  sockets: a.sockets ? list(a.sockets).map(Number) : quick ? [10, 100] : [10, 100, 500, 1000],
  realtimeRuns: Number(a["realtime-runs"] ?? (quick ? 1 : 3)),
};
const command = `npm run bench${argv.length ? ` -- ${argv.join(" ")}` : ""}`;
// Runs limited to some routes never replace a full run's results (docs are generated from those).
const resultsDir = join(STATE, quick || a.routes ? "results-quick" : "results");
mkdirSync(resultsDir, { recursive: true });
const host = machine();
const started = Date.now();
const log = (m) => console.log(m);
console.log(`Majlis bench: ${only.join(", ")}${quick ? " (quick)" : ""}\n  ${describeMachine(host)}`);

function save(part, data, settings) {
  const record = { part, command, quick, at: new Date().toISOString(), machine: host, settings, data };
  writeFileSync(join(resultsDir, `${part}.json`), JSON.stringify(record, null, 1));
  return record;
}
const need = (p) => only.includes(p);

console.log("› building the Worker (wrangler deploy --dry-run)");
const { bundle } = buildAll();

// Data first: every other part reads a seeded scale.
const scalesNeeded = new Set([
  ...(need("data") || need("scale") ? opts.scales : []),
  ...(need("http") || need("cpu") ? [opts.httpScale] : []),
]);
if (scalesNeeded.size > 0) {
  console.log(`› data: ${[...scalesNeeded].join(", ")}`);
  const scales = [];
  for (const s of ["10k", "100k", "1M"].filter((x) => scalesNeeded.has(x))) {
    const indexUpTo =
      { "10k": 10_000, "100k": 100_000, "1M": 1_000_000 }[a["index-up-to"] ?? "1M"] ?? 1_000_000;
    scales.push(await ensureScale(s, { fresh: a.fresh, indexUpTo: indexUpTo * 1.01, log }));
  }
  if (need("data")) {
    save("data", { scales }, {});
    renderData({ scales });
  }
}

if (need("password")) {
  console.log("› password hashing");
  const r = runPassword({ runs: quick ? 3 : 7 });
  save("password", r, { runs: r.runs });
  renderPassword(r);
}

let http = null;
if (need("http")) {
  console.log(`› http (${opts.httpScale} posts)`);
  const settings = {
    scale: opts.httpScale,
    runs: opts.runs,
    seconds: opts.seconds,
    warmupSeconds: opts.warmupSeconds,
    connections: opts.connections,
    members: opts.members,
    ...(a.routes ? { routes: list(a.routes) } : {}),
  };
  http = await runHttp({ ...settings, log });
  save("http", http, settings);
  renderHttp(http);
}

if (need("cpu")) {
  console.log("› cpu");
  const c = opts.connections.includes(10) ? 10 : opts.connections[0];
  let source = http;
  if (!source) {
    source = await runHttp({
      scale: opts.httpScale,
      runs: opts.runs,
      seconds: opts.seconds,
      warmupSeconds: opts.warmupSeconds,
      connections: [c],
      members: opts.members,
      log,
    });
  }
  const r = cpuFromHttp(source, bundle, c);
  save("cpu", r, {
    scale: opts.httpScale,
    connections: c,
    runs: opts.runs,
    seconds: opts.seconds,
    fromHttpPart: Boolean(http),
  });
  renderCpu(r);
}

if (need("scale")) {
  console.log(`› scale (${opts.scales.join(", ")})`);
  const conns = a.connections ? opts.connections : quick ? [1, 10] : [1, 10];
  const settings = {
    scales: opts.scales,
    runs: opts.runs,
    seconds: opts.seconds,
    warmupSeconds: opts.warmupSeconds,
    connections: conns,
    members: Math.min(opts.members, 100),
    ...(a.routes ? { routes: list(a.routes) } : {}),
  };
  const r = await runScale({ ...settings, log });
  save("scale", r, settings);
  renderScale(r);
}

if (need("realtime")) {
  console.log("› realtime");
  const settings = { sockets: opts.sockets, runs: opts.realtimeRuns, seconds: quick ? 3 : 10 };
  const r = await runRealtime({ ...settings, log });
  save("realtime", r, settings);
  renderRealtime(r);
}

console.log(`\ndone in ${((Date.now() - started) / 60_000).toFixed(1)} min`);
if (!quick && !a.routes && !a["no-docs"]) {
  const file = writeDocs(resultsDir);
  console.log(`wrote ${file}`);
} else {
  console.log(`results in ${resultsDir} (docs/BENCHMARKS.md is written by full runs only)`);
}
