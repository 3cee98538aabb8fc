import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

export const MEDIA_KINDS = ["AVATAR", "BANNER", "POST_IMAGE", "VIDEO", "DOCUMENT", "RESUME"] as const;
export type MediaKind = (typeof MEDIA_KINDS)[number];
export type MediaStatus = "PROCESSING" | "READY" | "FAILED";

/**
 * Uploaded media (owned by the media module). Other modules reference media by id and may only attach
 * media whose owner is the acting member and whose status is READY (see src/modules/media/policy.ts).
 *
 * R2 keys: `originalKey` is what the member uploaded (images: raw/…, deleted once the variants exist;
 * videos and documents: their final key). `variantKey`/`thumbnailKey` are the processed images.
 */
export const media = sqliteTable(
  "media",
  {
    id: text("id").primaryKey(),
    ownerId: text("owner_id").notNull(),
    kind: text("kind", { enum: MEDIA_KINDS }).notNull(),
    status: text("status", { enum: ["PROCESSING", "READY", "FAILED"] }).notNull(),
    /** The detected type of the upload (by magic bytes), e.g. image/jpeg or application/pdf. */
    mimeType: text("mime_type").notNull(),
    /** Bytes of the upload. */
    size: integer("size").notNull(),
    altText: text("alt_text"),
    /** Width and height of the delivered image (the main variant), when known. */
    width: integer("width"),
    height: integer("height"),
    originalKey: text("original_key"),
    variantKey: text("variant_key"),
    thumbnailKey: text("thumbnail_key"),
    thumbnailWidth: integer("thumbnail_width"),
    thumbnailHeight: integer("thumbnail_height"),
    /** The name the member gave the file (documents: used for the download name). */
    filename: text("filename"),
    /** Hex SHA-256 of the upload. */
    sha256: text("sha256"),
    /** PDF pages or PPTX slides, when cheap to read. */
    pageCount: integer("page_count"),
    durationSeconds: integer("duration_seconds"),
    /** Cloudflare Stream video id and HLS URL, when Stream is configured and has the video. */
    streamUid: text("stream_uid"),
    playbackUrl: text("playback_url"),
    /** Machine-readable reason when status is FAILED (e.g. IMAGE_UNREADABLE). */
    failureReason: text("failure_reason"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [index("media_owner_idx").on(t.ownerId, t.id), index("media_status_idx").on(t.status, t.createdAt)],
);

/**
 * Tickets for the two-step upload: POST /media/uploads creates one and answers a signed PUT URL; the
 * first PUT claims it (used_at), so a URL works once. Rows are purged a day after they expire.
 */
export const mediaUploads = sqliteTable(
  "media_uploads",
  {
    id: text("id").primaryKey(),
    ownerId: text("owner_id").notNull(),
    kind: text("kind", { enum: MEDIA_KINDS }).notNull(),
    contentType: text("content_type").notNull(),
    size: integer("size").notNull(),
    filename: text("filename"),
    altText: text("alt_text"),
    expiresAt: integer("expires_at").notNull(),
    usedAt: integer("used_at"),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [index("media_uploads_expiry_idx").on(t.expiresAt), index("media_uploads_owner_idx").on(t.ownerId)],
);
