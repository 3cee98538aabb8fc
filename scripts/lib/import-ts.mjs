// Imports a TypeScript module of the Worker from Node scripts (bundled on the fly with esbuild), so the
// seed and benchmarks reuse the Worker's own code (password hashing, text normalization, cron SQL)
// instead of copies. Only modules that do not need Workers-only imports (cloudflare:*) can be loaded.
import { build } from "esbuild";

export async function importTs(path) {
  const out = await build({
    entryPoints: [path],
    bundle: true,
    format: "esm",
    platform: "node",
    mainFields: ["module", "main"],
    write: false,
    logLevel: "silent",
  });
  const code = out.outputFiles[0].text;
  return import(`data:text/javascript;base64,${Buffer.from(code).toString("base64")}`);
}
