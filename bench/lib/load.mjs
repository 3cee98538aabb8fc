// Runs one autocannon load (bench/lib/cannon.mjs) pinned to core 1 and reads the server's CPU time
// around the measured window.
import { spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { STATE } from "./paths.mjs";
import { cpuMsOf, machineBusyMs, pinned } from "./server.mjs";

let specCounter = 0;

/**
 * @param server from startServer()
 * @param spec   { connections, seconds, warmupSeconds, method, paths, tokens, body }
 * @returns autocannon figures plus cpuMsPerRequest (workerd only and whole server tree), and how busy the
 *          server, the load generator and everything else on the machine were (in cores)
 */
export async function load(server, spec) {
  mkdirSync(join(STATE, "tmp"), { recursive: true });
  const file = join(STATE, "tmp", `spec-${process.pid}-${specCounter++}.json`);
  writeFileSync(file, JSON.stringify({ url: server.url, ...spec }));
  const [cmd, args] = pinned(1, process.execPath, ["bench/lib/cannon.mjs", file]);
  const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "inherit"] });
  let before = null;
  let after = null;
  let result = null;
  let buffer = "";
  child.stdout.on("data", (d) => {
    buffer += d;
    let nl = buffer.indexOf("\n");
    while (nl >= 0) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      const snap = () => ({
        w: server.workerdCpuMs(),
        t: server.cpuMs(),
        g: cpuMsOf(child.pid),
        m: machineBusyMs(),
      });
      if (line === "measure-start") before = snap();
      else if (line === "measure-end") after = snap();
      else if (line.startsWith("{")) result = JSON.parse(line);
      nl = buffer.indexOf("\n");
    }
  });
  const code = await new Promise((resolve) => child.on("exit", resolve));
  if (code !== 0 || !result) throw new Error(`load generator failed (exit ${code})`);
  const n = Math.max(1, result.requests);
  return {
    ...result,
    cpuMsPerRequest: before && after && before.w !== null ? (after.w - before.w) / n : null,
    treeCpuMsPerRequest: before && after ? (after.t - before.t) / n : null,
    serverCpuShare: before && after ? (after.t - before.t) / 1000 / result.seconds : null,
    loadGenCpuShare: before && after ? (after.g - before.g) / 1000 / result.seconds : null,
    // CPU used by everything else on the machine (other people's processes), in cores: a noise indicator.
    otherCpu:
      before && after
        ? Math.max(0, after.m - before.m - (after.t - before.t) - (after.g - before.g)) /
          1000 /
          result.seconds
        : null,
  };
}
