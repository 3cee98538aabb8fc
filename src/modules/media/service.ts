import { and, eq, getTableColumns, sql } from "drizzle-orm";
import type { Deps } from "../../core/deps";
import type { Actor } from "../../core/identity/actor";
import { assertEmailVerified } from "../../core/identity/verified";
import { type MediaKind, media, mediaUploads } from "../../db/schema/media";
import { profiles } from "../../db/schema/profiles";
import { AppError, notFound } from "../../platform/errors";
import { newId } from "../../platform/ids";
import { cleanText } from "../../platform/openapi";
import {
  checkOfficeEntries,
  decideFormat,
  FORMATS,
  type Format,
  formatOfFilename,
  formatOfMime,
  KIND_RULES,
  MAX_UPLOAD_BYTES,
  SNIFF_BYTES,
  zipCentralDirectory,
} from "./formats";
import { enqueueMediaJob } from "./jobs";
import { boundaryOf, MultipartReader } from "./multipart";
import { mediaPublicSql, mediaVisibleTo } from "./policy";
import { type MediaView, UploadFields } from "./schemas";
import { signUpload, UPLOAD_URL_TTL_MS, verifyUpload } from "./signing";
import { originalKeyFor, R2StreamWriter, readRange } from "./storage";
import { deleteFromStream, streamConfig } from "./stream";
import { type MediaRow, toView } from "./view";

/** The routes that stream their own bodies (excluded from the global JSON body limit). */
export const STREAMED_UPLOAD_PATH = /^\/api\/v1\/media\/(?:upload|uploads\/[^/]+)$/;

const MAX_FIELDS = 8;
const MAX_FIELD_BYTES = 2048;

interface IngestInput {
  id: string;
  ownerId: string;
  kind: MediaKind;
  altText: string | null;
  filename: string | null;
  declared: Format | null;
  /** Signed uploads: the one format and the exact size they were signed for. */
  expected?: { format: Format; size: number };
}

