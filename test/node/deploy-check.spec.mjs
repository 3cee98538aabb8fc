import { describe, expect, it } from "vitest";
import { unstable_readConfig } from "wrangler";
import {
  DEVELOPMENT_ENVIRONMENTS,
  deployRefusal,
  deployTarget,
  deployWarnings,
} from "../../scripts/lib/deploy-check.mjs";
import { isDevelopmentMode } from "../../src/platform/environment.ts";

/** `npm run deploy` (scripts/deploy.mjs) refuses any configuration that would run in development mode. */
describe("deploy check", () => {
  it("the repository's wrangler.toml deploys in production mode as it is", () => {
    const { vars } = unstable_readConfig({ config: "wrangler.toml" }, { hideWarnings: true });
    expect(vars.ENVIRONMENT).toBe("production");
    expect(isDevelopmentMode(vars)).toBe(false);
    expect(deployRefusal(vars, undefined)).toBeNull();
  });

  it("refuses ENVIRONMENT development or test, from the file or from --var", () => {
    for (const ENVIRONMENT of ["development", "test"]) {
      const refusal = deployRefusal({ ENVIRONMENT, APP_URL: "https://majlis.example" }, "staging");
      expect(refusal).toContain(`ENVIRONMENT = "${ENVIRONMENT}"`);
      expect(refusal).toContain("[env.staging.vars]");
    }
    const target = deployTarget(["--env", "production", "--var", "ENVIRONMENT:development", "--dry-run"]);
    expect(target).toMatchObject({ env: "production", vars: { ENVIRONMENT: "development" } });
    expect(deployRefusal({ ENVIRONMENT: "production", ...target.vars }, target.env)).toMatch(/^Refusing/);
  });

  it("refuses exactly the values the Worker treats as development mode", () => {
    for (const ENVIRONMENT of [
      ...DEVELOPMENT_ENVIRONMENTS,
      "production",
      "staging",
      "Development",
      "dev",
      "",
    ]) {
      expect(deployRefusal({ ENVIRONMENT }) !== null).toBe(isDevelopmentMode({ ENVIRONMENT }));
    }
    expect(deployRefusal({})).toBeNull();
    expect(deployWarnings({})).toEqual([expect.stringContaining("production mode")]);
  });

  it("reads every form of the flags wrangler deploy accepts", () => {
    expect(deployTarget(["-e", "prod", "-c", "other.toml"])).toMatchObject({
      env: "prod",
      config: "other.toml",
    });
    expect(deployTarget(["--env=prod", "--config=x.toml", "--var=A:1"])).toMatchObject({
      env: "prod",
      config: "x.toml",
      vars: { A: "1" },
    });
    expect(deployTarget(["--var", "A:1", "B:http://x:8787", "--keep-vars"])).toMatchObject({
      vars: { A: "1", B: "http://x:8787" },
      keepVars: true,
    });
    expect(() => deployTarget(["--var", "nocolon"])).toThrow(/KEY:VALUE/);
    expect(() => deployTarget(["--env"])).toThrow(/needs a value/);
  });

  it("warns about a local APP_URL and --keep-vars", () => {
    const warnings = deployWarnings(
      { ENVIRONMENT: "production", APP_URL: "http://127.0.0.1:8787" },
      { keepVars: true },
    );
    expect(warnings).toHaveLength(2);
    expect(deployWarnings({ ENVIRONMENT: "production", APP_URL: "https://majlis.example" })).toEqual([]);
  });
});
