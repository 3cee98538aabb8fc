import { and, eq, sql } from "drizzle-orm";
import type { Deps } from "../../core/deps";
import type { Actor } from "../../core/identity/actor";
import { assertEmailVerified } from "../../core/identity/verified";
import { type MediaKind, mediaUploads } from "../../db/schema/media";
import { AppError } from "../../platform/errors";
import { newId } from "../../platform/ids";
import { FORMATS, formatOfFilename, formatOfMime, KIND_RULES, MAX_UPLOAD_BYTES } from "./formats";
import { ingest, sanitizeFilename } from "./ingest";
import { boundaryOf, MultipartReader } from "./multipart";
import { type MediaView, UploadFields } from "./schemas";
import { signUpload, UPLOAD_URL_TTL_MS, verifyUpload } from "./signing";
import { toView } from "./view";

/** The routes that stream their own bodies (excluded from the global JSON body limit). */
export const STREAMED_UPLOAD_PATH = /^\/api\/v1\/media\/(?:upload|uploads\/[^/]+)$/;

const MAX_FIELDS = 8;
const MAX_FIELD_BYTES = 2048;

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
