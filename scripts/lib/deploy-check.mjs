// The rules `npm run deploy` (scripts/deploy.mjs) applies before calling `wrangler deploy`. Pure functions,
// tested in test/node/deploy-check.spec.mjs.

/** ENVIRONMENT values that turn development mode on in the Worker (src/platform/environment.ts). */
export const DEVELOPMENT_ENVIRONMENTS = ["development", "test"];

/**
 * What in `wrangler deploy` arguments changes the Worker's effective vars: the environment (`--env`/`-e`),
 * the config file (`--config`/`-c`), `--var KEY:VALUE` overrides and `--keep-vars` (keeps dashboard vars).
 */
export function deployTarget(args) {
  const target = { env: undefined, config: undefined, vars: {}, keepVars: false };
  const value = (i, flag) => {
    const v = args[i + 1];
    if (v === undefined || v.startsWith("-")) throw new Error(`${flag} needs a value`);
    return v;
  };
  const addVar = (pair) => {
    const at = pair.indexOf(":");
    if (at <= 0) throw new Error(`--var expects KEY:VALUE (got "${pair}")`);
    target.vars[pair.slice(0, at)] = pair.slice(at + 1);
  };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const [flag, inline] =
      arg.startsWith("--") && arg.includes("=")
        ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)]
        : [arg, undefined];
    if (flag === "--env" || flag === "-e") target.env = inline ?? value(i++, flag);
    else if (flag === "--config" || flag === "-c") target.config = inline ?? value(i++, flag);
    else if (flag === "--keep-vars") target.keepVars = inline === undefined || inline === "true";
    else if (flag === "--var") {
      if (inline !== undefined) addVar(inline);
      else {
        addVar(value(i++, flag));
        // yargs arrays: `--var A:1 B:2`
        while (args[i + 1] !== undefined && !args[i + 1].startsWith("-") && args[i + 1].includes(":"))
          addVar(args[++i]);
      }
    }
  }
  return target;
}

/** Why a deploy with these effective vars must not go ahead, or null when it may. */
export function deployRefusal(vars, envName) {
  const environment = vars.ENVIRONMENT;
  if (typeof environment === "string" && DEVELOPMENT_ENVIRONMENTS.includes(environment)) {
    const where = envName ? `[env.${envName}.vars]` : "[vars]";
    return [
      `Refusing to deploy: ENVIRONMENT = "${environment}" (from ${where} in wrangler.toml or --var).`,
      "In development mode the Worker signs tokens with a public key (anyone could forge an admin token),",
      "serves GET /api/v1/dev/outbox to anyone and signs media and unsubscribe links with public keys.",
      'Set ENVIRONMENT = "production" for this environment, and set the secrets JWT_SECRET and',
      "MEDIA_SIGNING_SECRET (at least 32 bytes each): openssl rand -base64 48 | npx wrangler secret put JWT_SECRET",
    ].join("\n");
  }
  return null;
}

/** Things that are allowed but probably not meant for a deployed Worker. */
export function deployWarnings(vars, { keepVars = false } = {}) {
  const warnings = [];
  if (vars.ENVIRONMENT === undefined)
    warnings.push("ENVIRONMENT is not set for this environment: the Worker runs in production mode.");
  const local = /\/\/(localhost|127\.0\.0\.1)(:|\/|$)/;
  if (typeof vars.APP_URL === "string" && local.test(vars.APP_URL))
    warnings.push(
      `APP_URL is ${vars.APP_URL}: links in emails and media URLs will point to a local address.`,
    );
  if (keepVars)
    warnings.push(
      "--keep-vars keeps variables set in the dashboard: check ENVIRONMENT there is not development.",
    );
  return warnings;
}
