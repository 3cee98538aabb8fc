// Scale: the feed and search routes (with the two references) at each data scale, and every plan line
// that scans a whole table, with its statement, so an index can be added where it is missing.
import { ROUTES } from "../lib/routes.mjs";
import { fmt, markdownTable, pct, printTable } from "../lib/stats.mjs";
import { runHttp, summarizeHttp } from "./http.mjs";

export const SCALE_ROUTES = [
  "feed-following",
  "feed-for-you",
  "search-posts",
  "search-people",
  "search-posts-common",
  "search-posts-rare",
  "search-posts-misspelled",
  "search-people-common",
  "search-people-rare",
  "search-people-misspelled",
];

/** `routes` (keys, from --routes) narrows SCALE_ROUTES; the two references always run. */
export async function runScale({ scales, runs, seconds, warmupSeconds, connections, members, routes, log }) {
  const selected = routes ? SCALE_ROUTES.filter((k) => routes.includes(k)) : SCALE_ROUTES;
  if (routes && selected.length === 0)
    throw new Error(`--routes names no scale route (scale routes: ${SCALE_ROUTES.join(", ")})`);
  const byScale = {};
  for (const scale of scales) {
    log?.(`  scale ${scale}`);
    byScale[scale] = await runHttp({
      scale,
      runs,
      seconds,
      warmupSeconds,
      connections,
      members,
      routes: selected,
      log,
    });
  }
  return { scales, runs, seconds, connections, routes: selected, byScale };
}

export function renderScale(result, { print = true } = {}) {
  const rows = [];
  const scans = [];
  for (const scale of result.scales) {
    const r = result.byScale[scale];
    if (!r) continue;
    for (const s of summarizeHttp(r)) {
      rows.push({
        route: s.route.label,
        posts: scale,
        c: s.c,
        "req/s": fmt(s.rps),
        "p50 ms": fmt(s.p50, 1),
        "p95 ms": fmt(s.p95, 1),
        "p99 ms": fmt(s.p99, 1),
        "vs hello": pct(s.vsHello),
        "vs one-row": pct(s.vsOneRow),
        "CPU ms/req": fmt(s.cpu, 2),
        "rows read": fmt(r.traces[s.key]?.rowsRead),
        "non-2xx": s.failed,
        "other procs (cores)": fmt(s.otherCpu, 2),
      });
    }
    for (const [key, t] of Object.entries(r.traces)) {
      for (const p of t.scans) scans.push({ scale, route: ROUTES.find((x) => x.key === key).label, ...p });
    }
    for (const s of r.skipped)
      rows.push({
        route: s.route,
        posts: scale,
        c: "–",
        "req/s": `skipped: ${s.reason}`,
        "p50 ms": "",
        "p95 ms": "",
        "p99 ms": "",
        "vs hello": "",
        "vs one-row": "",
        "CPU ms/req": "",
        "rows read": "",
        "non-2xx": "",
        "other procs (cores)": "",
      });
  }
  rows.sort(
    (a, b) =>
      ROUTES.findIndex((x) => x.label === a.route) - ROUTES.findIndex((x) => x.label === b.route) ||
      result.scales.indexOf(a.posts) - result.scales.indexOf(b.posts) ||
      Number(a.c) - Number(b.c),
  );
  // The same statement scanning at several scales is reported once, at the largest scale.
  const seen = new Map();
  for (const s of scans) seen.set(`${s.route}|${s.scans.join(";")}`, s);
  const scanList = [...seen.values()];
  if (print) {
    printTable(
      `Scale: latency against data size (median of ${result.runs} runs × ${result.seconds} s)`,
      rows,
    );
    if (scanList.length === 0) console.log("  no plan line scans a whole table");
    for (const s of scanList) console.log(`  ${s.route} (${s.scale}): ${s.scans.join("; ")}`);
  }
  let md = markdownTable(rows);
  md +=
    "\n**Statements whose plan scans a whole table or index** (from `EXPLAIN QUERY PLAN` of the statements one traced request ran):\n\n";
  if (scanList.length === 0) md += "None.\n";
  for (const s of scanList) {
    md += `- ${s.route} at ${s.scale}: \`${s.scans.join("`, `")}\`\n\n  <details><summary>statement and full plan</summary>\n\n  \`\`\`sql\n${s.sql.trim()}\n  \`\`\`\n\n  \`\`\`\n${s.plan.join("\n")}\n  \`\`\`\n  </details>\n\n`;
  }
  return { rows, scanList, markdown: md };
}
