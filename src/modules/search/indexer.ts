import { loadAfter, loadByIds } from "./documents";
import { indexWrites } from "./fts";
import { applySettings, type MeiliEnv, meiliOf, pushToMeili } from "./meili";
import type { Indexable, IndexedType } from "./types";

/**
 * Keeping the indexes in step with D1, for the queue consumer (queues/search-index.ts) and the rebuild
 * (the admin route through the queue, and scripts/search-rebuild.mjs in Node). The D1 FTS5 index is always
 * kept, since it is the default engine and the fallback when Meilisearch is unreachable; Meilisearch is
 * fed too when configured.
 */
export type IndexEnv = MeiliEnv & { DB: D1Database };

/** Which indexes a run writes: both (normal operation), or one of them (a rebuild of that engine). */
export type Targets = "all" | "d1" | "meilisearch";

/**
 * Re-reads the entities and returns the D1 statements that make the index match them (to be committed
 * in one batch, with the queue receipt). Meilisearch, when configured, is updated before returning, so a
 * failure there makes the queue retry the message.
 */
export async function indexEntities(
  env: IndexEnv,
  type: IndexedType,
  ids: string[],
  now: number,
  targets: Targets = "all",
): Promise<D1PreparedStatement[]> {
  const items = await loadByIds(env.DB, type, ids);
  return writeItems(env, type, items, now, targets);
}

async function writeItems(
  env: IndexEnv,
  type: IndexedType,
  items: Indexable[],
  now: number,
  targets: Targets,
): Promise<D1PreparedStatement[]> {
  const meili = targets === "d1" ? null : meiliOf(env);
  if (meili && items.length > 0) await pushToMeili(meili, type, items);
  return targets === "meilisearch" ? [] : indexWrites(env.DB, type, items, now);
}

export const REBUILD_CHUNK = 100;

/**
 * One step of a rebuild: the next chunk of entities after `after` (id order). Returns the statements
 * for D1 and where the next step starts (null when done). The first step applies the Meilisearch index
 * settings. Entities removed without a message are cleaned by the daily sweep (fts.ts).
 */
export async function rebuildChunk(
  env: IndexEnv,
  type: IndexedType,
  after: string,
  now: number,
  targets: Targets,
): Promise<{ writes: D1PreparedStatement[]; next: string | null; count: number }> {
  const meili = targets === "d1" ? null : meiliOf(env);
  if (meili && after === "") await applySettings(meili, type);
  const { items, last } = await loadAfter(env.DB, type, after, REBUILD_CHUNK);
  const writes = await writeItems(env, type, items, now, targets);
  return { writes, next: last, count: items.length };
}
