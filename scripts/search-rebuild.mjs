// Rebuilds search indexes from the local D1 database (the one `npm start` uses), with the Worker's own
// indexing code (src/modules/search/indexer.ts), without a running server:
//   npm run search:rebuild                                  D1 FTS5 index, every searchable type
//   npm run search:rebuild -- --type posts                  one type
//   npm run search:rebuild -- --engine meilisearch --url http://127.0.0.1:7700 [--key KEY] [--prefix majlis_]
//   npm run search:rebuild -- --engine all                  both (Meilisearch from MEILISEARCH_URL/_API_KEY)
// On Cloudflare (or any running server) use POST /api/v1/admin/search/rebuild, which walks the tables
// through the search queue.
// Run it after `npm run seed`: the seed writes rows directly, so nothing of it is indexed before.
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { build } from "esbuild";
import { openLocalD1 } from "./lib/local-d1.mjs";

const { values: args } = parseArgs({
  options: {
    engine: { type: "string", default: "d1" },
    type: { type: "string", default: "all" },
    url: { type: "string", default: process.env.MEILISEARCH_URL },
    key: { type: "string", default: process.env.MEILISEARCH_API_KEY },
    prefix: { type: "string", default: process.env.MEILISEARCH_INDEX_PREFIX },
    persist: { type: "string", default: ".wrangler/state" },
  },
});

const engines = { d1: "d1", meilisearch: "meilisearch", all: "all" };
const targets = engines[args.engine];
if (!targets) throw new Error(`--engine must be d1, meilisearch or all (got ${args.engine})`);
if (targets !== "d1" && !args.url) throw new Error("Meilisearch needs --url (or MEILISEARCH_URL)");

/**
 * The indexer, bundled in one piece with the Worker's module list: the searchable types are declared by
 * the modules that own them (src/core/searchables.ts), and they register when their manifests load, as
 * in the Worker. One bundle, so the indexer reads the same registry the manifests filled.
 */
async function loadIndexer() {
  const out = await build({
    stdin: {
      contents: `import "./src/modules/index.ts";
        export { rebuildChunk } from "./src/modules/search/indexer.ts";
        export { INDEX_FORMAT } from "./src/modules/search/maintenance.ts";
        export { indexedTypes } from "./src/modules/search/types.ts";`,
      resolveDir: fileURLToPath(new URL("..", import.meta.url)),
      sourcefile: "search-rebuild-entry.ts",
      loader: "ts",
    },
    bundle: true,
    format: "esm",
    platform: "node",
    mainFields: ["module", "main"],
    write: false,
    logLevel: "silent",
  });
  return import(`data:text/javascript;base64,${Buffer.from(out.outputFiles[0].text).toString("base64")}`);
}

const { rebuildChunk, INDEX_FORMAT, indexedTypes } = await loadIndexer();
const known = indexedTypes();
const types = args.type === "all" ? known : [args.type];
if (!types.every((t) => known.includes(t))) throw new Error(`--type must be ${[...known, "all"].join(", ")}`);
const { db, close } = await openLocalD1(args.persist);
const env = {
  DB: db,
  SEARCH_ENGINE: targets === "d1" ? "d1" : "meilisearch",
  MEILISEARCH_URL: args.url,
  MEILISEARCH_API_KEY: args.key,
  MEILISEARCH_INDEX_PREFIX: args.prefix,
};

try {
  for (const type of types) {
    const started = Date.now();
    let after = "";
    let total = 0;
    for (;;) {
      const step = await rebuildChunk(env, type, after, Date.now(), targets);
      if (step.writes.length > 0) await db.batch(step.writes);
      total += step.count;
      if (!step.next) break;
      after = step.next;
      if (total % 5000 === 0) console.log(`  ${type}: ${total}…`);
    }
    console.log(`${type}: ${total} indexed (${targets}) in ${((Date.now() - started) / 1000).toFixed(1)}s`);
  }
  // Every type is now in the current token format: the hourly maintenance has nothing to upgrade.
  if (targets !== "meilisearch" && args.type === "all") {
    await db
      .prepare(
        "INSERT INTO search_meta (name, value) VALUES ('index_format', ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value",
      )
      .bind(String(INDEX_FORMAT))
      .run();
  }
} finally {
  await close();
}
