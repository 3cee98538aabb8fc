// `npm run bench:profile -- --route post`: where one route's CPU goes inside the Worker.
// Serves the bench build like the HTTP part (same data, members and load generator), records a V8 CPU
// profile of the Worker's isolate through workerd's DevTools inspector while autocannon loads the route,
// prints the functions with the most self and inclusive time, and writes the .cpuprofile (open it in
// Chrome DevTools › Performance) under bench/.state/profiles. SQLite work runs in D1's own isolate and
// native code, so it shows as idle time here: compare with the route's "SQL ms" in docs/BENCHMARKS.md.
// Options: --route <key> (bench/lib/routes.mjs)  --scale 100k  --seconds 8  --connections 10
//          --members 40  --top 25  --no-build
// `npm run bench:profile -- --realtime --sockets 500`: the same for chat fan-out: a fresh database, then
// bench/realtime-fanout.mjs (10 senders at 50 messages/s, the bench's shapes: 100 = 100×1, 500 = 250×2,
// 1000 = 250×4 members × devices) against the chat room while the profile records; add --bare to profile
// the bench build's BareRoom under the same load instead.
import { spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import WebSocket from "ws";
import "../scripts/lib/env.mjs";
import { buildAll } from "./lib/build.mjs";
import { load } from "./lib/load.mjs";
import { logIn, readSamples } from "./lib/members.mjs";
import { persistRoot, STATE } from "./lib/paths.mjs";
import { routeByKey } from "./lib/routes.mjs";
import { pinned, startServer } from "./lib/server.mjs";
import { migrate } from "./parts/data.mjs";

const { values: a } = parseArgs({
  options: {
    route: { type: "string", default: "post" },
    scale: { type: "string", default: "100k" },
    seconds: { type: "string", default: "8" },
    connections: { type: "string", default: "10" },
    members: { type: "string", default: "40" },
    top: { type: "string", default: "25" },
    "no-build": { type: "boolean", default: false },
    realtime: { type: "boolean", default: false },
    bare: { type: "boolean", default: false },
    sockets: { type: "string", default: "500" },
  },
});
const route = a.realtime ? null : routeByKey(a.route);
const INSPECTOR_PORT = 9329;
const SAMPLE_US = 200;

/** A DevTools protocol session on the Worker's isolate. */
async function inspect(port) {
  const targets = await (await fetch(`http://127.0.0.1:${port}/json`)).json();
  const target = targets.find((t) => /majlis/.test(`${t.title} ${t.url} ${t.id}`)) ?? targets[0];
  if (!target) throw new Error("no inspector target");
  const ws = new WebSocket(target.webSocketDebuggerUrl);
  await new Promise((resolve, reject) => {
    ws.once("open", resolve);
    ws.once("error", reject);
  });
  let next = 1;
  const pending = new Map();
  ws.on("message", (data) => {
    const msg = JSON.parse(String(data));
    const p = pending.get(msg.id);
    if (!p) return;
    pending.delete(msg.id);
    if (msg.error) p.reject(new Error(`${msg.error.message}`));
    else p.resolve(msg.result);
  });
  return {
    target: target.title ?? target.id,
    send: (method, params = {}) =>
      new Promise((resolve, reject) => {
        const id = next++;
        pending.set(id, { resolve, reject });
        ws.send(JSON.stringify({ id, method, params }));
      }),
    close: () => ws.close(),
  };
}

/**
 * Self and inclusive share per function from a V8 CPU profile, counted in samples: the server shares
 * one core with the sampler thread, so a few time deltas are huge (the sampler was not scheduled) and
 * would charge hundreds of milliseconds to whatever ran last.
 */
function summarize(profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const selfUs = new Map();
  for (const id of profile.samples) selfUs.set(id, (selfUs.get(id) ?? 0) + SAMPLE_US);
  const keyOf = (n) => {
    const f = n.callFrame;
    const file = f.url ? f.url.split("/").pop() : "";
    return `${f.functionName || "(anonymous)"} ${file}${f.url ? `:${f.lineNumber + 1}` : ""}`;
  };
  const self = new Map();
  const total = new Map();
  let all = 0;
  let idle = 0;
  for (const [id, us] of selfUs) {
    const node = byId.get(id);
    all += us;
    if (node.callFrame.functionName === "(idle)") idle += us;
    const k = keyOf(node);
    self.set(k, (self.get(k) ?? 0) + us);
    // Inclusive: count each function once per sample even when it recurses.
    const seen = new Set();
    for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
      const ck = keyOf(byId.get(cur));
      if (seen.has(ck)) continue;
      seen.add(ck);
      total.set(ck, (total.get(ck) ?? 0) + us);
    }
  }
  return { self, total, all, idle };
}

/** Sockets → members × devices, as bench/parts/realtime.mjs measures them. */
const SHAPES = { 10: [10, 1], 100: [100, 1], 500: [250, 2], 1000: [250, 4] };

