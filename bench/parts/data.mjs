// Data: seeded databases at each scale, built once with the project's seed generator (scripts/seed.mjs,
// batched multi-row INSERTs) and reused while the migrations and seed code are unchanged.
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { WRANGLER_ENV } from "../../scripts/lib/env.mjs";
import { openLocalD1 } from "../../scripts/lib/local-d1.mjs";
import { persistRoot } from "../lib/paths.mjs";
import { machineBusyMs, TICK_MS } from "../lib/server.mjs";

/** CPU ms used by this process's finished children (cutime + cstime; includes their own children). */
function childrenCpuMs() {
  const f = readFileSync("/proc/self/stat", "utf8").split(") ")[1].split(" ");
  return (Number(f[13]) + Number(f[14])) * TICK_MS;
}

export const SCALES = {
  "10k": { posts: 10_000, users: 1_000 },
  "100k": { posts: 100_000, users: 5_000 },
  "1M": { posts: 1_000_000, users: 20_000 },
};

/**
 * A change to the schema invalidates a stored database (migrations/0000_schema.sql is regenerated from the
 * whole schema, so it cannot be applied incrementally). Changes to the seed code alone do not: use --fresh.
 */
function fingerprint(spec) {
  const h = createHash("sha256").update(JSON.stringify(spec));
  for (const f of readdirSync("migrations").sort()) {
    const p = join("migrations", f);
    if (statSync(p).isFile()) h.update(f).update(readFileSync(p));
  }
  return h.digest("hex").slice(0, 16);
}

function dirBytes(dir) {
  if (!existsSync(dir)) return 0;
  return readdirSync(dir, { recursive: true })
    .map((f) => join(dir, String(f)))
    .filter((p) => statSync(p).isFile())
    .reduce((n, p) => n + statSync(p).size, 0);
}

/** Applies the migrations to an empty state directory (used by every part that needs a fresh database). */
export function migrate(root) {
  rmSync(root, { recursive: true, force: true });
  const r = spawnSync(
    "npx",
    ["wrangler", "d1", "migrations", "apply", "DB", "--local", "--persist-to", root],
    { env: WRANGLER_ENV, encoding: "utf8" },
  );
  if (r.status !== 0) throw new Error(`migrations failed:\n${r.stdout}\n${r.stderr}`);
}

async function counts(root) {
  const { db, close } = await openLocalD1(root);
  const out = {};
  for (const t of ["users", "follows", "connections", "posts", "comments", "reactions", "post_hashtags"]) {
    out[t] = (await db.prepare(`SELECT count(*) AS n FROM ${t}`).first()).n;
  }
  await close();
  return out;
}

/** Rows in the search index (0 when the table is missing or empty). */
export async function searchDocs(root) {
  const { db, close } = await openLocalD1(root);
  try {
    return (await db.prepare("SELECT count(*) AS n FROM search_docs WHERE in_index = 1").first()).n;
  } catch {
    return 0;
  } finally {
    await close();
  }
}

/**
 * Builds the search index with the project's own `npm run search:rebuild` (the seed writes rows directly,
 * not through the indexing queue) when the seed has not built it already, for scales up to `maxPosts`
 * posts (`--index-up-to`). The rate depends on the machine's load: about 1,500 to 1,800 documents a
 * second on a quiet machine, about 340 at a load average of 10 on the 2 cores. Updates `info.search`
 * in place: { state, seconds?, docs }.
 */
async function ensureSearchIndex(info, root, maxPosts, log) {
  const scripts = JSON.parse(readFileSync("package.json", "utf8")).scripts ?? {};
  const done = info.search?.state === "built";
  if (!done) {
    if (!scripts["search:rebuild"]) info.search = { state: "no `npm run search:rebuild` script" };
    else if (info.rows.posts > maxPosts)
      info.search = {
        state: `not built: ${info.scale} is above --index-up-to`,
      };
    else {
      const command = `npm run search:rebuild -- --persist ${relative(process.cwd(), root)}`;
      log(`  data ${info.scale}: ${command}`);
      const started = Date.now();
      const r = spawnSync("npm", ["run", "search:rebuild", "--", "--persist", root], {
        stdio: ["ignore", "inherit", "inherit"],
        env: WRANGLER_ENV,
      });
      info.search =
        r.status === 0
          ? { state: "built", seconds: (Date.now() - started) / 1000, command }
          : { state: `the rebuild failed (exit ${r.status})` };
    }
  }
  info.search.docs = await searchDocs(root);
}

