import type { Context } from "hono";
import { Hono } from "hono";
import type { AppEnv } from "../../env";
import { AppError, notFound } from "../../lib/errors";
import { verifyDownload } from "./signing";
import { IMMUTABLE_PREFIXES, PRIVATE_PREFIXES, PUBLIC_PREFIXES } from "./storage";

/**
 * GET/HEAD /media/{key}: objects straight from R2 with Content-Type, ETag (304 on If-None-Match),
 * Last-Modified, single byte ranges (206, 416), immutable caching for objects whose key never changes,
 * and nosniff. Documents and resumes need `?expires=&sig=` (signed, expiring) and download as
 * attachments. raw/ uploads are never served.
 */
const KEY = /^[A-Za-z0-9][A-Za-z0-9_./-]{0,200}$/;
const IMMUTABLE = "public, max-age=31536000, immutable";

interface ByteRange {
  start: number;
  end: number;
}

/** One `bytes=` range against `size`; null = serve the whole object, "unsatisfiable" = 416. */
export function parseRange(header: string | undefined, size: number): ByteRange | null | "unsatisfiable" {
  if (!header) return null;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === "" && m[2] === "")) return null; // multiple or malformed ranges: ignore (RFC 9110)
  if (m[1] === "") {
    const suffix = Number(m[2]);
    if (suffix === 0 || size === 0) return "unsatisfiable";
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === "" ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (start >= size || end < start) return "unsatisfiable";
  return { start, end };
}

function etagMatches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === "*") return true;
  const bare = etag.replace(/^W\//, "");
  return header.split(",").some((t) => t.trim().replace(/^W\//, "") === bare);
}

function contentDisposition(key: string, encodedName: string | undefined): string {
  let name = key.split("/").pop() ?? "download";
  if (encodedName) {
    try {
      name = decodeURIComponent(encodedName);
    } catch {
      // keep the key's name
    }
  }
  const ascii = name.replace(/[^\x20-\x7E]|["\\]/g, "_");
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

async function serve(c: Context<AppEnv>): Promise<Response> {
  const key = c.req.path.replace(/^\/media\//, "");
  if (!KEY.test(key) || key.includes("..")) throw notFound();
  const isPrivate = PRIVATE_PREFIXES.some((p) => key.startsWith(p));
  if (!isPrivate && !PUBLIC_PREFIXES.some((p) => key.startsWith(p))) throw notFound();
  if (isPrivate) {
    const expires = Number(c.req.query("expires"));
    const sig = c.req.query("sig");
    if (!sig || !Number.isSafeInteger(expires) || !(await verifyDownload(c.env, key, expires, sig))) {
      throw new AppError("INVALID_SIGNATURE");
    }
    if (expires <= c.var.clock.now()) throw new AppError("SIGNED_URL_EXPIRED");
  }

  const meta = await c.env.MEDIA.head(key);
  if (!meta) throw notFound();
  const headers = new Headers({
    "Content-Type": meta.httpMetadata?.contentType ?? "application/octet-stream",
    ETag: meta.httpEtag,
    "Last-Modified": meta.uploaded.toUTCString(),
    "Accept-Ranges": "bytes",
    "Cache-Control": isPrivate
      ? "private, no-store"
      : IMMUTABLE_PREFIXES.some((p) => key.startsWith(p))
        ? IMMUTABLE
        : "public, max-age=300",
    "Content-Security-Policy": "default-src 'none'; sandbox",
    "Cross-Origin-Resource-Policy": isPrivate ? "same-site" : "cross-origin",
  });
  if (isPrivate) headers.set("Content-Disposition", contentDisposition(key, meta.customMetadata?.filename));

  if (etagMatches(c.req.header("if-none-match"), meta.httpEtag))
    return new Response(null, { status: 304, headers });

  const ifRange = c.req.header("if-range");
  const range = ifRange && ifRange !== meta.httpEtag ? null : parseRange(c.req.header("range"), meta.size);
  if (range === "unsatisfiable") {
    throw new AppError("RANGE_NOT_SATISFIABLE", undefined, { "Content-Range": `bytes */${meta.size}` });
  }
  const length = range ? range.end - range.start + 1 : meta.size;
  headers.set("Content-Length", String(length));
  if (range) headers.set("Content-Range", `bytes ${range.start}-${range.end}/${meta.size}`);
  const status = range ? 206 : 200;
  if (c.req.method === "HEAD") return new Response(null, { status, headers });

  const object = await c.env.MEDIA.get(key, range ? { range: { offset: range.start, length } } : undefined);
  if (!object) throw notFound();
  return new Response(object.body, { status, headers });
}

export const deliveryRoutes = new Hono<AppEnv>().on(["GET", "HEAD"], "/*", serve);
