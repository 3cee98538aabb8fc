import { type LiveEvent, pushToUser } from "../../core/live";
import type { media } from "../../db/schema/media";
import { isoAt } from "../../platform/clock";
import type { Bindings } from "../../platform/env";
import { logError } from "../../platform/log";
import { PRIVATE_KINDS } from "./formats";
import type { MediaView } from "./schemas";
import { DOWNLOAD_URL_TTL_MS, restrictedUrlExpiry, signedDownloadPath } from "./signing";

export type MediaRow = typeof media.$inferSelect;

const base = (env: Pick<Bindings, "APP_URL">) => env.APP_URL.replace(/\/+$/, "");

/** The absolute URL of a public object (avatars, banners, media of public posts). */
export function publicMediaUrl(env: Pick<Bindings, "APP_URL">, key: string): string {
  return `${base(env)}/media/${key}`;
}

/**
 * How the URLs are made for one viewer. `public`: the media is public (media/policy.ts, e.g. shown in a
 * PUBLIC post), so plain URLs work for everyone; otherwise images and videos get signed URLs that expire.
 * `owner`: the viewer owns the media (their restricted video may then play from Stream's HLS too).
 */
export interface MediaAccess {
  public: boolean;
  owner?: boolean;
}

/**
 * The URLs of a READY media item for someone allowed to see it (the caller decided that, e.g. through
 * postVisibleTo or mediaVisibleTo). Documents and résumés always get a signed URL (15 minutes); avatars
 * and banners are public by design; post images and videos get plain URLs only when `access.public`,
 * signed ones (15 to 30 minutes) otherwise. Other modules that show media (posts, profiles,
 * applications, chat) use this too.
 */
export async function mediaUrls(
  env: Bindings,
  row: Pick<MediaRow, "kind" | "status" | "originalKey" | "variantKey" | "thumbnailKey" | "playbackUrl">,
  now: number,
  access: MediaAccess,
): Promise<{
  url: string | null;
  urlExpiresAt: number | null;
  thumbnailUrl: string | null;
  playbackUrl: string | null;
}> {
  const none = { url: null, urlExpiresAt: null, thumbnailUrl: null, playbackUrl: null };
  if (row.status !== "READY") return none;
  if (PRIVATE_KINDS.includes(row.kind)) {
    if (!row.originalKey) return none;
    const expiresAt = now + DOWNLOAD_URL_TTL_MS;
    return {
      ...none,
      url: base(env) + (await signedDownloadPath(env, row.originalKey, expiresAt)),
      urlExpiresAt: expiresAt,
    };
  }
  const open = access.public || row.kind === "AVATAR" || row.kind === "BANNER";
  const expiresAt = open ? null : restrictedUrlExpiry(now);
  const urlOf = async (key: string | null) =>
    !key
      ? null
      : expiresAt === null
        ? publicMediaUrl(env, key)
        : base(env) + (await signedDownloadPath(env, key, expiresAt));
  if (row.kind === "VIDEO") {
    const url = await urlOf(row.originalKey);
    const stream = open || access.owner ? row.playbackUrl : null;
    return { ...none, url, urlExpiresAt: url ? expiresAt : null, playbackUrl: stream ?? url };
  }
  const url = await urlOf(row.variantKey);
  return {
    ...none,
    url,
    urlExpiresAt: url ? expiresAt : null,
    thumbnailUrl: await urlOf(row.thumbnailKey),
  };
}

/** The media as GET /api/v1/media/{id} shows it; `public` tells whether its plain URLs may be given. */
export async function toView(
  env: Bindings,
  row: MediaRow,
  opts: { owner: boolean; now: number; public?: boolean },
): Promise<MediaView> {
  const urls = await mediaUrls(env, row, opts.now, { public: opts.public ?? false, owner: opts.owner });
  return {
    id: row.id,
    ownerId: row.ownerId,
    kind: row.kind,
    status: row.status,
    mimeType: row.mimeType,
    size: row.size,
    altText: row.altText,
    width: row.width,
    height: row.height,
    url: urls.url,
    urlExpiresAt: urls.urlExpiresAt === null ? null : isoAt(urls.urlExpiresAt),
    thumbnailUrl: urls.thumbnailUrl,
    playbackUrl: urls.playbackUrl,
    durationSeconds: row.durationSeconds,
    pageCount: row.pageCount,
    filename: opts.owner ? row.filename : null,
    failureReason: opts.owner ? row.failureReason : null,
    createdAt: isoAt(row.createdAt),
    updatedAt: isoAt(row.updatedAt),
  };
}

/**
 * The live event sent to the owner when processing finishes (READY or FAILED: check `status`). It carries
 * the same fields as GET /api/v1/media/{id}, so a client can render the result without asking again.
 */
export function mediaReadyEvent(view: MediaView): LiveEvent {
  return { type: "media_ready", mediaId: view.id, media: view };
}

/** Pushes an event to the owner's open sockets (best effort: a member offline simply gets nothing). */
export async function notifyOwner(env: Bindings, userId: string, event: LiveEvent): Promise<void> {
  try {
    await pushToUser(env, userId, event);
  } catch (err) {
    logError("media event not delivered", { userId, type: event.type, error: String(err) });
  }
}