/** Makes sure the database for `scale` exists; returns how it was loaded (time, rows, size). */
export async function ensureScale(scale, { fresh = false, indexUpTo = 100_000, log = console.log } = {}) {
  const spec = SCALES[scale];
  if (!spec) throw new Error(`unknown scale ${scale} (${Object.keys(SCALES).join(", ")})`);
  const root = persistRoot(scale);
  const marker = join(root, "seed.json");
  const fp = fingerprint(spec);
  if (!fresh && existsSync(marker)) {
    const info = JSON.parse(readFileSync(marker, "utf8"));
    if (info.fingerprint === fp) {
      await ensureSearchIndex(info, root, indexUpTo, log);
      writeFileSync(marker, JSON.stringify(info, null, 2));
      return { ...info, reused: true };
    }
    log(`  data ${scale}: the schema changed since it was loaded: reloading`);
  }
  rmSync(root, { recursive: true, force: true }); // the seed applies the migrations to the empty directory
  const command = `node scripts/seed.mjs --users ${spec.users} --posts ${spec.posts} --persist ${root.replace(`${process.cwd()}/`, "")}`;
  log(`  data ${scale}: ${command}`);
  const started = Date.now();
  const busyBefore = machineBusyMs();
  const childBefore = childrenCpuMs();
  let rowsWritten = null;
  // The seed builds the search index itself (scripts/search-rebuild.mjs, one "<type>: N indexed (d1) in
  // S s" line per type); it is recorded so ensureSearchIndex does not build it a second time.
  const indexed = new Map();
  const code = await new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ["scripts/seed.mjs", "--users", String(spec.users), "--posts", String(spec.posts), "--persist", root],
      { stdio: ["ignore", "pipe", "inherit"], env: WRANGLER_ENV },
    );
    let buffer = "";
    child.stdout.on("data", (d) => {
      buffer += d;
      const lines = buffer.split("\n");
      buffer = lines.pop();
      for (const line of lines) {
        const done = /done: (\d+) rows/.exec(line);
        if (done) rowsWritten = Number(done[1]);
        const index = /^(people|posts): (\d+) indexed \(d1\) in ([\d.]+)s/.exec(line.trim());
        if (index) indexed.set(index[1], Number(index[3]));
        if (line.trim()) log(`    ${line.trim()}`);
      }
    });
    child.on("exit", resolve);
  });
  if (code !== 0) throw new Error(`seeding ${scale} failed`);
  const loadSeconds = (Date.now() - started) / 1000;
  const seedCpuMs = childrenCpuMs() - childBefore;
  const otherCpu = Math.max(0, machineBusyMs() - busyBefore - seedCpuMs) / 1000 / loadSeconds;
  const rows = await counts(root);
  const info = {
    scale,
    fingerprint: fp,
    command,
    loadSeconds,
    seedCpuSeconds: seedCpuMs / 1000,
    otherCpu,
    rows,
    totalRows: Object.values(rows).reduce((a, b) => a + b, 0),
    rowsWritten,
    bytes: dirBytes(join(root, "v3", "d1")),
    loadedAt: new Date().toISOString(),
    ...(indexed.has("people") && indexed.has("posts")
      ? {
          search: {
            state: "built",
            seconds: indexed.get("people") + indexed.get("posts"),
            command: "the seed's own `node scripts/search-rebuild.mjs --engine d1`",
          },
        }
      : {}),
  };
  writeFileSync(marker, JSON.stringify(info, null, 2)); // the load is recorded even if indexing fails
  await ensureSearchIndex(info, root, indexUpTo, log);
  writeFileSync(marker, JSON.stringify(info, null, 2));
  return { ...info, reused: false };
}