/** Runs the fan-out load against the server; `onSending` hears when sending starts; resolves to its result. */
function fanout(server, root, onSending) {
  const [members, tabs] = SHAPES[a.sockets] ?? [Math.min(Number(a.sockets), 250), 1];
  const flags = ["--url", server.url, "--persist", root, "--server-pid", String(server.pid)];
  flags.push("--members", String(members), "--tabs", String(tabs), "--senders", "10", "--rate", "50");
  flags.push("--seconds", a.seconds);
  if (a.bare) flags.push("--bare", "--bare-url", `${server.url}/__bench/room`);
  const [cmd, args] = pinned(1, process.execPath, ["bench/realtime-fanout.mjs", ...flags]);
  const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"] });
  child.stderr.on("data", (d) => {
    if (/sending/.test(String(d))) onSending();
  });
  let out = "";
  child.stdout.on("data", (d) => {
    out += d;
  });
  return new Promise((resolve, reject) =>
    child.on("exit", (code) => {
      const line = out.split("\n").find((l) => l.startsWith("{"));
      if (code !== 0 || !line) reject(new Error(`realtime-fanout failed (${code})`));
      else resolve(JSON.parse(line));
    }),
  );
}

if (!a["no-build"]) buildAll();
const root = a.realtime ? `${STATE}/realtime-profile` : persistRoot(a.scale);
if (a.realtime) migrate(root);
const samples = a.realtime ? null : await readSamples(root, { members: Number(a.members) });
process.env.BENCH_INSPECTOR_PORT = String(INSPECTOR_PORT);
const server = await startServer(root);
if (a.realtime) {
  try {
    const devtools = await inspect(INSPECTOR_PORT);
    await devtools.send("Profiler.enable");
    await devtools.send("Profiler.setSamplingInterval", { interval: SAMPLE_US });
    // Connecting (presence, snapshots) is not fan-out: the profile starts when sending does.
    let started = Promise.resolve();
    const r = await fanout(server, root, () => {
      started = devtools.send("Profiler.start");
    });
    await started;
    const { profile } = await devtools.send("Profiler.stop");
    devtools.close();
    const dir = join(STATE, "profiles");
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `realtime-${a.bare ? "bare" : "majlis"}-${a.sockets}.cpuprofile`);
    writeFileSync(file, JSON.stringify(profile));
    const { self, total, all, idle } = summarize(profile);
    console.log(
      `\nfan-out ${a.bare ? "bare room" : "Majlis"} ${r.sockets} sockets: p99 ${r.latencyMs.p99} ms, ` +
        `${r.deliveriesPerSecond} deliveries/s, ${r.serverCpuUsPerDelivery} µs server CPU per delivery; ` +
        `${(all - idle) / SAMPLE_US} busy samples of ${all / SAMPLE_US}`,
    );
    printTop(self, "Self time", all - idle);
    printTop(total, "Inclusive time", all - idle);
    console.log(`\nprofile: ${file}`);
  } finally {
    await server.stop();
  }
  process.exit(0);
}

function printTop(m, title, busy) {
  console.log(`\n${title} (share of busy isolate time)`);
  for (const [k, us] of [...m]
    .filter(([k]) => !k.startsWith("(idle)"))
    .sort((x, y) => y[1] - x[1])
    .slice(0, Number(a.top)))
    console.log(`  ${((100 * us) / busy).toFixed(1).padStart(5)}%  ${k}`);
}

try {
  const session = route.auth ? await logIn(server.url, samples.members) : null;
  const devtools = await inspect(INSPECTOR_PORT);
  await devtools.send("Profiler.enable");
  await devtools.send("Profiler.setSamplingInterval", { interval: SAMPLE_US });
  await devtools.send("Profiler.start");
  const r = await load(server, {
    connections: Number(a.connections),
    seconds: Number(a.seconds),
    warmupSeconds: 1,
    method: route.method ?? "GET",
    paths: route.paths(samples),
    tokens: session ? session.tokens : [],
    body: route.body ?? null,
  });
  const { profile } = await devtools.send("Profiler.stop");
  devtools.close();
  const dir = join(STATE, "profiles");
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${a.route}-${a.scale}.cpuprofile`);
  writeFileSync(file, JSON.stringify(profile));

  const { self, total, all, idle } = summarize(profile);
  const busy = all - idle;
  // Shares only: the sampler is starved on the shared core, so sample counts undercount absolute time.
  console.log(
    `\n${route.label} at ${a.scale}, c=${a.connections}: ${Math.round(r.rps)} req/s, ${r.requests} requests (+ warm-up), ` +
      `${busy / SAMPLE_US} busy samples of ${all / SAMPLE_US}; ` +
      `workerd process CPU ${r.cpuMsPerRequest?.toFixed(3)} ms per request`,
  );
  printTop(self, "Self time", busy);
  printTop(total, "Inclusive time", busy);
  console.log(`\nprofile: ${file}`);
} finally {
  await server.stop();
}
