import { createRoute } from "@hono/zod-openapi";
import { depsOf } from "../../core/deps";
import { currentUser, requireAuth } from "../../core/identity/auth";
import { bearer, createRouter, errors, IdParam, json, jsonBody } from "../../platform/openapi";
import { rateLimit } from "../../platform/rate-limit";
import {
  MediaSchema,
  multipartUploadBody,
  rawUploadBody,
  SignedUploadQuery,
  UploadTicketBody,
  UploadTicketSchema,
} from "./schemas";
import * as mediaService from "./service";
import * as uploads from "./uploads";

const tags = ["Media"];

export const mediaRoutes = createRouter()
  .openapi(
    createRoute({
      method: "post",
      path: "/upload",
      tags,
      summary:
        "Upload a file (multipart: kind, altText?, then file last); streamed to storage, processed in the background",
      description:
        "Limits: AVATAR 5 MiB (JPEG/PNG/WebP), BANNER 10 MiB (JPEG/PNG/WebP), POST_IMAGE 10 MiB (JPEG/PNG/WebP/GIF), VIDEO 200 MiB (MP4/MOV/WebM), DOCUMENT 25 MiB (PDF/DOCX/PPTX), RESUME 10 MiB (PDF/DOCX). The type is read from the bytes. 413 FILE_TOO_LARGE, 415 UNSUPPORTED_FORMAT, 400 INVALID_FILE. Poll GET /media/{id} or wait for the media_ready live event.",
      security: bearer,
      middleware: [requireAuth, rateLimit("media")] as const,
      request: { body: multipartUploadBody },
      responses: {
        201: json(MediaSchema, "Stored; status PROCESSING"),
        ...errors(400, 401, 403, 413, 415, 429),
      },
    }),
    async (c) => {
      const view = await uploads.uploadMultipart(depsOf(c), currentUser(c), c.req.raw);
      return c.json(view, 201);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/uploads",
      tags,
      summary:
        "Start a direct upload: answers a signed PUT URL (15 minutes, single use) bound to you, kind, size and type",
      security: bearer,
      middleware: [requireAuth, rateLimit("media")] as const,
      request: { body: jsonBody(UploadTicketBody) },
      responses: { 201: json(UploadTicketSchema, "Created"), ...errors(400, 401, 403, 413, 415, 429) },
    }),
    async (c) => {
      const ticket = await uploads.createUploadTicket(depsOf(c), currentUser(c), c.req.valid("json"));
      return c.json(ticket, 201);
    },
  )
  .openapi(
    createRoute({
      method: "put",
      path: "/uploads/{id}",
      tags,
      summary: "The signed upload: PUT the raw bytes with the signed Content-Type (no Authorization needed)",
      request: { params: IdParam, query: SignedUploadQuery, body: rawUploadBody },
      responses: {
        201: json(MediaSchema, "Stored; status PROCESSING"),
        ...errors(400, 403, 409, 413, 415),
      },
    }),
    async (c) => {
      const view = await uploads.completeSignedUpload(
        depsOf(c),
        c.req.valid("param").id,
        c.req.valid("query"),
        c.req.raw,
      );
      return c.json(view, 201);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/{id}",
      tags,
      summary:
        "Media metadata: yours in any state; others' only when READY and attached to something they may see",
      description:
        "Others see a media item only when it is READY, its owner is active and not blocked either way, and it is an avatar or banner, attached to a post the caller may see, or the picture of a group the caller is in; otherwise 404. URLs are plain only for public media (avatars, banners, media of PUBLIC posts); everything else gets signed URLs that expire (urlExpiresAt).",
      security: bearer,
      middleware: [requireAuth] as const,
      request: { params: IdParam },
      responses: { 200: json(MediaSchema), ...errors(401, 404) },
    }),
    async (c) =>
      c.json(await mediaService.getMedia(depsOf(c), currentUser(c).id, c.req.valid("param").id), 200),
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/{id}",
      tags,
      summary: "Delete your media and its stored files",
      security: bearer,
      middleware: [requireAuth] as const,
      request: { params: IdParam },
      responses: { 204: { description: "Deleted" }, ...errors(401, 404) },
    }),
    async (c) => {
      await mediaService.deleteMedia(depsOf(c), currentUser(c).id, c.req.valid("param").id);
      return c.body(null, 204);
    },
  );

export { deliveryRoutes } from "./delivery";
export { STREAMED_UPLOAD_PATH } from "./uploads";
