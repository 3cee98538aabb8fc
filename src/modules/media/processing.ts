import { and, eq, sql } from "drizzle-orm";
import type { Deps } from "../../core/deps";
import { media } from "../../db/schema/media";
import { profiles } from "../../db/schema/profiles";
import { logError } from "../../platform/log";
import {
  FORMATS,
  formatOfMime,
  IMAGE_KINDS,
  imageDimensions,
  pdfLooksComplete,
  pdfPageCount,
} from "./formats";
import { enqueueMediaJob, type MediaJob } from "./jobs";
import { readRange, variantKeysFor } from "./storage";
import { deleteFromStream, StreamError, streamConfig, streamVideoState, uploadToStream } from "./stream";
import { mp4Info } from "./video";
import { type MediaRow, mediaReadyEvent, notifyOwner, publicMediaUrl, toView } from "./view";

/**
 * The media queue's work. Images become WebP variants through the Images binding (re-encoding drops
 * EXIF, GPS included); videos are checked, measured and optionally handed to Stream; documents are
 * checked and their pages counted. PROCESSING → READY, or FAILED with a reason. Transient errors are
 * thrown so the queue retries them; on the last attempt the media is marked FAILED instead.
 */
export const MAX_ATTEMPTS = 4; // wrangler.toml: max_retries = 3 for majlis-media
const MAX_SIDE = 12_000;
const MAX_PIXELS = 60_000_000;
const STREAM_CHECK_DELAY_SECONDS = 30;
const STREAM_MAX_CHECKS = 40;

/** A failure that retrying cannot fix; `reason` is shown to the owner as failureReason. */
export class PermanentFailure extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

export async function runMediaJob(deps: Deps, job: MediaJob, attempts: number): Promise<void> {
  if (job.type === "process") return processMedia(deps, job.mediaId, attempts);
  return checkStream(deps, job.mediaId, job.attempt);
}

export async function processMedia(deps: Deps, id: string, attempts: number): Promise<void> {
  const found = await deps.db.query.media.findFirst({ where: eq(media.id, id) });
  if (!found) return; // deleted meanwhile
  let row: MediaRow | undefined = found;
  if (found.status === "PROCESSING") {
    try {
      if (IMAGE_KINDS.includes(found.kind)) row = await processImage(deps, found);
      else if (found.kind === "VIDEO") row = await processVideo(deps, found);
      else row = await processDocument(deps, found);
    } catch (err) {
      if (err instanceof PermanentFailure) return fail(deps, found, err.reason);
      if (attempts >= MAX_ATTEMPTS) {
        logError("media processing gave up", { mediaId: id, error: String(err) });
        return fail(deps, found, "PROCESSING_ERROR");
      }
      throw err;
    }
  }
  if (row?.status === "READY" && row.kind === "VIDEO") await handOffToStream(deps, row, attempts);
}

const streamOf = (bytes: Uint8Array) => new Blob([bytes]).stream() as ReadableStream<Uint8Array>;

/** Errors from the Images binding about the input itself are permanent; anything else may pass. */
function imageError(err: unknown): unknown {
  const code = (err as { code?: unknown } | null)?.code;
  const message = err instanceof Error ? err.message : String(err);
  if (
    typeof code === "number" &&
    (code === 9412 ||
      code === 9520 ||
      /unsupported|not an image|corrupt|invalid|decode|bad |truncat/i.test(message))
  ) {
    return new PermanentFailure("IMAGE_UNREADABLE");
  }
  return err;
}

interface Rendered {
  bytes: Uint8Array;
  width: number;
  height: number;
}

/** One WebP variant. Each call gets a fresh stream of the input (a stream can be read once). */
async function render(deps: Deps, input: Uint8Array, transform: ImageTransform): Promise<Rendered> {
  try {
    const result = await deps.env.IMAGES.input(streamOf(input))
      .transform(transform)
      .output({ format: "image/webp", quality: 85 });
    const bytes = new Uint8Array(await new Response(result.image()).arrayBuffer());
    const info = await deps.env.IMAGES.info(streamOf(bytes));
    if (!("width" in info)) throw new PermanentFailure("IMAGE_UNREADABLE");
    return { bytes, width: info.width, height: info.height };
  } catch (err) {
    throw imageError(err);
  }
}

function mainTransform(kind: MediaRow["kind"], width: number): ImageTransform {
  if (kind === "AVATAR") return { width: 400, height: 400, fit: "cover" };
  if (kind === "BANNER") return { width: 1584, height: 396, fit: "cover" };
  return { width: Math.min(1200, width), fit: "scale-down" };
}

