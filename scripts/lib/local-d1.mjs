// Opens the same local D1 database that `wrangler dev` uses (.wrangler/state/v3/d1), through Miniflare.
import { readFileSync } from "node:fs";
import "./env.mjs";
import { Miniflare } from "miniflare";

function databaseId() {
  const toml = readFileSync(new URL("../../wrangler.toml", import.meta.url), "utf8");
  const match = /database_id\s*=\s*"([^"]+)"/.exec(toml);
  if (!match) throw new Error("wrangler.toml has no database_id");
  return match[1];
}

export async function openLocalD1(persistRoot = ".wrangler/state") {
  const mf = new Miniflare({
    modules: true,
    script: "export default { fetch() { return new Response(null, { status: 404 }); } }",
    d1Persist: `${persistRoot}/v3/d1`,
    d1Databases: { DB: databaseId() },
  });
  const db = await mf.getD1Database("DB");
  return { db, close: () => mf.dispose() };
}
