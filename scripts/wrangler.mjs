// Runs the project's wrangler with the environment every local run needs: `node scripts/wrangler.mjs <args>`.
import { spawnSync } from "node:child_process";
import { WRANGLER_ENV } from "./lib/env.mjs";

const result = spawnSync("npx", ["wrangler", ...process.argv.slice(2)], {
  stdio: "inherit",
  env: WRANGLER_ENV,
});
process.exit(result.status ?? 1);
