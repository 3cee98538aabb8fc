import { sql } from "drizzle-orm";
import { savedSearches, users } from "../../db/schema";
import { DAY } from "../../platform/clock";
import { statement } from "../../platform/db/statements";
import type { Bindings } from "../../platform/env";
import { enqueue } from "../../platform/queue";
import { sweepStatements } from "./fts";
import { meiliOf } from "./meili";
import { searchIndexSchema } from "./queue";
import { indexedTypes } from "./types";

/** Hour (UTC) of the daily index sweep: the cron runs hourly, the sweep reads the whole index. */
export const SWEEP_HOUR_UTC = 4;

/**
 * Cron task (declared in the search module's manifest): saved searches of purged accounts go with
 * them; once a day the index drops entries whose entity disappeared without a message, and old tombstones.
 */
export const searchMaintenanceTask = {
  name: "search-maintenance",
  statements: (db: D1Database, now: number): D1PreparedStatement[] => [
    statement(
      db,
      sql`DELETE FROM ${savedSearches} WHERE ${savedSearches.userId} IN (SELECT ${users.id} FROM ${users}
          WHERE ${users.status} = 'DELETED' AND ${users.deletedAt} < ${now - 30 * DAY})
        OR NOT EXISTS (SELECT 1 FROM ${users} WHERE ${users.id} = ${savedSearches.userId})`,
    ),
    ...(new Date(now).getUTCHours() === SWEEP_HOUR_UTC ? sweepStatements(db, now) : []),
  ],
};

/**
 * The format of the indexed tokens (analyzer.ts searchIndexText) and of search_terms. Raise it whenever
 * a change to the analyzer changes the tokens of existing text: indexes written in an older format are then
 * rebuilt by upgradeSearchIndex.
 */
export const INDEX_FORMAT = 2;

/**
 * Hourly (a job of the search module): when the index was written in an older format (search_meta,
 * migrations/0021_search_terms.sql), rebuilds every type through the search queue — both engines when
 * Meilisearch is configured — and records the new format. The rebuild's message keys name the format, so a
 * repeated run does not start a second rebuild. Queries keep working meanwhile: older tokens are a subset.
 */
export async function upgradeSearchIndex(env: Bindings): Promise<boolean> {
  const row = await env.DB.prepare("SELECT value FROM search_meta WHERE name = 'index_format'").first<{
    value: string;
  }>();
  if (row && Number(row.value) >= INDEX_FORMAT) return false;
  const run = `format-${INDEX_FORMAT}`;
  const targets = meiliOf(env) ? "all" : "d1";
  for (const type of indexedTypes()) {
    await enqueue(env.SEARCH_QUEUE, searchIndexSchema, `rebuild:${run}:${type}:start`, {
      type,
      rebuild: { after: "", run, targets },
    });
  }
  await env.DB.prepare(
    "INSERT INTO search_meta (name, value) VALUES ('index_format', ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value",
  )
    .bind(String(INDEX_FORMAT))
    .run();
  return true;
}
