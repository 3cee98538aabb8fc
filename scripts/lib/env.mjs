// The environment every wrangler/miniflare run needs here: no telemetry, no prompts, no request.cf fetch.
export const WRANGLER_ENV = {
  ...process.env,
  WRANGLER_SEND_METRICS: "false",
  CI: "true",
  CLOUDFLARE_CF_FETCH_ENABLED: "false",
};
Object.assign(process.env, WRANGLER_ENV);
