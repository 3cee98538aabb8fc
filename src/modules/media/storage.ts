import type { MediaKind } from "../../db/schema/media";
import { FORMATS, type Format } from "./formats";

/**
 * R2 layout: every key carries the media id, so a URL never changes content
 * and processed objects can be cached forever. Avatars and banners are per member; post images are keyed
 * by media id because the post does not exist yet when the image is uploaded.
 *   raw/{mediaId}.{ext}                      image uploads before processing (deleted once processed)
 *   avatars/{userId}/{mediaId}.webp          400×400
 *   banners/{userId}/{mediaId}.webp          1584×396
 *   posts/{mediaId}.webp, posts/{mediaId}_thumb.webp
 *   videos/{mediaId}/original.{mp4|mov|webm}
 *   documents/{mediaId}.{pdf|docx|pptx}      private
 *   resumes/{userId}/{mediaId}.{pdf|docx}    private
 */
export function originalKeyFor(kind: MediaKind, ownerId: string, id: string, format: Format): string {
  const ext = FORMATS[format].ext;
  switch (kind) {
    case "VIDEO":
      return `videos/${id}/original.${ext}`;
    case "DOCUMENT":
      return `documents/${id}.${ext}`;
    case "RESUME":
      return `resumes/${ownerId}/${id}.${ext}`;
    default:
      return `raw/${id}.${ext}`;
  }
}

export function variantKeysFor(
  kind: MediaKind,
  ownerId: string,
  id: string,
): { main: string; thumb?: string } {
  if (kind === "AVATAR") return { main: `avatars/${ownerId}/${id}.webp` };
  if (kind === "BANNER") return { main: `banners/${ownerId}/${id}.webp` };
  return { main: `posts/${id}.webp`, thumb: `posts/${id}_thumb.webp` };
}

/** Objects public by design: served to anyone with the URL, cached for good (keys never change content). */
export const PUBLIC_PREFIXES = ["avatars/", "banners/"];
/**
 * Objects that follow what they are attached to (media/policy.ts): served by their plain URL only while the
 * media is public (e.g. shown in a PUBLIC post), otherwise only through a signed URL.
 */
export const ATTACHED_PREFIXES = ["posts/", "videos/"];
/** Objects served only through signed URLs (raw/ is never served). */
export const PRIVATE_PREFIXES = ["documents/", "resumes/"];

/** The media id in the key of an attached object: posts/{id}.webp, posts/{id}_thumb.webp, videos/{id}/original.*. */
export function mediaIdOfAttachedKey(key: string): string | null {
  const m = /^(?:posts\/([^/_.]+)(?:_thumb)?\.webp|videos\/([^/]+)\/original\.[a-z0-9]+)$/.exec(key);
  return m ? (m[1] ?? m[2] ?? null) : null;
}

/** R2 multipart parts must be at least 5 MiB and (except the last) all the same size. */
export const PART_SIZE = 5 * 1024 * 1024;

/**
 * Writes a stream of unknown length to R2 with bounded memory: up to one part is buffered; a small file
 * is one `put`, a large one a multipart upload. `discard()` removes whatever was written.
 */
export class R2StreamWriter {
  private chunks: Uint8Array[] = [];
  private buffered = 0;
  private upload: R2MultipartUpload | null = null;
  private parts: R2UploadedPart[] = [];
  private stored = false;

  constructor(
    private readonly bucket: R2Bucket,
    readonly key: string,
    private readonly options: R2PutOptions,
  ) {}

  async write(chunk: Uint8Array): Promise<void> {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    while (this.buffered >= PART_SIZE) await this.flushPart(this.take(PART_SIZE));
  }

  private take(n: number): Uint8Array {
    const out = new Uint8Array(n);
    let filled = 0;
    while (filled < n) {
      const head = this.chunks[0]!;
      const need = n - filled;
      if (head.length <= need) {
        out.set(head, filled);
        filled += head.length;
        this.chunks.shift();
      } else {
        out.set(head.subarray(0, need), filled);
        this.chunks[0] = head.subarray(need);
        filled += need;
      }
    }
    this.buffered -= n;
    return out;
  }

  private async flushPart(bytes: Uint8Array): Promise<void> {
    this.upload ??= await this.bucket.createMultipartUpload(this.key, this.options);
    this.parts.push(await this.upload.uploadPart(this.parts.length + 1, bytes));
  }

  async finish(): Promise<void> {
    const rest = this.take(this.buffered);
    if (this.upload) {
      if (rest.length > 0) await this.flushPart(rest);
      await this.upload.complete(this.parts);
    } else {
      await this.bucket.put(this.key, rest, this.options);
    }
    this.stored = true;
  }

  async discard(): Promise<void> {
    this.chunks = [];
    this.buffered = 0;
    try {
      if (this.stored) await this.bucket.delete(this.key);
      else if (this.upload) await this.upload.abort();
    } catch {
      // best effort: the orphan purge removes leftovers
    }
  }
}

/** Reads a byte range of an object (used for ZIP central directories and PDF trailers). */
export async function readRange(
  bucket: R2Bucket,
  key: string,
  offset: number,
  length: number,
): Promise<Uint8Array> {
  if (length <= 0) return new Uint8Array(0);
  const obj = await bucket.get(key, { range: { offset, length } });
  if (!obj) throw new Error(`object ${key} is missing`);
  return new Uint8Array(await obj.arrayBuffer());
}
