// Regenerates the drizzle-kit migration from the whole schema (src/db/schema).
// Until Majlis has a production database, the generated schema is kept as one migration
// (migrations/0000_schema.sql); hand-written SQL that drizzle-kit cannot express (FTS5 tables, triggers)
// lives beside it as migrations/00NN_<name>.sql, applied after it in file-name order.
import { execFileSync } from "node:child_process";
import { readdirSync, rmSync } from "node:fs";

for (const f of readdirSync("migrations")) {
  if (/^0000_.*\.sql$/.test(f)) rmSync(`migrations/${f}`);
}
rmSync("migrations/meta", { recursive: true, force: true });
execFileSync("npx", ["drizzle-kit", "generate", "--name", "schema"], { stdio: "inherit" });
