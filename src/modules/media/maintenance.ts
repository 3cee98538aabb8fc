import { sql } from "drizzle-orm";
import { users } from "../../db/schema";
import { media, mediaUploads } from "../../db/schema/media";
import { DAY } from "../../platform/clock";
import { statement } from "../../platform/db/statements";
import type { Bindings } from "../../platform/env";
import { logError } from "../../platform/log";
import { deleteFromStream, streamConfig } from "./stream";

/**
 * Hourly media housekeeping (called by the maintenance cron before accounts are purged):
 * - media of accounts deleted more than 30 days ago, and uploads stuck in PROCESSING for over a day,
 *   lose their R2 objects (and Stream copies), then their rows;
 * - expired upload tickets are forgotten;
 * - raw/ objects older than a day with no row (a crash between storing and recording) are removed.
 */
const ROUND = 200;
const MAX_ROUNDS = 25;

interface Doomed {
  id: string;
  original_key: string | null;
  variant_key: string | null;
  thumbnail_key: string | null;
  stream_uid: string | null;
}

export async function purgeMedia(env: Bindings, now: number): Promise<{ media: number; rawObjects: number }> {
  const stream = streamConfig(env);
  let purged = 0;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const columns = sql`${media.id} AS id, ${media.originalKey} AS original_key, ${media.variantKey} AS variant_key,
      ${media.thumbnailKey} AS thumbnail_key, ${media.streamUid} AS stream_uid`;
    const { results } = await statement(
      env.DB,
      sql`SELECT ${columns} FROM ${media}
         WHERE ${media.ownerId} IN (SELECT ${users.id} FROM ${users}
           WHERE ${users.status} = 'DELETED' AND ${users.deletedAt} < ${now - 30 * DAY})
       UNION ALL
       SELECT ${columns} FROM ${media}
         WHERE ${media.status} = 'PROCESSING' AND ${media.createdAt} < ${now - DAY}
       LIMIT ${ROUND}`,
    ).all<Doomed>();
    if (results.length === 0) break;
    const keys = results
      .flatMap((r) => [r.original_key, r.variant_key, r.thumbnail_key])
      .filter((k): k is string => !!k);
    if (keys.length > 0) await env.MEDIA.delete(keys);
    if (stream) {
      await Promise.all(
        results
          .filter((r) => r.stream_uid)
          .map((r) =>
            deleteFromStream(stream, r.stream_uid!).catch((err) =>
              logError("stream delete failed", { error: String(err) }),
            ),
          ),
      );
    }
    const ids = JSON.stringify(results.map((r) => r.id));
    await statement(
      env.DB,
      sql`DELETE FROM ${media} WHERE ${media.id} IN (SELECT value FROM json_each(${ids}))`,
    ).run();
    purged += results.length;
    if (results.length < ROUND) break;
  }

  await statement(
    env.DB,
    sql`DELETE FROM ${mediaUploads} WHERE ${mediaUploads.expiresAt} < ${now - DAY}`,
  ).run();

  return { media: purged, rawObjects: await sweepRawOrphans(env, now) };
}

/** raw/ objects older than a day whose media row does not exist (one listing page per run). */
export async function sweepRawOrphans(env: Bindings, now: number): Promise<number> {
  const listed = await env.MEDIA.list({ prefix: "raw/", limit: 1000 });
  const stale = listed.objects.filter((o) => o.uploaded.getTime() < now - DAY).map((o) => o.key);
  if (stale.length === 0) return 0;
  const ids = stale.map((k) => k.slice(4).replace(/\.[a-z0-9]+$/, ""));
  const { results } = await statement(
    env.DB,
    sql`SELECT ${media.id} AS id FROM ${media} WHERE ${media.id} IN (SELECT value FROM json_each(${JSON.stringify(ids)}))`,
  ).all<{ id: string }>();
  const live = new Set(results.map((r) => r.id));
  const orphans = stale.filter((_, i) => !live.has(ids[i]!));
  if (orphans.length > 0) await env.MEDIA.delete(orphans);
  return orphans.length;
}
