import { defineConsumer, enqueue } from "../../platform/queue";
import { indexEntities, rebuildChunk } from "./indexer";
import { SearchIndexMessage, searchIndexSchema } from "./queue";

/**
 * Search indexing: re-reads the entity from D1 and upserts or removes its index entries (idempotent by
 * nature). The D1 statements commit in one batch with the message receipt; Meilisearch is updated before
 * that, so its failures are retried. A rebuild chunk enqueues the next chunk under a key derived from the
 * run and position, so a redelivered chunk does not fork the rebuild.
 */
export const searchIndexConsumer = defineConsumer({
  queue: "majlis-search-index",
  schema: SearchIndexMessage,
  handle: async (message, env, meta) => {
    if ("id" in message) return { writes: await indexEntities(env, message.type, [message.id], meta.now) };
    const { after, run, targets } = message.rebuild;
    const step = await rebuildChunk(env, message.type, after, meta.now, targets);
    if (step.next) {
      await enqueue(env.SEARCH_QUEUE, searchIndexSchema, `rebuild:${run}:${message.type}:${step.next}`, {
        type: message.type,
        rebuild: { after: step.next, run, targets },
      });
    }
    return { writes: step.writes };
  },
});
