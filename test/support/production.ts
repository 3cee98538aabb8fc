import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import worker from "../../src/index";
import type { Bindings } from "../../src/platform/env";

/**
 * The Worker as it runs when deployed: the suite's bindings (D1, KV, Durable Objects...) with the
 * configuration overridden, called through its default export's `fetch` (the deployed entry point).
 */
export const randomSecret = () => btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(48))));

/** A correctly configured production Worker: production mode, real secrets, nothing from development. */
export function productionEnv(overrides: Partial<Bindings> = {}): Bindings {
  return {
    ...env,
    ENVIRONMENT: "production",
    JWT_SECRET: randomSecret(),
    JWT_SECRET_PREVIOUS: undefined,
    MEDIA_SIGNING_SECRET: randomSecret(),
    UNSUBSCRIBE_SECRET: undefined,
    ...overrides,
  };
}

export interface Answer {
  status: number;
  headers: Headers;
  body: any;
}

/** One request to the Worker's fetch handler with `bindings`; waitUntil work is awaited. */
export async function fetchWith(
  bindings: Bindings,
  path: string,
  init: {
    method?: string;
    token?: string;
    body?: unknown;
    ip?: string;
    headers?: Record<string, string>;
  } = {},
): Promise<Answer> {
  const headers: Record<string, string> = {
    "cf-connecting-ip": init.ip ?? "192.0.2.200",
    "accept-language": "en",
    ...init.headers,
  };
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  if (init.body !== undefined) headers["content-type"] = "application/json";
  const request = new Request(`https://majlis.test${path}`, {
    method: init.method ?? "GET",
    headers,
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const ctx = createExecutionContext();
  const res = await worker.fetch(request as Request<unknown, IncomingRequestCfProperties>, bindings, ctx);
  await waitOnExecutionContext(ctx);
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    // not JSON
  }
  return { status: res.status, headers: res.headers, body };
}
