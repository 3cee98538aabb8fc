import type { Bindings } from "../../platform/env";

/**
 * A small adapter for Cloudflare Stream (video), used only when STREAM_ACCOUNT_ID and STREAM_API_TOKEN are
 * set. It hands a stored video to Stream with a direct upload (POST /stream/direct_upload, then one
 * multipart POST of the bytes to the returned uploadURL) and asks for readiness (GET /stream/{uid}).
 * Without credentials videos play from the R2 original.
 */
export const STREAM_API = "https://api.cloudflare.com/client/v4";

export interface StreamConfig {
  accountId: string;
  token: string;
}

export function streamConfig(
  env: Pick<Bindings, "STREAM_ACCOUNT_ID" | "STREAM_API_TOKEN">,
): StreamConfig | null {
  if (!env.STREAM_ACCOUNT_ID || !env.STREAM_API_TOKEN) return null;
  return { accountId: env.STREAM_ACCOUNT_ID, token: env.STREAM_API_TOKEN };
}

/** A Stream API failure; `permanent` when repeating the call cannot help (4xx other than 408/429). */
export class StreamError extends Error {
  readonly permanent: boolean;
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.permanent = status >= 400 && status < 500 && status !== 408 && status !== 429;
  }
}

interface ApiEnvelope<T> {
  success: boolean;
  result: T | null;
  errors?: { code: number; message: string }[];
}

async function api<T>(cfg: StreamConfig, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${STREAM_API}/accounts/${cfg.accountId}/stream${path}`, {
    method,
    headers: {
      authorization: `Bearer ${cfg.token}`,
      ...(body !== undefined ? { "content-type": "application/json" } : {}),
    },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  const payload = (await res.json().catch(() => null)) as ApiEnvelope<T> | null;
  if (!res.ok || !payload?.success || payload.result === null) {
    const reason = payload?.errors?.map((e) => `${e.code} ${e.message}`).join("; ") || res.statusText;
    throw new StreamError(`Stream ${method} ${path}: ${res.status} ${reason}`, res.ok ? 502 : res.status);
  }
  return payload.result;
}

/** Uploads `size` bytes from `body` to Stream; answers the new video's uid. */
export async function uploadToStream(
  cfg: StreamConfig,
  video: {
    body: ReadableStream<Uint8Array>;
    size: number;
    contentType: string;
    name: string;
    creator: string;
  },
): Promise<string> {
  const ticket = await api<{ uid: string; uploadURL: string }>(cfg, "POST", "/direct_upload", {
    maxDurationSeconds: 3600,
    creator: video.creator,
    meta: { name: video.name },
  });
  // One multipart/form-data part named "file", streamed with a known length (no buffering).
  const boundary = `majlis-${crypto.randomUUID()}`;
  const enc = new TextEncoder();
  const head = enc.encode(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${video.name}"\r\nContent-Type: ${video.contentType}\r\n\r\n`,
  );
  const tail = enc.encode(`\r\n--${boundary}--\r\n`);
  const { readable, writable } = new FixedLengthStream(head.length + video.size + tail.length);
  const writer = writable.getWriter();
  const pump = (async () => {
    await writer.write(head);
    const reader = video.body.getReader();
    for (let r = await reader.read(); !r.done; r = await reader.read()) await writer.write(r.value);
    await writer.write(tail);
    await writer.close();
  })();
  pump.catch(() => {});
  const res = await fetch(ticket.uploadURL, {
    method: "POST",
    headers: { "content-type": `multipart/form-data; boundary=${boundary}` },
    body: readable,
  });
  if (!res.ok) {
    await writer.abort("upload refused").catch(() => {});
    throw new StreamError(`Stream upload: ${res.status}`, res.status);
  }
  await pump;
  return ticket.uid;
}

export interface StreamVideoState {
  state: "ready" | "inprogress" | "error";
  hls: string | null;
  durationSeconds: number | null;
  width: number | null;
  height: number | null;
  thumbnail: string | null;
  errorReason: string | null;
}

interface StreamVideo {
  uid: string;
  readyToStream: boolean;
  status?: { state?: string; errorReasonCode?: string; errorReasonText?: string };
  duration?: number;
  input?: { width?: number; height?: number };
  playback?: { hls?: string; dash?: string };
  thumbnail?: string;
}

export async function streamVideoState(cfg: StreamConfig, uid: string): Promise<StreamVideoState> {
  const v = await api<StreamVideo>(cfg, "GET", `/${encodeURIComponent(uid)}`);
  const failed = v.status?.state === "error";
  const positive = (n: number | undefined) => (typeof n === "number" && n > 0 ? Math.round(n) : null);
  return {
    state: v.readyToStream && v.playback?.hls ? "ready" : failed ? "error" : "inprogress",
    hls: v.playback?.hls ?? null,
    durationSeconds: positive(v.duration),
    width: positive(v.input?.width),
    height: positive(v.input?.height),
    thumbnail: v.thumbnail ?? null,
    errorReason: failed ? v.status?.errorReasonCode || v.status?.errorReasonText || "STREAM_ERROR" : null,
  };
}

export async function deleteFromStream(cfg: StreamConfig, uid: string): Promise<void> {
  const res = await fetch(`${STREAM_API}/accounts/${cfg.accountId}/stream/${encodeURIComponent(uid)}`, {
    method: "DELETE",
    headers: { authorization: `Bearer ${cfg.token}` },
  });
  if (!res.ok && res.status !== 404) throw new StreamError(`Stream DELETE: ${res.status}`, res.status);
}