async function processImage(deps: Deps, row: MediaRow): Promise<MediaRow | undefined> {
  const { env } = deps;
  const original = row.originalKey ? await env.MEDIA.get(row.originalKey) : null;
  if (!original) throw new PermanentFailure("ORIGINAL_MISSING");
  const bytes = new Uint8Array(await original.arrayBuffer());
  const format = formatOfMime(row.mimeType);
  const dims = format ? imageDimensions(format, bytes) : null;
  if (!dims) throw new PermanentFailure("IMAGE_UNREADABLE");
  if (dims.width > MAX_SIDE || dims.height > MAX_SIDE || dims.width * dims.height > MAX_PIXELS) {
    throw new PermanentFailure("IMAGE_TOO_LARGE");
  }

  const keys = variantKeysFor(row.kind, row.ownerId, row.id);
  const main = await render(deps, bytes, mainTransform(row.kind, dims.width));
  const thumb = keys.thumb
    ? await render(deps, bytes, { width: Math.min(300, dims.width), fit: "scale-down" })
    : null;
  const webp = { httpMetadata: { contentType: "image/webp" }, customMetadata: { mediaId: row.id } };
  await env.MEDIA.put(keys.main, main.bytes, webp);
  if (thumb && keys.thumb) await env.MEDIA.put(keys.thumb, thumb.bytes, webp);

  const updated = await finish(
    deps,
    row,
    {
      variantKey: keys.main,
      thumbnailKey: keys.thumb ?? null,
      width: main.width,
      height: main.height,
      thumbnailWidth: thumb?.width ?? null,
      thumbnailHeight: thumb?.height ?? null,
      originalKey: null,
    },
    [keys.main, ...(keys.thumb ? [keys.thumb] : [])],
  );
  // The original may carry EXIF (GPS): it is not kept once the variants exist.
  if (updated && row.originalKey) await env.MEDIA.delete(row.originalKey);
  return updated;
}

async function processVideo(deps: Deps, row: MediaRow): Promise<MediaRow | undefined> {
  const { env } = deps;
  const key = row.originalKey;
  const head = key ? await env.MEDIA.head(key) : null;
  if (!key || !head) throw new PermanentFailure("ORIGINAL_MISSING");
  let info = {
    durationSeconds: null as number | null,
    width: null as number | null,
    height: null as number | null,
  };
  if (row.mimeType === FORMATS.mp4.mime || row.mimeType === FORMATS.mov.mime) {
    info = await mp4Info(head.size, (o, l) => readRange(env.MEDIA, key, o, l)).catch(() => info);
  }
  return finish(deps, row, info, []);
}

async function processDocument(deps: Deps, row: MediaRow): Promise<MediaRow | undefined> {
  const { env } = deps;
  const key = row.originalKey;
  const head = key ? await env.MEDIA.head(key) : null;
  if (!key || !head) throw new PermanentFailure("ORIGINAL_MISSING");
  let pageCount = row.pageCount;
  if (row.mimeType === FORMATS.pdf.mime) {
    const tailLength = Math.min(2048, head.size);
    if (!pdfLooksComplete(await readRange(env.MEDIA, key, head.size - tailLength, tailLength))) {
      throw new PermanentFailure("PDF_INCOMPLETE");
    }
    const whole = await env.MEDIA.get(key);
    if (!whole) throw new PermanentFailure("ORIGINAL_MISSING");
    pageCount = pdfPageCount(new Uint8Array(await whole.arrayBuffer()));
  }
  return finish(deps, row, { pageCount }, []);
}

/** Profile columns that follow the member's newest READY avatar/banner (set in the same batch). */
function profileImageStatement(deps: Deps, row: MediaRow, url: string) {
  const set = row.kind === "AVATAR" ? { avatarUrl: url } : { bannerUrl: url };
  return deps.db
    .update(profiles)
    .set({ ...set, updatedAt: deps.now })
    .where(
      and(
        eq(profiles.userId, row.ownerId),
        sql`EXISTS (SELECT 1 FROM ${media} WHERE ${media.id} = ${row.id} AND ${media.status} = 'READY')`,
        sql`NOT EXISTS (SELECT 1 FROM ${media} WHERE ${media.ownerId} = ${row.ownerId} AND ${media.kind} = ${row.kind}
          AND ${media.status} = 'READY' AND ${media.id} > ${row.id})`,
      ),
    );
}

/**
 * PROCESSING → READY, only if the row is still there and still PROCESSING (a concurrent delete wins:
 * then the objects just written are removed). Tells the owner.
 */
