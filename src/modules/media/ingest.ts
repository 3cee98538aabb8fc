import { eq } from "drizzle-orm";
import type { Deps } from "../../core/deps";
import { type MediaKind, media } from "../../db/schema/media";
import { AppError } from "../../platform/errors";
import { cleanText } from "../../platform/openapi";
import {
  checkOfficeEntries,
  decideFormat,
  FORMATS,
  type Format,
  KIND_RULES,
  SNIFF_BYTES,
  zipCentralDirectory,
} from "./formats";
import { enqueueMediaJob } from "./jobs";
import { originalKeyFor, R2StreamWriter, readRange } from "./storage";
import type { MediaRow } from "./view";

export interface IngestInput {
  id: string;
  ownerId: string;
  kind: MediaKind;
  altText: string | null;
  filename: string | null;
  declared: Format | null;
  /** Signed uploads: the one format and the exact size they were signed for. */
  expected?: { format: Format; size: number };
}

export function sanitizeFilename(name: string | null): string | null {
  if (!name) return null;
  const base = cleanText(name.split(/[\\/]/).pop() ?? "").replace(/["\r\n]/g, "");
  return base ? base.slice(0, 200) : null;
}

function concatChunks(chunks: Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}

/**
 * Streams one file into R2 while counting, hashing and sniffing it: nothing is written before the first
 * SNIFF_BYTES have been checked, and the upload stops at limit + 1 bytes (413, partial object removed).
 * Then records the media row (PROCESSING) and enqueues its processing.
 */
export async function ingest(
  deps: Deps,
  input: IngestInput,
  source: AsyncIterable<Uint8Array>,
): Promise<MediaRow> {
  const { env } = deps;
  const limit = input.expected?.size ?? KIND_RULES[input.kind].maxBytes;
  const digest = new crypto.DigestStream("SHA-256");
  digest.digest.catch(() => {}); // rejects when an upload is abandoned; awaited below on success
  const hasher = digest.getWriter();
  let head: Uint8Array[] = [];
  let headBytes = 0;
  let total = 0;
  let stored: { format: Format; officeClaimed: boolean; writer: R2StreamWriter } | null = null;

  const start = async (bytes: Uint8Array) => {
    const { format, officeClaimed } = decideFormat(input.kind, bytes, input.declared, input.expected?.format);
    const writer = new R2StreamWriter(
      env.MEDIA,
      originalKeyFor(input.kind, input.ownerId, input.id, format),
      {
        httpMetadata: { contentType: FORMATS[format].mime },
        customMetadata: {
          mediaId: input.id,
          ownerId: input.ownerId,
          ...(input.filename ? { filename: encodeURIComponent(input.filename) } : {}),
        },
      },
    );
    await writer.write(bytes);
    return { format, officeClaimed, writer };
  };

  try {
    for await (const chunk of source) {
      total += chunk.length;
      if (total > limit)
        throw new AppError("FILE_TOO_LARGE", [{ path: "file", message: `At most ${limit} bytes` }]);
      await hasher.write(chunk);
      if (stored) {
        await stored.writer.write(chunk);
        continue;
      }
      head.push(chunk);
      headBytes += chunk.length;
      if (headBytes >= SNIFF_BYTES) {
        stored = await start(concatChunks(head, headBytes));
        head = [];
      }
    }
    if (total === 0) throw new AppError("INVALID_FILE", [{ path: "file", message: "The file is empty" }]);
    if (input.expected && total !== input.expected.size) {
      throw new AppError("INVALID_FILE", [
        { path: "file", message: `Expected ${input.expected.size} bytes` },
      ]);
    }
    stored ??= await start(concatChunks(head, headBytes));
    const { format: fmt, writer: w } = stored;
    await w.finish();
    await hasher.close();
    let pageCount: number | null = null;
    if (fmt === "docx" || fmt === "pptx") {
      const names = await zipCentralDirectory(total, (o, l) => readRange(env.MEDIA, w.key, o, l));
      pageCount = checkOfficeEntries(fmt, names, stored.officeClaimed).pages;
    }
    const sha256 = [...new Uint8Array(await digest.digest)]
      .map((b) => b.toString(16).padStart(2, "0"))
      .join("");
    const row: MediaRow = {
      id: input.id,
      ownerId: input.ownerId,
      kind: input.kind,
      status: "PROCESSING",
      mimeType: FORMATS[fmt].mime,
      size: total,
      altText: input.altText,
      width: null,
      height: null,
      originalKey: w.key,
      variantKey: null,
      thumbnailKey: null,
      thumbnailWidth: null,
      thumbnailHeight: null,
      filename: input.filename,
      sha256,
      pageCount,
      durationSeconds: null,
      streamUid: null,
      playbackUrl: null,
      failureReason: null,
      createdAt: deps.now,
      updatedAt: deps.now,
    };
    await deps.db.insert(media).values(row);
    try {
      await enqueueMediaJob(env, { type: "process", mediaId: row.id });
    } catch (err) {
      // Without its job the upload would never be processed: undo it so the client can simply retry.
      await deps.db.delete(media).where(eq(media.id, row.id));
      throw err;
    }
    return row;
  } catch (err) {
    await hasher.abort().catch(() => {});
    await stored?.writer.discard();
    throw err;
  }
}
