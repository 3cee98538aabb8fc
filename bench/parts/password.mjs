// Password hashing: runs bench/password-hash.mjs (its own Miniflare) pinned to the server core.
import { spawnSync } from "node:child_process";
import { pinned } from "../lib/server.mjs";

export function runPassword({ runs }) {
  const [cmd, args] = pinned(0, process.execPath, ["bench/password-hash.mjs", String(runs)]);
  const r = spawnSync(cmd, args, { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`bench/password-hash.mjs failed:\n${r.stderr}`);
  return { runs, command: `node bench/password-hash.mjs ${runs}`, output: r.stdout.trim() };
}

export function renderPassword(result, { print = true } = {}) {
  if (print) console.log(`\nPassword hashing (median of ${result.runs})\n${result.output}`);
  return { markdown: `\`\`\`\n${result.output}\n\`\`\`\n` };
}
