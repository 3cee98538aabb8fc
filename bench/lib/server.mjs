// Starts and stops the bench server (bench/lib/serve.mjs) in its own process, pinned to core 0 when
// taskset exists, and reads the CPU time its process tree has used (Linux /proc).
import { spawn, spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { BENCH_CONFIG } from "./build.mjs";
import { STATE } from "./paths.mjs";

export const HAS_TASKSET = spawnSync("taskset", ["-c", "0", "true"]).status === 0;
export const TICK_MS = 1000 / (Number(spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).stdout) || 100);

/** `command args` pinned to `core` when taskset is available. */
export function pinned(core, command, args) {
  return HAS_TASKSET ? ["taskset", ["-c", String(core), command, ...args]] : [command, args];
}

// Servers still running when the bench exits (an error, Ctrl-C) are stopped with it.
const live = new Set();
process.on("exit", () => {
  for (const child of live) child.kill("SIGKILL");
});
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => process.exit(130));

export async function startServer(persist) {
  const [cmd, args] = pinned(0, process.execPath, [
    "bench/lib/serve.mjs",
    join(STATE, "dist"),
    BENCH_CONFIG,
    persist,
  ]);
  const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"] });
  live.add(child);
  child.on("exit", () => live.delete(child));
  let stderr = "";
  child.stderr.on("data", (d) => {
    stderr = (stderr + d).slice(-4000);
  });
  const url = await new Promise((resolve, reject) => {
    let out = "";
    const onData = (d) => {
      out += d;
      const line = out.split("\n").find((l) => l.startsWith('{"ready"'));
      if (line) {
        child.stdout.off("data", onData);
        resolve(JSON.parse(line).url);
      }
    };
    child.stdout.on("data", onData);
    child.on("exit", (code) => reject(new Error(`bench server exited (${code}):\n${stderr}`)));
  });
  // Keep the tail of later output (Worker logs) for error reports; the pipe never fills.
  child.stdout.on("data", (d) => {
    stderr = (stderr + d).slice(-4000);
  });
  const pid = child.pid;
  return {
    url,
    pid,
    /** The last few kB the server wrote (Worker logs and errors). */
    stderr: () => stderr,
    /** The workerd process (the runtime running the Worker, D1, DOs); the Node parent only supervises. */
    workerdPid: () => descendants(pid).find((p) => /workerd/.test(commOf(p))) ?? null,
    cpuMs: () => treeCpuMs(pid),
    workerdCpuMs() {
      const w = this.workerdPid();
      return w ? cpuMsOf(w) : null;
    },
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", resolve);
        child.kill("SIGTERM");
        setTimeout(() => child.kill("SIGKILL"), 5000).unref();
      }),
  };
}

/** Busy CPU time of the whole machine so far (all cores, /proc/stat), in ms. */
export function machineBusyMs() {
  const f = readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).slice(1).map(Number);
  const total = f.slice(0, 8).reduce((a, b) => a + b, 0);
  return (total - f[3] - f[4]) * TICK_MS;
}

function commOf(pid) {
  try {
    return readFileSync(`/proc/${pid}/comm`, "utf8").trim();
  } catch {
    return "";
  }
}

export function childrenOf(pid) {
  try {
    return readdirSync(`/proc/${pid}/task`).flatMap((t) =>
      readFileSync(`/proc/${pid}/task/${t}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number),
    );
  } catch {
    return [];
  }
}

function descendants(pid) {
  const out = [];
  for (const c of childrenOf(pid)) out.push(c, ...descendants(c));
  return out;
}

/** utime + stime of one process, in ms. */
export function cpuMsOf(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  } catch {
    return 0;
  }
}

/** CPU ms used so far by a process and all its descendants. */
export function treeCpuMs(pid) {
  return [pid, ...descendants(pid)].reduce((sum, p) => sum + cpuMsOf(p), 0);
}
