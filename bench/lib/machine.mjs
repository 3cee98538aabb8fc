// The machine a result was measured on.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { cpus } from "node:os";
import { HAS_TASKSET } from "./server.mjs";

const out = (cmd, args) => spawnSync(cmd, args, { encoding: "utf8" }).stdout?.trim() ?? "";
const version = (pkg) => JSON.parse(readFileSync(`node_modules/${pkg}/package.json`, "utf8")).version;

export function machine() {
  const cpuinfo = readFileSync("/proc/cpuinfo", "utf8");
  const model = /model name\s*:\s*(.+)/.exec(cpuinfo)?.[1] ?? cpus()[0]?.model ?? "unknown";
  const memKb = Number(/MemTotal:\s*(\d+)/.exec(readFileSync("/proc/meminfo", "utf8"))?.[1] ?? 0);
  return {
    nproc: Number(out("nproc", [])) || cpus().length,
    cpu: model,
    memoryGiB: Math.round((memKb / 1024 / 1024) * 10) / 10,
    node: process.version,
    workerd: out("node_modules/.bin/workerd", ["--version"]),
    miniflare: version("miniflare"),
    wrangler: version("wrangler"),
    autocannon: version("autocannon"),
    pinning: HAS_TASKSET ? "server on core 0, load generator on core 1 (taskset)" : "no taskset: not pinned",
  };
}

export const describeMachine = (m) =>
  `${m.nproc} × ${m.cpu}, ${m.memoryGiB} GiB RAM; Node ${m.node}, ${m.workerd} (miniflare ${m.miniflare}, wrangler ${m.wrangler}), autocannon ${m.autocannon}; ${m.pinning}`;
