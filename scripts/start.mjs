// `npm start`: apply local D1 migrations, seed demo data when the database is empty, run `wrangler dev` in
// development mode.
import { spawn, spawnSync } from "node:child_process";
import { WRANGLER_ENV } from "./lib/env.mjs";
import { openLocalD1 } from "./lib/local-d1.mjs";

function run(args) {
  const r = spawnSync("npx", args, { stdio: "inherit", env: WRANGLER_ENV });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

console.log("› applying local D1 migrations");
run(["wrangler", "d1", "migrations", "apply", "DB", "--local"]);

const { db, close } = await openLocalD1();
const { count } = await db.prepare("SELECT count(*) AS count FROM users").first();
await close();
const fresh = count === 0;
if (fresh) {
  console.log("› empty database: seeding demo data");
  run(["node", "scripts/seed.mjs", "--demo"]);
} else {
  console.log(`› database has ${count} members: not seeding (run \`npm run seed -- --users N\` to add more)`);
}

// wrangler.toml says production; local runs are the one place development mode (public fallback keys,
// the outbox route) is turned on.
console.log("› starting wrangler dev on http://127.0.0.1:8787 (ENVIRONMENT=development)");
const dev = spawn(
  "npx",
  [
    "wrangler",
    "dev",
    "--ip",
    "127.0.0.1",
    "--port",
    "8787",
    "--var",
    "ENVIRONMENT:development",
    ...process.argv.slice(2),
  ],
  {
    stdio: "inherit",
    env: WRANGLER_ENV,
  },
);
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => dev.kill(sig));

// Conversations live in Durable Objects, so the demo ones are created through the API once it is up.
if (fresh) {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    const up = await fetch("http://127.0.0.1:8787/health")
      .then((r) => r.ok)
      .catch(() => false);
    if (up) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  const live = spawnSync("node", ["scripts/seed-live.mjs"], { stdio: "inherit", env: WRANGLER_ENV });
  if (live.status !== 0)
    console.warn("› demo conversations could not be created (see above); the API is still running");
}
dev.on("exit", (code) => process.exit(code ?? 0));
