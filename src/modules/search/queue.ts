import { z } from "@hono/zod-openapi";
import { findSearchable } from "../../core/searchables";
import type { Bindings } from "../../platform/env";
import { logError } from "../../platform/log";
import { enqueue } from "../../platform/queue";
import type { IndexedType } from "./types";

/**
 * Search-index messages (queue majlis-search-index, consumer queues/search-index.ts):
 * - `{type, id}`: re-read this entity and make the index match it (upsert, or remove when it is deleted,
 *   suspended or gone). The same message serves create, edit, delete, visibility change and account changes.
 * - `{type, rebuild: {after, run, targets}}`: one chunk of a rebuild; the consumer enqueues the next chunk.
 */
/** A registered searchable type (read when a message is checked, so every module's declaration is in). */
const Type = z.custom<IndexedType>(
  (value) => typeof value === "string" && findSearchable(value) !== undefined,
  "not a searchable type",
);
export const SearchIndexMessage = z.union([
  z.object({ type: Type, id: z.string().min(1).max(64) }).strict(),
  z
    .object({
      type: Type,
      rebuild: z.object({
        after: z.string().max(64),
        run: z.string().min(1).max(64),
        targets: z.enum(["all", "d1", "meilisearch"]),
      }),
    })
    .strict(),
]);
export type SearchIndexMessage = z.infer<typeof SearchIndexMessage>;

export const searchIndexSchema = { schema: SearchIndexMessage };

/**
 * Asks for `type`/`id` to be (re)indexed. Never throws: the caller's write has already happened, and a lost
 * message only delays freshness (visibility is enforced at query time; the rebuild repairs the index).
 * Each call gets its own idempotency key: the consumer reads the current row, so repeats are harmless.
 */
export async function queueIndex(
  env: Pick<Bindings, "SEARCH_QUEUE">,
  type: IndexedType,
  id: string,
): Promise<void> {
  try {
    await enqueue(env.SEARCH_QUEUE, searchIndexSchema, `${type}:${id}:${crypto.randomUUID()}`, { type, id });
  } catch (err) {
    logError("search index enqueue failed", { type, id, error: String(err) });
  }
}
