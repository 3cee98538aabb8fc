import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-pool-workers";
import { defineConfig, type ViteUserConfig } from "vitest/config";

/** The Worker under test in workerd with local bindings; shared by the main and reliability suites. */
export async function workersConfig(test: NonNullable<ViteUserConfig["test"]>): Promise<ViteUserConfig> {
  const migrations = await readD1Migrations("./migrations");
  return {
    plugins: [
      cloudflareTest({
        main: "./src/index.ts",
        wrangler: { configPath: "./wrangler.toml" },
        miniflare: {
          bindings: {
            TEST_MIGRATIONS: migrations,
            ENVIRONMENT: "development",
            LOG_REQUESTS: "false",
            // Tests hash many passwords; the production cost is measured in bench/, not here.
            PASSWORD_PBKDF2_ITERATIONS: "1000",
          },
        },
      }),
    ],
    test: { setupFiles: ["./test/support/setup.ts"], ...test },
  };
}

export default defineConfig(() =>
  workersConfig({
    include: ["test/**/*.test.ts"],
    // The reliability harness (fuzzer, authorization matrix, faults) runs on its own: npm run test:reliability.
    exclude: ["test/reliability/**"],
    // Test files mostly wait on workerd (D1, Durable Objects); vitest's default on 2 cores is one file
    // at a time. Three at once took the suite from ~19 to ~6 minutes here.
    maxWorkers: 3,
    testTimeout: 30_000,
    hookTimeout: 30_000,
  }),
);
