import { fileURLToPath } from "node:url";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";

/**
 * `npm run search:eval`: the search quality evaluation (test/search/eval/posts.eval.ts) alone, in workerd
 * with a database of its own (no other test's posts). SEARCH_EVAL_ENGINE=meilisearch (set by
 * scripts/search-eval.mjs when MEILISEARCH_URL is set) runs the Worker with the Meilisearch engine.
 */
const root = fileURLToPath(new URL("../../../", import.meta.url));

export default defineConfig(async () => {
  const meili = process.env.SEARCH_EVAL_ENGINE === "meilisearch";
  if (meili && !process.env.MEILISEARCH_URL)
    throw new Error("SEARCH_EVAL_ENGINE=meilisearch needs MEILISEARCH_URL");
  return {
    root,
    plugins: [
      cloudflareTest({
        main: "./src/index.ts",
        wrangler: { configPath: "./wrangler.toml" },
        miniflare: {
          bindings: {
            TEST_MIGRATIONS: await readD1Migrations(`${root}migrations`),
            ENVIRONMENT: "development",
            LOG_REQUESTS: "false",
            PASSWORD_PBKDF2_ITERATIONS: "1000",
            ...(meili
              ? {
                  SEARCH_ENGINE: "meilisearch",
                  MEILISEARCH_URL: process.env.MEILISEARCH_URL!,
                  MEILISEARCH_API_KEY: process.env.MEILISEARCH_API_KEY ?? "",
                  MEILISEARCH_INDEX_PREFIX: process.env.MEILISEARCH_INDEX_PREFIX ?? "majlis_eval_",
                }
              : {}),
          },
        },
      }),
    ],
    test: {
      include: ["test/search/eval/**/*.eval.ts"],
      setupFiles: ["./test/support/setup.ts"],
      testTimeout: 900_000,
      hookTimeout: 60_000,
    },
  };
});
