// Rendering of the data part (load time and size of each seeded scale).
import { fmt, markdownTable, printTable } from "../lib/stats.mjs";

export function renderData(result, { print = true } = {}) {
  const table = result.scales.map((s) => ({
    scale: s.scale,
    posts: fmt(s.rows.posts),
    members: fmt(s.rows.users),
    follows: fmt(s.rows.follows),
    "connections (rows)": fmt(s.rows.connections),
    comments: fmt(s.rows.comments),
    reactions: fmt(s.rows.reactions),
    "rows written": fmt(s.rowsWritten ?? s.totalRows),
    "load time": `${fmt(s.loadSeconds, 1)} s`,
    "rows/s": fmt((s.rowsWritten ?? s.totalRows) / s.loadSeconds),
    "search index":
      s.search?.state === "built"
        ? `${fmt(s.search.docs)} docs in ${fmt(s.search.seconds)} s`
        : (s.search?.state ?? "–"),
    "D1 size": `${fmt(s.bytes / 1024 / 1024)} MiB`,
    "seed CPU": s.seedCpuSeconds === undefined ? "–" : `${fmt(s.seedCpuSeconds)} s`,
    "other procs (cores)": fmt(s.otherCpu, 2),
    command: `\`${s.command}\``,
  }));
  if (print)
    printTable(
      "Data (seeded with scripts/seed.mjs: batched multi-row INSERTs)",
      table.map(({ command, ...r }) => r),
    );
  return { table, markdown: markdownTable(table) };
}