function sanitizeFilename(name: string | null): string | null {
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
async function ingest(deps: Deps, input: IngestInput, source: AsyncIterable<Uint8Array>): Promise<MediaRow> {
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

/** POST /media/upload: a multipart form with `kind`, optional `altText`, then `file` (last). */
export async function uploadMultipart(deps: Deps, user: Actor, request: Request): Promise<MediaView> {
  await assertEmailVerified(deps, user);
  const boundary = boundaryOf(request.headers.get("content-type") ?? undefined);
  if (!boundary) throw new AppError("UNSUPPORTED_MEDIA_TYPE");
  const declaredLength = Number(request.headers.get("content-length") ?? "0");
  if (declaredLength > MAX_UPLOAD_BYTES + 64 * 1024) throw new AppError("FILE_TOO_LARGE");
  if (!request.body) throw new AppError("VALIDATION_ERROR", [{ path: "file", message: "Required" }]);

  const reader = new MultipartReader(request.body.getReader(), boundary);
  try {
    const fields: Record<string, string> = {};
    let fieldCount = 0;
    for (let part = await reader.nextPart(); part; part = await reader.nextPart()) {
      if (part.name === "file") {
        const parsed = UploadFields.safeParse(fields);
        if (!parsed.success) {
          throw new AppError(
            "VALIDATION_ERROR",
            parsed.error.issues.map((i) => ({ path: i.path.join("."), message: i.message, code: i.code })),
          );
        }
        const filename = sanitizeFilename(part.filename);
        const row = await ingest(
          deps,
          {
            id: newId(deps.now),
            ownerId: user.id,
            kind: parsed.data.kind,
            altText: parsed.data.altText || null,
            filename,
            declared: formatOfMime(part.contentType) ?? formatOfFilename(filename),
          },
          reader.body(),
        );
        return toView(deps.env, row, { owner: true, now: deps.now });
      }
      if (++fieldCount > MAX_FIELDS)
        throw new AppError("VALIDATION_ERROR", [{ path: "body", message: "Too many fields" }]);
      fields[part.name] = await reader.readText(MAX_FIELD_BYTES, part.name);
    }
    throw new AppError("VALIDATION_ERROR", [
      { path: "file", message: "Required (send it as the last field)" },
    ]);
  } finally {
    await reader.cancel();
  }
}

/** POST /media/uploads: a ticket and a signed, single-use PUT URL for one file of a known size and type. */
export async function createUploadTicket(
  deps: Deps,
  user: Actor,
  input: {
    kind: MediaKind;
    size: number;
    contentType: string;
    filename?: string | undefined;
    altText?: string | undefined;
  },
) {
  await assertEmailVerified(deps, user);
  const rules = KIND_RULES[input.kind];
  const format = formatOfMime(input.contentType);
  if (!format || !rules.formats.includes(format)) throw new AppError("UNSUPPORTED_FORMAT");
  if (input.size > rules.maxBytes) {
    throw new AppError("FILE_TOO_LARGE", [{ path: "size", message: `At most ${rules.maxBytes} bytes` }]);
  }
  const id = newId(deps.now);
  const expiresAt = deps.now + UPLOAD_URL_TTL_MS;
  const contentType = FORMATS[format].mime;
  await deps.db.insert(mediaUploads).values({
    id,
    ownerId: user.id,
    kind: input.kind,
    contentType,
    size: input.size,
    filename: sanitizeFilename(input.filename ?? null),
    altText: input.altText || null,
    expiresAt,
    usedAt: null,
    createdAt: deps.now,
  });
  const sig = await signUpload(deps.env, {
    id,
    ownerId: user.id,
    kind: input.kind,
    size: input.size,
    contentType,
    expiresAt,
  });
  return {
    id,
    uploadUrl: `${deps.env.APP_URL.replace(/\/+$/, "")}/api/v1/media/uploads/${id}?expires=${expiresAt}&sig=${sig}`,
    method: "PUT" as const,
    headers: { "Content-Type": contentType },
    expiresAt: new Date(expiresAt).toISOString(),
  };
}

/** PUT /media/uploads/{id}: the signed upload. The signature is the credential; the ticket is claimed once. */
export async function completeSignedUpload(
  deps: Deps,
  id: string,
  query: { expires: number; sig: string },
  request: Request,
): Promise<MediaView> {
  const ticket = await deps.db.query.mediaUploads.findFirst({ where: eq(mediaUploads.id, id) });
  const grant = ticket && {
    id,
    ownerId: ticket.ownerId,
    kind: ticket.kind,
    size: ticket.size,
    contentType: ticket.contentType,
    expiresAt: query.expires,
  };
  if (
    !ticket ||
    !grant ||
    ticket.expiresAt !== query.expires ||
    !(await verifyUpload(deps.env, grant, query.sig))
  ) {
    throw new AppError("INVALID_SIGNATURE");
  }
  if (ticket.expiresAt <= deps.now) throw new AppError("SIGNED_URL_EXPIRED");
  if (formatOfMime(request.headers.get("content-type")) !== formatOfMime(ticket.contentType)) {
    throw new AppError("INVALID_SIGNATURE", [
      { path: "Content-Type", message: `The URL is signed for ${ticket.contentType}` },
    ]);
  }
  const length = request.headers.get("content-length");
  if (length !== null && Number(length) > ticket.size) throw new AppError("FILE_TOO_LARGE");
  const claimed = await deps.db
    .update(mediaUploads)
    .set({ usedAt: deps.now })
    .where(and(eq(mediaUploads.id, id), sql`${mediaUploads.usedAt} IS NULL`))
    .returning({ id: mediaUploads.id });
  if (claimed.length === 0) throw new AppError("UPLOAD_URL_USED");
  if (!request.body) throw new AppError("INVALID_FILE", [{ path: "body", message: "Empty body" }]);

  const format = formatOfMime(ticket.contentType)!;
  const reader = request.body.getReader();
  async function* chunks() {
    for (let r = await reader.read(); !r.done; r = await reader.read()) yield r.value;
  }
  try {
    const row = await ingest(
      deps,
      {
        id,
        ownerId: ticket.ownerId,
        kind: ticket.kind,
        altText: ticket.altText,
        filename: ticket.filename,
        declared: format,
        expected: { format, size: ticket.size },
      },
      chunks(),
    );
    return toView(deps.env, row, { owner: true, now: deps.now });
  } finally {
    await reader.cancel().catch(() => {});
  }
}

/**
 * GET /media/{id}: the media rule of policy.ts (`mediaVisibleTo`). The owner sees every state (and the
 * failure reason and file name); anyone else only READY media attached to something they may see (a post,
 * a group they are in) or an avatar or banner; everything else is 404. URLs are plain only for public
 * media, signed and expiring otherwise.
 */
export async function getMedia(deps: Deps, viewerId: string, id: string): Promise<MediaView> {
  const [row] = await deps.db
    .select({
      ...getTableColumns(media),
      visible: sql<number>`${mediaVisibleTo(viewerId, "media")}`,
      isPublic: sql<number>`${mediaPublicSql("media")}`,
    })
    .from(media)
    .where(eq(media.id, id))
    .limit(1);
  if (!row) throw notFound();
  const { visible, isPublic, ...item } = row;
  if (!visible) throw notFound();
  return toView(deps.env, item, { owner: item.ownerId === viewerId, now: deps.now, public: !!isPublic });
}

/** Every R2 object a media row may own. */
export function objectKeysOf(row: Pick<MediaRow, "originalKey" | "variantKey" | "thumbnailKey">): string[] {
  return [row.originalKey, row.variantKey, row.thumbnailKey].filter((k): k is string => !!k);
}

/** Statements that clear a profile's avatar/banner when it points at one of these objects. */
export function clearProfileImageStatements(deps: Deps, ownerId: string, keys: string[]) {
  return keys.flatMap((key) => {
    const suffix = `/media/${key}`;
    const endsWith = (column: typeof profiles.avatarUrl | typeof profiles.bannerUrl) =>
      sql`substr(${column}, -length(${suffix})) = ${suffix}`;
    return [
      deps.db
        .update(profiles)
        .set({ avatarUrl: null, updatedAt: deps.now })
        .where(and(eq(profiles.userId, ownerId), endsWith(profiles.avatarUrl))),
      deps.db
        .update(profiles)
        .set({ bannerUrl: null, updatedAt: deps.now })
        .where(and(eq(profiles.userId, ownerId), endsWith(profiles.bannerUrl))),
    ];
  });
}

/** DELETE /media/{id}: own media only (others' answer 404). Objects go first, then the row. */
export async function deleteMedia(deps: Deps, userId: string, id: string): Promise<void> {
  const row = await deps.db.query.media.findFirst({
    where: and(eq(media.id, id), eq(media.ownerId, userId)),
  });
  if (!row) throw notFound();
  const keys = objectKeysOf(row);
  if (keys.length > 0) await deps.env.MEDIA.delete(keys);
  const [first, ...rest] = [
    deps.db.delete(media).where(eq(media.id, id)),
    ...(row.kind === "AVATAR" || row.kind === "BANNER"
      ? clearProfileImageStatements(deps, userId, keys)
      : []),
  ];
  await deps.db.batch([first!, ...rest]);
  const stream = streamConfig(deps.env);
  if (stream && row.streamUid) deps.waitUntil(deleteFromStream(stream, row.streamUid));
}
