import { env } from "cloudflare:test";
import { dispatch, settled } from "./worker";

/**
 * Thin helpers over the Worker's fetch handler (see worker.ts for why not SELF.fetch): every request goes
 * through the real entry point, and its background work (`waitUntil`) has finished, or failed the call,
 * before the result comes back.
 */
export interface CallOptions {
  token?: string | undefined;
  body?: unknown;
  headers?: Record<string, string>;
  ip?: string;
  lang?: "ar" | "en";
}

export interface CallResult<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

let ipCounter = 0;
/** A fresh client address, so per-IP limits of one test do not leak into another. */
export function freshIp(): string {
  ipCounter++;
  return `10.${(ipCounter >> 16) & 255}.${(ipCounter >> 8) & 255}.${ipCounter & 255}`;
}

export async function call<T = any>(
  method: string,
  path: string,
  opts: CallOptions = {},
): Promise<CallResult<T>> {
  const headers: Record<string, string> = {
    "cf-connecting-ip": opts.ip ?? "192.0.2.1",
    "accept-language": opts.lang ?? "en",
    ...opts.headers,
  };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  let body: BodyInit | undefined;
  if (opts.body !== undefined) {
    if (typeof opts.body === "string" || opts.body instanceof FormData || opts.body instanceof ArrayBuffer) {
      body = opts.body as BodyInit;
    } else {
      body = JSON.stringify(opts.body);
      headers["content-type"] ??= "application/json";
    }
  }
  const res = await dispatch(new Request(`http://majlis.test${path}`, { method, headers, body }));
  const text = await res.text();
  await settled(res, `${method} ${path.split("?")[0]}`);
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    // not JSON
  }
  return { status: res.status, body: parsed as T, headers: res.headers };
}

export const get = <T = any>(path: string, opts?: CallOptions) => call<T>("GET", path, opts);
export const post = <T = any>(path: string, body?: unknown, opts?: CallOptions) =>
  call<T>("POST", path, { ...opts, body });
export const patch = <T = any>(path: string, body?: unknown, opts?: CallOptions) =>
  call<T>("PATCH", path, { ...opts, body });
export const put = <T = any>(path: string, body?: unknown, opts?: CallOptions) =>
  call<T>("PUT", path, { ...opts, body });
export const del = <T = any>(path: string, body?: unknown, opts?: CallOptions) =>
  call<T>("DELETE", path, { ...opts, body });

/** Waits for an email to reach the local outbox (the email queue delivers asynchronously). */
export async function waitForEmail(
  to: string,
  template: string,
  { timeoutMs = 10_000, after = "" }: { timeoutMs?: number; after?: string } = {},
): Promise<{
  id: string;
  code?: string;
  token?: string;
  link?: string;
  subject: string;
  text: string;
  html: string;
}> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const res = await get(`/api/v1/dev/outbox?to=${encodeURIComponent(to)}`);
    const found = (res.body?.data ?? []).find(
      (m: { template: string; id: string }) => m.template === template && m.id > after,
    );
    if (found) return found;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no ${template} email for ${to} within ${timeoutMs} ms`);
}

export { env };
