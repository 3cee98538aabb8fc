import type { Reporter, TestCase, TestModule, TestSpecification } from "vitest/node";

/**
 * A vitest reporter that puts hard time limits on a run and, when one is exceeded, names what is stuck
 * and ends the run instead of waiting forever (vitest's testTimeout and hookTimeout only cover tests and
 * hooks):
 * - a test file that does not report within `fileTimeoutMs` of being picked up: named with the test it
 *   was in, or "collecting" when its top-level code or set-up never finished (the reliability files load
 *   /openapi.json at import time). The run fails.
 * - no file running for `idleTimeoutMs` while the run has not ended: a pool worker did not shut down
 *   after its file. With one worker slot (vitest's default on 2 cores) that also keeps every later file
 *   from starting: what `npm test` once did for 19+ minutes with the CPU idle (docs/DESIGN.md, Testing). The
 *   files that never started are named; the run fails. If every file had already reported and passed,
 *   only the shutdown is stuck: the run ends with the tests' own result and a warning.
 * The reporter runs in vitest's main process, so it still sees the clock when the Worker side is stuck.
 */
export interface WatchdogOptions {
  /** Longest time one test file may take from being picked up to reporting. */
  fileTimeoutMs: number;
  /** Longest time with no file running before the run has ended. Default 60 s. */
  idleTimeoutMs?: number;
  /** How often to look. */
  intervalMs?: number;
}

interface Running {
  since: number;
  test: string | null;
  testSince: number;
}

export class Watchdog implements Reporter {
  private readonly running = new Map<string, Running>();
  private readonly expected = new Set<string>();
  private readonly reported = new Map<string, string>();
  private lastEnd: { id: string; at: number } | undefined;
  private timer: ReturnType<typeof setInterval> | undefined;
  private readonly root = process.cwd();

  constructor(private readonly opts: WatchdogOptions) {}

  onInit(): void {
    this.timer = setInterval(() => this.check(), this.opts.intervalMs ?? 5_000);
    this.timer.unref();
  }

  onTestRunStart(specifications: ReadonlyArray<TestSpecification>): void {
    for (const s of specifications) this.expected.add(s.moduleId);
  }

  onTestModuleQueued(module: TestModule): void {
    this.running.set(module.moduleId, { since: Date.now(), test: null, testSince: Date.now() });
  }

  onTestCaseReady(test: TestCase): void {
    const r = this.running.get(test.module.moduleId);
    if (r) {
      r.test = test.fullName;
      r.testSince = Date.now();
    }
  }

  onTestModuleEnd(module: TestModule): void {
    this.running.delete(module.moduleId);
    this.reported.set(module.moduleId, module.state());
    this.lastEnd = { id: module.moduleId, at: Date.now() };
  }

  onTestRunEnd(): void {
    clearInterval(this.timer);
  }

  private name(moduleId: string): string {
    return moduleId.startsWith(this.root) ? moduleId.slice(this.root.length + 1) : moduleId;
  }

  private stop(message: string, code: number): void {
    clearInterval(this.timer);
    process.stderr.write(`\nWATCHDOG: ${message}\n`);
    // Let stderr flush. The stage runner (scripts/test.mjs) also kills the process group, workerd included.
    process.exitCode = code;
    setTimeout(() => process.exit(code), 500);
  }

  private check(): void {
    const now = Date.now();
    const secs = (ms: number) => `${Math.round(ms / 1000)} s`;
    const late = [...this.running].filter(([, r]) => now - r.since > this.opts.fileTimeoutMs);
    if (late.length > 0) {
      const lines = [...this.running].map(([id, r]) => {
        const where = r.test
          ? `in "${r.test}" for ${secs(now - r.testSince)}`
          : "still collecting (top-level code or set-up never finished)";
        return `  ${this.name(id)}: ${secs(now - r.since)}, ${where}`;
      });
      this.stop(
        `${late.map(([id]) => this.name(id)).join(", ")} did not report within ${secs(this.opts.fileTimeoutMs)}; failing the run.\nFiles that had not reported:\n${lines.join("\n")}`,
        1,
      );
      return;
    }
    const idle = this.opts.idleTimeoutMs ?? 60_000;
    if (this.running.size > 0 || !this.lastEnd || now - this.lastEnd.at < idle) return;
    const missing = [...this.expected].filter((id) => !this.reported.has(id)).map((id) => this.name(id));
    const after = `${this.name(this.lastEnd.id)} ended ${secs(now - this.lastEnd.at)} ago`;
    if (missing.length > 0) {
      this.stop(
        `no test file has run since ${after}, and these never started: ${missing.join(", ")}. A pool worker did not shut down after its file (its workerd stopped answering) and holds the slot; failing the run.`,
        1,
      );
    } else {
      const failed = [...this.reported.values()].some((s) => s !== "passed" && s !== "skipped");
      this.stop(
        `every test file reported, but vitest has not finished ${after}: a pool worker did not shut down. Ending the run with the tests' result (${failed ? "failed" : "passed"}).`,
        failed ? 1 : 0,
      );
    }
  }
}
