import { hmacSign, timingSafeEqual } from "../../platform/crypto";
import type { Bindings } from "../../platform/env";
import { mediaSigningSecret } from "../../platform/environment";

/**
 * HMAC-SHA256 signatures for media URLs: the two-step upload PUT and private downloads. Each signature
 * covers a purpose prefix, so an upload signature can never be replayed as a download one. The key is
 * MEDIA_SIGNING_SECRET (platform/environment.ts: required outside development mode, at least 32 bytes).
 */
export const UPLOAD_URL_TTL_MS = 15 * 60_000;
export const DOWNLOAD_URL_TTL_MS = 15 * 60_000;

/**
 * Signed URLs of restricted images and videos (media of non-PUBLIC posts, drafts, group pictures) expire
 * at the end of the next whole window: they live 15 to 30 minutes, and every URL minted for an object
 * within one window is the same, so clients and their caches can reuse it.
 */
export const RESTRICTED_URL_WINDOW_MS = 15 * 60_000;
export const restrictedUrlExpiry = (now: number) =>
  (Math.floor(now / RESTRICTED_URL_WINDOW_MS) + 2) * RESTRICTED_URL_WINDOW_MS;

export interface UploadGrant {
  id: string;
  ownerId: string;
  kind: string;
  size: number;
  contentType: string;
  expiresAt: number;
}

const uploadMessage = (g: UploadGrant) =>
  ["put", g.id, g.ownerId, g.kind, g.size, g.contentType, g.expiresAt].join("\n");
const downloadMessage = (key: string, expiresAt: number) => ["get", key, expiresAt].join("\n");

export async function signUpload(env: Bindings, grant: UploadGrant): Promise<string> {
  return hmacSign(mediaSigningSecret(env), uploadMessage(grant));
}

export async function verifyUpload(env: Bindings, grant: UploadGrant, signature: string): Promise<boolean> {
  return timingSafeEqual(await signUpload(env, grant), signature);
}

/** Path and query of a private or restricted object's URL, valid until `expiresAt`. */
export async function signedDownloadPath(env: Bindings, key: string, expiresAt: number): Promise<string> {
  const sig = await hmacSign(mediaSigningSecret(env), downloadMessage(key, expiresAt));
  return `/media/${key}?expires=${expiresAt}&sig=${sig}`;
}

export async function verifyDownload(
  env: Bindings,
  key: string,
  expiresAt: number,
  signature: string,
): Promise<boolean> {
  return timingSafeEqual(await hmacSign(mediaSigningSecret(env), downloadMessage(key, expiresAt)), signature);
}
