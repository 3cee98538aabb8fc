// Real time: bench/realtime-fanout.mjs against the Majlis chat (ChatRoom/UserHub) and against the bench
// build's BareRoom (a Durable Object that only broadcasts), both served by the same pinned bench server.
import { spawnSync } from "node:child_process";
import { STATE } from "../lib/paths.mjs";
import { pinned, startServer } from "../lib/server.mjs";
import { fmt, markdownTable, median, printTable } from "../lib/stats.mjs";
import { migrate } from "./data.mjs";

/** Sockets → members × devices (a group has at most 256 members). */
const SHAPES = { 10: [10, 1], 100: [100, 1], 500: [250, 2], 1000: [250, 4] };
/** Senders → total rate: each member may send 50 messages a minute, so one sender sends 5/s for 10 s. */
const LOADS = [
  { senders: 1, rate: 5 },
  { senders: 10, rate: 50 },
];

export async function runRealtime({ sockets, runs, seconds, log = console.log }) {
  const root = `${STATE}/realtime`;
  const rows = [];
  for (const n of sockets) {
    const [members, tabs] = SHAPES[n] ?? [Math.min(n, 250), Math.ceil(n / 250)];
    for (const { senders, rate } of LOADS) {
      for (const target of ["majlis", "bare"]) {
        const results = [];
        for (let run = 1; run <= runs; run++) {
          migrate(root); // a fresh database and fresh objects for every measurement
          const server = await startServer(root);
          const flags = [
            "--url",
            server.url,
            "--persist",
            root,
            "--server-pid",
            String(server.pid),
            "--quiet",
            "--members",
            String(members),
            "--tabs",
            String(tabs),
            "--senders",
            String(senders),
            "--rate",
            String(rate),
            "--seconds",
            String(seconds),
            ...(target === "bare" ? ["--bare", "--bare-url", `${server.url}/__bench/room`] : []),
          ];
          const [cmd, args] = pinned(1, process.execPath, ["bench/realtime-fanout.mjs", ...flags]);
          const r = spawnSync(cmd, args, { encoding: "utf8", timeout: 180_000 });
          await server.stop();
          const line = r.stdout?.split("\n").find((l) => l.startsWith("{"));
          if (r.status !== 0 || !line) {
            log(`  realtime ${target} ${n} sockets, ${senders} sender(s): FAILED\n${r.stderr?.slice(-1500)}`);
            results.push(null);
            continue;
          }
          const res = JSON.parse(line);
          results.push(res);
          log(
            `  realtime run ${run}/${runs} ${target} ${n} sockets, ${senders} sender(s) at ${rate}/s: ` +
              `p50 ${res.latencyMs.p50} ms, p99 ${res.latencyMs.p99} ms, ${res.received}/${res.expectedDeliveries} delivered, ${res.duplicates} dup`,
          );
        }
        rows.push({ target, sockets: n, members, tabs, senders, rate, seconds, runs: results });
      }
    }
  }
  return {
    runs,
    seconds,
    rows,
    command:
      "node bench/realtime-fanout.mjs --url <bench server> --members M --tabs T --senders S --rate R --seconds 10 [--bare --bare-url <bench server>/__bench/room]",
  };
}

export function renderRealtime(result, { print = true } = {}) {
  const table = result.rows.map((row) => {
    const ok = row.runs.filter(Boolean);
    const m = (f) => median(ok.map(f));
    const received = ok.reduce((n, r) => n + r.received, 0);
    const expected = ok.reduce((n, r) => n + r.expectedDeliveries, 0);
    return {
      target: row.target === "bare" ? "bare room (reference)" : "Majlis chat",
      sockets: `${row.sockets} (${row.members}×${row.tabs})`,
      senders: `${row.senders} @ ${row.rate}/s`,
      "p50 ms": fmt(
        m((r) => r.latencyMs.p50),
        1,
      ),
      "p99 ms": fmt(
        m((r) => r.latencyMs.p99),
        1,
      ),
      "delivered/expected": `${received}/${expected}`,
      duplicates: ok.reduce((n, r) => n + r.duplicates, 0),
      "refused sends": ok.reduce((n, r) => n + r.refused, 0),
      "deliveries/s": fmt(m((r) => r.deliveriesPerSecond)),
      "server CPU µs/delivery": fmt(
        m((r) => r.serverCpuUsPerDelivery),
        1,
      ),
      failed: row.runs.length - ok.length,
    };
  });
  if (print) printTable(`Real time (median of ${result.runs} runs, ${result.seconds} s of sending)`, table);
  return { table, markdown: markdownTable(table) };
}
