import type { media } from "../../db/schema/media";
import type { Bindings } from "../../env";
import { isoAt } from "../../lib/clock";
import { logError } from "../../lib/log";
import { type LiveEvent, pushToUser } from "../realtime/hub";
import { PRIVATE_KINDS } from "./formats";
import type { MediaView } from "./schemas";
import { DOWNLOAD_URL_TTL_MS, signedDownloadPath } from "./signing";

export type MediaRow = typeof media.$inferSelect;

const base = (env: Pick<Bindings, "APP_URL">) => env.APP_URL.replace(/\/+$/, "");

/** The absolute URL of a public object (avatars, banners, post images, videos). */
export function publicMediaUrl(env: Pick<Bindings, "APP_URL">, key: string): string {
  return `${base(env)}/media/${key}`;
}

/**
 * The URLs of a READY media item for someone allowed to see it. Private kinds get a signed URL that
 * expires; other modules that show media (posts, profiles, applications) use this too.
 */
export async function mediaUrls(
  env: Bindings,
  row: Pick<MediaRow, "kind" | "status" | "originalKey" | "variantKey" | "thumbnailKey" | "playbackUrl">,
  now: number,
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
  if (row.kind === "VIDEO") {
    const url = row.originalKey ? publicMediaUrl(env, row.originalKey) : null;
    return { ...none, url, playbackUrl: row.playbackUrl ?? url };
  }
  return {
    ...none,
    url: row.variantKey ? publicMediaUrl(env, row.variantKey) : null,
    thumbnailUrl: row.thumbnailKey ? publicMediaUrl(env, row.thumbnailKey) : null,
  };
}

export async function toView(
  env: Bindings,
  row: MediaRow,
  opts: { owner: boolean; now: number },
): Promise<MediaView> {
  const urls = await mediaUrls(env, row, opts.now);
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