async function finish(
  deps: Deps,
  row: MediaRow,
  fields: Partial<MediaRow>,
  writtenKeys: string[],
): Promise<MediaRow | undefined> {
  const update = deps.db
    .update(media)
    .set({ ...fields, status: "READY", failureReason: null, updatedAt: deps.now })
    .where(and(eq(media.id, row.id), eq(media.status, "PROCESSING")))
    .returning();
  const variantKey = fields.variantKey;
  const [updatedRows] =
    (row.kind === "AVATAR" || row.kind === "BANNER") && variantKey
      ? await deps.db.batch([update, profileImageStatement(deps, row, publicMediaUrl(deps.env, variantKey))])
      : await deps.db.batch([update]);
  const updated = updatedRows[0];
  if (!updated) {
    if (writtenKeys.length > 0) await deps.env.MEDIA.delete(writtenKeys);
    return undefined;
  }
  await notifyOwner(
    deps.env,
    updated.ownerId,
    mediaReadyEvent(await toView(deps.env, updated, { owner: true, now: deps.now })),
  );
  return updated;
}

async function fail(deps: Deps, row: MediaRow, reason: string): Promise<void> {
  const [updated] = await deps.db
    .update(media)
    .set({ status: "FAILED", failureReason: reason, originalKey: null, updatedAt: deps.now })
    .where(and(eq(media.id, row.id), eq(media.status, "PROCESSING")))
    .returning();
  if (!updated) return;
  // Nothing will ever be served from a failed upload: drop its bytes.
  if (row.originalKey) await deps.env.MEDIA.delete(row.originalKey);
  await notifyOwner(
    deps.env,
    updated.ownerId,
    mediaReadyEvent(await toView(deps.env, updated, { owner: true, now: deps.now })),
  );
}

/** Gives a READY video to Stream (once). Failing that, the video keeps playing from R2. */
export async function handOffToStream(deps: Deps, row: MediaRow, attempts: number): Promise<void> {
  const cfg = streamConfig(deps.env);
  if (!cfg || row.streamUid || !row.originalKey) return;
  const object = await deps.env.MEDIA.get(row.originalKey);
  if (!object) return;
  try {
    const format = formatOfMime(row.mimeType) ?? "mp4";
    const uid = await uploadToStream(cfg, {
      body: object.body,
      size: object.size,
      contentType: row.mimeType,
      name: `${row.id}.${FORMATS[format].ext}`,
      creator: row.ownerId,
    });
    const [kept] = await deps.db
      .update(media)
      .set({ streamUid: uid, updatedAt: deps.now })
      .where(eq(media.id, row.id))
      .returning({ id: media.id });
    if (!kept) {
      await deleteFromStream(cfg, uid);
      return;
    }
    await enqueueMediaJob(
      deps.env,
      { type: "stream-check", mediaId: row.id, attempt: 1 },
      STREAM_CHECK_DELAY_SECONDS,
    );
  } catch (err) {
    if ((err instanceof StreamError && err.permanent) || attempts >= MAX_ATTEMPTS) {
      logError("stream hand-off failed; the video plays from R2", { mediaId: row.id, error: String(err) });
      return;
    }
    throw err;
  }
}

/** Asks Stream whether the video is ready; when it is, playback switches to Stream's HLS manifest. */
export async function checkStream(deps: Deps, mediaId: string, attempt: number): Promise<void> {
  const cfg = streamConfig(deps.env);
  const row = await deps.db.query.media.findFirst({ where: eq(media.id, mediaId) });
  if (!cfg || !row?.streamUid || row.playbackUrl) return;
  try {
    const state = await streamVideoState(cfg, row.streamUid);
    if (state.state === "ready" && state.hls) {
      await deps.db
        .update(media)
        .set({
          playbackUrl: state.hls,
          durationSeconds: row.durationSeconds ?? state.durationSeconds,
          width: row.width ?? state.width,
          height: row.height ?? state.height,
          updatedAt: deps.now,
        })
        .where(eq(media.id, mediaId));
    } else if (state.state === "error") {
      logError("stream could not encode the video; it plays from R2", { mediaId, reason: state.errorReason });
    } else if (attempt < STREAM_MAX_CHECKS) {
      await enqueueMediaJob(
        deps.env,
        { type: "stream-check", mediaId, attempt: attempt + 1 },
        STREAM_CHECK_DELAY_SECONDS,
      );
    }
  } catch (err) {
    if (err instanceof StreamError && err.permanent) {
      logError("stream check failed; the video plays from R2", { mediaId, error: String(err) });
      return;
    }
    throw err;
  }
}
