// `npm run deploy [-- wrangler deploy flags]`: refuses a configuration that would run the Worker in
// development mode (scripts/lib/deploy-check.mjs), then runs `wrangler deploy` with the same flags.
import { spawnSync } from "node:child_process";
import { unstable_readConfig } from "wrangler";
import { deployRefusal, deployTarget, deployWarnings } from "./lib/deploy-check.mjs";
import { WRANGLER_ENV } from "./lib/env.mjs";

const args = process.argv.slice(2);
let target;
try {
  target = deployTarget(args);
} catch (err) {
  console.error(`npm run deploy: ${err.message}`);
  process.exit(2);
}
// The same reading of wrangler.toml as `wrangler deploy` (--env, else CLOUDFLARE_ENV; vars do not inherit).
const config = unstable_readConfig({ config: target.config, env: target.env }, { hideWarnings: true });
const vars = { ...config.vars, ...target.vars };
const refusal = deployRefusal(vars, target.env ?? process.env.CLOUDFLARE_ENV);
if (refusal) {
  console.error(refusal);
  process.exit(1);
}
for (const warning of deployWarnings(vars, target)) console.warn(`warning: ${warning}`);

const result = spawnSync("npx", ["wrangler", "deploy", ...args], { stdio: "inherit", env: WRANGLER_ENV });
process.exit(result.status ?? 1);
