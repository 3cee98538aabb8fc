// Child process (pinned to core 1 by bench/lib/load.mjs): one autocannon load of one route.
//   node bench/lib/cannon.mjs <spec.json>
// spec: { url, connections, seconds, warmupSeconds, method, paths[], tokens[], body: null|"post"|"react" }
// Each request takes the next path and the next token round robin (spreading per-member rate limits).
// Prints "measure-start" / "measure-end" lines around the measured window (the parent reads server CPU
// there), then one JSON line of results. Latency percentiles are computed from every response time.
import { readFileSync } from "node:fs";
import autocannon from "autocannon";

const spec = JSON.parse(readFileSync(process.argv[2], "utf8"));
const REACTIONS = ["LIKE", "CELEBRATE", "SUPPORT", "LOVE", "INSIGHTFUL", "FUNNY"];
const AR = ["تجربة أداء من منصة مجلس", "نصيحة اليوم: القياس قبل التحسين", "شكراً للفريق على الإطلاق"];
const EN = ["Benchmark post from Majlis", "Measure before you optimise", "Shipping day for the team"];

function makeBody(kind, n) {
  if (kind === "post") {
    const arabic = n % 3 !== 2;
    const text = `${(arabic ? AR : EN)[n % 3]} ${n} ${arabic ? "#الأداء" : "#Performance"}`;
    return JSON.stringify({ content: text });
  }
  if (kind === "react") return JSON.stringify({ type: REACTIONS[n % REACTIONS.length] });
  return undefined;
}

function requestTemplate() {
  let n = 0;
  return {
    method: spec.method ?? "GET",
    setupRequest(req) {
      const i = n++;
      req.path = spec.paths[i % spec.paths.length];
      const headers = { accept: "application/json" };
      if (spec.tokens?.length) headers.authorization = `Bearer ${spec.tokens[i % spec.tokens.length]}`;
      const body = makeBody(spec.body, i);
      if (body !== undefined) {
        headers["content-type"] = "application/json";
        req.body = body;
      }
      req.headers = headers;
      return req;
    },
  };
}

function run(seconds, collect) {
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: spec.url,
        connections: spec.connections,
        duration: seconds,
        pipelining: 1,
        timeout: 30,
        requests: [requestTemplate()],
      },
      (err, result) => (err ? reject(err) : resolve(result)),
    );
    if (collect) {
      instance.on("response", (_client, status, _bytes, ms) => {
        collect.latencies.push(ms);
        collect.status[status] = (collect.status[status] ?? 0) + 1;
      });
    }
  });
}

const pct = (sorted, p) =>
  sorted.length === 0 ? null : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

if (spec.warmupSeconds > 0) await run(spec.warmupSeconds, null);
const collect = { latencies: [], status: {} };
console.log("measure-start");
const started = performance.now();
const result = await run(spec.seconds, collect);
const elapsed = (performance.now() - started) / 1000;
console.log("measure-end");
const sorted = Float64Array.from(collect.latencies).sort();
const ok = Object.entries(collect.status)
  .filter(([s]) => Number(s) < 300)
  .reduce((n, [, c]) => n + c, 0);
console.log(
  JSON.stringify({
    requests: sorted.length,
    ok,
    status: collect.status,
    errors: result.errors,
    timeouts: result.timeouts,
    seconds: elapsed,
    rps: sorted.length / elapsed,
    okRps: ok / elapsed,
    p50: pct(sorted, 50),
    p95: pct(sorted, 95),
    p99: pct(sorted, 99),
    max: sorted.length ? sorted[sorted.length - 1] : null,
  }),
);
process.exit(0);
