import { z } from "@hono/zod-openapi";
import { MEDIA_KINDS } from "../../db/schema/media";
import { line } from "../../platform/openapi";
import { FORMATS, MAX_UPLOAD_BYTES } from "./formats";

export const KIND = z.enum(MEDIA_KINDS).openapi({ example: "POST_IMAGE" });
export const ALT_TEXT = line(200).openapi({
  description: "Describes the image for screen readers (≤ 200 characters)",
});

/** The small text fields of the multipart upload (the file itself is streamed, not validated here). */
export const UploadFields = z.object({ kind: KIND, altText: ALT_TEXT.optional() });

export const MediaSchema = z
  .object({
    id: z.string(),
    ownerId: z.string(),
    kind: KIND,
    status: z.enum(["PROCESSING", "READY", "FAILED"]),
    mimeType: z.string().openapi({ description: "Detected from the bytes, e.g. image/png" }),
    size: z.number().int().openapi({ description: "Bytes uploaded" }),
    altText: z.string().nullable(),
    width: z
      .number()
      .int()
      .nullable()
      .openapi({ description: "Of the delivered image (or the video), when known" }),
    height: z.number().int().nullable(),
    url: z.string().nullable().openapi({
      description:
        "Where to fetch it once READY: the processed WebP for images, the original for videos, and a signed URL that expires (see urlExpiresAt) for documents and resumes",
    }),
    urlExpiresAt: z.string().nullable().openapi({ format: "date-time" }),
    thumbnailUrl: z.string().nullable(),
    playbackUrl: z.string().nullable().openapi({
      description: "Videos: Stream's HLS manifest when Stream has it, else the R2 original (Range requests)",
    }),
    durationSeconds: z.number().int().nullable(),
    pageCount: z
      .number()
      .int()
      .nullable()
      .openapi({ description: "PDF pages or PPTX slides, when cheap to read" }),
    filename: z.string().nullable().openapi({ description: "Owner only" }),
    failureReason: z
      .string()
      .nullable()
      .openapi({ description: "Owner only, when FAILED", example: "IMAGE_UNREADABLE" }),
    createdAt: z.string().openapi({ format: "date-time" }),
    updatedAt: z.string().openapi({ format: "date-time" }),
  })
  .openapi("Media");
export type MediaView = z.infer<typeof MediaSchema>;

const MIME_TYPES = Object.values(FORMATS).map((f) => f.mime) as [string, ...string[]];

export const UploadTicketBody = z
  .object({
    kind: KIND,
    size: z
      .number()
      .int()
      .min(1)
      .max(MAX_UPLOAD_BYTES)
      .openapi({ description: "Exact size in bytes of the file" }),
    contentType: z.enum(MIME_TYPES).openapi({ example: "video/mp4" }),
    filename: line(200).optional(),
    altText: ALT_TEXT.optional(),
  })
  .openapi("UploadTicketRequest");

export const UploadTicketSchema = z
  .object({
    id: z.string().openapi({ description: "The media id the upload will have" }),
    uploadUrl: z.string().openapi({ description: "PUT the raw bytes here, once, before expiresAt" }),
    method: z.literal("PUT"),
    headers: z.record(z.string(), z.string()).openapi({ example: { "Content-Type": "video/mp4" } }),
    expiresAt: z.string().openapi({ format: "date-time" }),
  })
  .openapi("UploadTicket");

export const SignedUploadQuery = z.object({
  expires: z.coerce.number().int().positive(),
  sig: z.string().min(1).max(128),
});

/** OpenAPI-only description of the multipart body (the handler streams it; no zod validation buffers it). */
export const multipartUploadBody = {
  required: true,
  content: {
    "multipart/form-data": {
      schema: {
        type: "object" as const,
        required: ["kind", "file"],
        properties: {
          kind: { type: "string" as const, enum: [...MEDIA_KINDS] },
          altText: { type: "string" as const, maxLength: 200 },
          file: { type: "string" as const, format: "binary", description: "Must be the last field" },
        },
      },
    },
  },
};

export const rawUploadBody = {
  required: true,
  content: { "application/octet-stream": { schema: { type: "string" as const, format: "binary" } } },
};
