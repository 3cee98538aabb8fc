import { sql } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import type { Context } from "hono";
import { Hono } from "hono";
import { media } from "../../db/schema/media";
import { CompiledSql } from "../../platform/db/compiled";
import type { AppEnv } from "../../platform/env";
import { AppError, notFound } from "../../platform/errors";
import { mediaPublicSql } from "./policy";
import { verifyDownload } from "./signing";
import { ATTACHED_PREFIXES, mediaIdOfAttachedKey, PRIVATE_PREFIXES, PUBLIC_PREFIXES } from "./storage";

/**
 * GET/HEAD /media/{key}: objects straight from R2 with Content-Type, ETag (304 on If-None-Match),
 * Last-Modified, single byte ranges (206, 416) and nosniff. Who gets an object:
 * - avatars and banners (public by design): anyone, cached for good (the key never changes content);
 * - post images and videos: by their plain URL only while the media is public (media/policy.ts: an
 *   avatar, a banner, or media of a live PUBLIC post of an active member), cached for an hour so a post
 *   edited away from PUBLIC or deleted stops being served soon even from shared caches; otherwise only
 *   with a valid `?expires=&sig=` (minted for viewers who may see the post), cached privately until it
 *   expires;
 * - documents and résumés: only signed, never cached, downloaded as attachments.
 * raw/ uploads are never served.
 */
const KEY = /^[A-Za-z0-9][A-Za-z0-9_./-]{0,200}$/;
const IMMUTABLE = "public, max-age=31536000, immutable";
/** Public media of posts: shared caches may keep them this long after the post stops being PUBLIC. */
export const PUBLIC_ATTACHED_CACHE = "public, max-age=3600";

const m = alias(media, "m");

/** Whether the media an attached object belongs to is public (one indexed lookup, compiled once). */
const publicObject = new CompiledSql<{ id: string; key: string }>(
  (_viewer, p) => sql`SELECT ${mediaPublicSql(m)} AS public FROM ${media} ${m}
    WHERE ${m.id} = ${p.id} AND ${p.key} IN (${m.variantKey}, ${m.thumbnailKey}, ${m.originalKey})`,
);

interface Delivery {
  cacheControl: string;
  crossOrigin: boolean;
  attachment: boolean;
}

/** Decides whether this request may have the object, and how the answer may be cached. */
async function authorize(c: Context<AppEnv>, key: string): Promise<Delivery> {
  if (PUBLIC_PREFIXES.some((p) => key.startsWith(p))) {
    return { cacheControl: IMMUTABLE, crossOrigin: true, attachment: false };
  }
  const isPrivate = PRIVATE_PREFIXES.some((p) => key.startsWith(p));
  const sig = c.req.query("sig");
  if (isPrivate || sig !== undefined) {
    const expires = Number(c.req.query("expires"));
    if (!sig || !Number.isSafeInteger(expires) || !(await verifyDownload(c.env, key, expires, sig))) {
      throw new AppError("INVALID_SIGNATURE");
    }
    const now = c.var.clock.now();
    if (expires <= now) throw new AppError("SIGNED_URL_EXPIRED");
    return isPrivate
      ? { cacheControl: "private, no-store", crossOrigin: false, attachment: true }
      : {
          cacheControl: `private, max-age=${Math.floor((expires - now) / 1000)}`,
          crossOrigin: true,
          attachment: false,
        };
  }
  const id = mediaIdOfAttachedKey(key);
  if (!id) throw notFound();
  const row = await publicObject.first<{ public: number }>(c.env.DB, undefined, { id, key });
  if (!row?.public) throw notFound();
  return { cacheControl: PUBLIC_ATTACHED_CACHE, crossOrigin: true, attachment: false };
}

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
  const known = [...PUBLIC_PREFIXES, ...ATTACHED_PREFIXES, ...PRIVATE_PREFIXES];
  if (!known.some((p) => key.startsWith(p))) throw notFound();

  // The access decision and the object's metadata are read at the same time.
  const metaRead = c.env.MEDIA.head(key);
  metaRead.catch(() => {}); // awaited below once access is granted
  const delivery = await authorize(c, key);
  const meta = await metaRead;
  if (!meta) throw notFound();
  const headers = new Headers({
    "Content-Type": meta.httpMetadata?.contentType ?? "application/octet-stream",
    ETag: meta.httpEtag,
    "Last-Modified": meta.uploaded.toUTCString(),
    "Accept-Ranges": "bytes",
    "Cache-Control": delivery.cacheControl,
    "Content-Security-Policy": "default-src 'none'; sandbox",
    "Cross-Origin-Resource-Policy": delivery.crossOrigin ? "cross-origin" : "same-site",
  });
  if (delivery.attachment) {
    headers.set("Content-Disposition", contentDisposition(key, meta.customMetadata?.filename));
  }

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
