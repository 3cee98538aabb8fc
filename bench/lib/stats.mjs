// Small helpers for medians and tables (printed to stdout and written as Markdown).
export function median(values) {
  const v = values.filter((x) => typeof x === "number" && Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return null;
  const mid = Math.floor(v.length / 2);
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

export function fmt(value, digits = 0) {
  if (value === null || value === undefined || Number.isNaN(value)) return "–";
  if (typeof value !== "number") return String(value);
  return value.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export const pct = (ratio) => (ratio === null || ratio === undefined ? "–" : `${Math.round(ratio * 100)}%`);

/** rows: array of objects with the same keys. */
export function markdownTable(rows) {
  if (rows.length === 0) return "_(no rows)_\n";
  const cols = Object.keys(rows[0]);
  const esc = (s) => String(s).replace(/\|/g, "\\|");
  const lines = [
    `| ${cols.map(esc).join(" | ")} |`,
    `|${cols.map((_, i) => (i === 0 ? "---" : "---:")).join("|")}|`,
    ...rows.map((r) => `| ${cols.map((c) => esc(r[c])).join(" | ")} |`),
  ];
  return `${lines.join("\n")}\n`;
}

export function printTable(title, rows) {
  console.log(`\n${title}`);
  if (rows.length === 0) {
    console.log("  (no rows)");
    return;
  }
  const cols = Object.keys(rows[0]);
  const width = cols.map((c) => Math.max(c.length, ...rows.map((r) => String(r[c]).length)));
  const line = (cells) =>
    cells.map((s, i) => (i === 0 ? String(s).padEnd(width[i]) : String(s).padStart(width[i]))).join("  ");
  console.log(`  ${line(cols)}`);
  for (const r of rows) console.log(`  ${line(cols.map((c) => r[c]))}`);
}
