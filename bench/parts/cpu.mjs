// CPU per request: workerd's CPU time (utime + stime from /proc) during a fixed load, divided by the
// requests served, from the HTTP measurements at c=10; and the real Worker's bundle size.
import { ROUTES } from "../lib/routes.mjs";
import { fmt, markdownTable, printTable } from "../lib/stats.mjs";
import { summarizeHttp } from "./http.mjs";

export function cpuFromHttp(http, bundle, connections) {
  const rows = summarizeHttp(http).filter((r) => r.c === connections);
  const hello = rows.find((r) => r.key === "hello")?.cpu ?? null;
  const oneRow = rows.find((r) => r.key === "one-row")?.cpu ?? null;
  return {
    scale: http.scale,
    connections,
    bundle,
    rows: rows.map((r) => ({
      key: r.key,
      cpu: r.cpu,
      overHello: r.cpu !== null && hello !== null ? r.cpu - hello : null,
      overOneRow: r.cpu !== null && oneRow !== null ? r.cpu - oneRow : null,
      serverCpuShare: r.serverCpuShare,
      trips: http.traces[r.key]?.summary ?? "–",
    })),
  };
}

export function renderCpu(result, { print = true } = {}) {
  const table = result.rows.map((r) => ({
    route: ROUTES.find((x) => x.key === r.key).label,
    "CPU ms/req": fmt(r.cpu, 2),
    "minus hello": fmt(r.overHello, 2),
    "minus one-row": fmt(r.overOneRow, 2),
    "server core busy": r.serverCpuShare === null ? "–" : `${Math.round(r.serverCpuShare * 100)}%`,
    "round trips": r.trips,
  }));
  const b = result.bundle;
  const bundleLine = `Worker bundle (\`${b.command}\`): ${b.files.join(", ")}: ${fmt(b.raw / 1024)} KiB, **${fmt(b.gzip / 1024)} KiB gzipped** (gzip -9).`;
  if (print) {
    printTable(`CPU per request (workerd process, c=${result.connections}, ${result.scale} posts)`, table);
    console.log(`  ${bundleLine.replace(/[`*]/g, "")}`);
  }
  return { table, markdown: `${markdownTable(table)}\n${bundleLine}\n` };
}
