import { and, eq, getTableColumns, sql } from "drizzle-orm";
import type { Deps } from "../../core/deps";
import { media } from "../../db/schema/media";
import { profiles } from "../../db/schema/profiles";
import { notFound } from "../../platform/errors";
import { mediaPublicSql, mediaVisibleTo } from "./policy";
import type { MediaView } from "./schemas";
import { deleteFromStream, streamConfig } from "./stream";
import { type MediaRow, toView } from "./view";

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
      visible: sql<number>`${mediaVisibleTo(viewerId, media)}`,
      isPublic: sql<number>`${mediaPublicSql(media)}`,
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
