#!/usr/bin/env node
/**
 * `npm test`: the stages one after another, each with a hard time limit. When a stage runs over, the
 * runner names the test files of that stage that had not reported, kills the stage's whole process group
 * (vitest and its workerd processes) and fails. Inside the vitest stages, test/support/watchdog.ts also
 * gives every test file its own limit and names the test it was stuck in.
 *
 *   node scripts/test.mjs                 all stages
 *   node scripts/test.mjs unit workerd    some stages, by name
 *
 * Limits are generous multiples of a run on 2 busy cores; override one with TEST_LIMIT_<STAGE>=seconds.
 */
import { spawn } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";

const ROOT = new URL("..", import.meta.url).pathname;
const ENV = {
  ...process.env,
  WRANGLER_SEND_METRICS: "false",
  CI: "true",
  CLOUDFLARE_CF_FETCH_ENABLED: "false",
};

function files(dir, pattern) {
  const out = [];
  const walk = (d) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (pattern.test(relative(ROOT, p))) out.push(relative(ROOT, p));
    }
  };
  walk(join(ROOT, dir));
  return out.sort();
}

const STAGES = [
  { name: "check", limit: 600, cmd: ["npm", "run", "--silent", "check"], files: () => [] },
  {
    name: "unit",
    limit: 180,
    cmd: ["npx", "vitest", "run", "--config", "vitest.unit.config.ts"],
    files: () => [...files("test/unit", /\.test\.ts$/), ...files("test/node", /\.spec\.mjs$/)],
  },
  {
    name: "workerd",
    limit: 1200,
    cmd: ["npx", "vitest", "run"],
    files: () => files("test", /^test\/(?!reliability\/|unit\/).*\.test\.ts$/),
  },
  {
    name: "reliability",
    limit: 900,
    cmd: ["npx", "vitest", "run", "--config", "vitest.reliability.config.ts"],
    files: () => files("test/reliability", /\.test\.ts$/),
  },
  {
    name: "search-eval",
    limit: 480,
    cmd: ["node", "scripts/search-eval.mjs"],
    files: () => files("test/search/eval", /\.eval\.ts$/),
  },
];

/** A vitest line that reports a finished file: "✓ test/x.test.ts (3 tests) 12ms" (also ×, ❯, ↓). */
const REPORTED = /^\s*[✓×❯↓]\s+(test\/\S+\.(?:test\.ts|spec\.mjs|eval\.ts))/;
const COLOR = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, "g");

function run(stage) {
  const limit = Number(process.env[`TEST_LIMIT_${stage.name.toUpperCase()}`] ?? stage.limit) * 1000;
  const started = Date.now();
  const reported = new Set();
  return new Promise((resolve) => {
    const child = spawn(stage.cmd[0], stage.cmd.slice(1), {
      cwd: ROOT,
      env: ENV,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let timedOut = false;
    const scan = (chunk, out) => {
      out.write(chunk);
      for (const line of chunk.toString().split("\n")) {
        const m = REPORTED.exec(line.replace(COLOR, ""));
        if (m) reported.add(m[1]);
      }
    };
    child.stdout.on("data", (c) => scan(c, process.stdout));
    child.stderr.on("data", (c) => scan(c, process.stderr));
    const kill = (signal) => {
      try {
        process.kill(-child.pid, signal);
      } catch {
        // already gone
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      const missing = stage.files().filter((f) => !reported.has(f));
      process.stderr.write(
        `\nnpm test: stage "${stage.name}" ran over its ${limit / 1000} s limit. Test files that had not reported:\n${missing.map((f) => `  ${f}`).join("\n") || "  (none: it hung after the last file)"}\n`,
      );
      kill("SIGTERM");
      setTimeout(() => kill("SIGKILL"), 5_000).unref();
    }, limit);
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      // Whatever the stage left behind (a workerd whose vitest died) goes with it.
      kill("SIGKILL");
      resolve({
        name: stage.name,
        ok: !timedOut && code === 0,
        code: code ?? signal,
        seconds: (Date.now() - started) / 1000,
      });
    });
  });
}

const wanted = process.argv.slice(2);
const stages = wanted.length ? STAGES.filter((s) => wanted.includes(s.name)) : STAGES;
if (wanted.length && stages.length !== wanted.length) {
  console.error(`unknown stage; stages: ${STAGES.map((s) => s.name).join(", ")}`);
  process.exit(2);
}
const results = [];
for (const stage of stages) {
  console.log(`\n=== npm test: ${stage.name} (limit ${stage.limit} s) ===`);
  const result = await run(stage);
  results.push(result);
  if (!result.ok) break;
}
console.log(
  `\nnpm test stages:\n${results.map((r) => `  ${r.name.padEnd(12)} ${r.ok ? "passed" : `FAILED (${r.code})`} in ${r.seconds.toFixed(1)} s`).join("\n")}`,
);
process.exit(results.every((r) => r.ok) && results.length === stages.length ? 0 : 1);
