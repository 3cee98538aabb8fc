// Search quality evaluation (test/search/eval): publishes the evaluation posts through the API in workerd,
// runs every query through GET /api/v1/search?type=posts, prints recall@10, MRR and must-not-match counts
// per phenomenon, and fails when a goal is missed.
//   npm run search:eval                      D1 engine; then Meilisearch too when MEILISEARCH_URL is set
//   MEILISEARCH_URL=http://127.0.0.1:7700 MEILISEARCH_API_KEY=... npm run search:eval
import { spawnSync } from "node:child_process";

const env = {
  ...process.env,
  WRANGLER_SEND_METRICS: "false",
  CI: "true",
  CLOUDFLARE_CF_FETCH_ENABLED: "false",
};
const engines = ["d1", ...(process.env.MEILISEARCH_URL ? ["meilisearch"] : [])];
let failed = false;
for (const engine of engines) {
  const run = spawnSync("npx", ["vitest", "run", "--config", "test/search/eval/vitest.config.ts"], {
    stdio: "inherit",
    env: { ...env, SEARCH_EVAL_ENGINE: engine },
  });
  if (run.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
