// Child process: serves the bench bundle on Miniflare with a direct socket (no entry worker or proxy in
// front of the Worker). Started pinned to one core by bench/lib/server.mjs; prints one JSON line when ready.
//   node bench/lib/serve.mjs <bundle dir> <bench wrangler config> <persist root>
import { readdirSync } from "node:fs";
import { join } from "node:path";
import "../../scripts/lib/env.mjs";
import { Miniflare } from "miniflare";
import { unstable_getMiniflareWorkerOptions } from "wrangler";

const [dir, config, persist] = process.argv.slice(2);
const script = readdirSync(dir).find((f) => f.endsWith(".js"));
const { workerOptions } = unstable_getMiniflareWorkerOptions(config);
const mf = new Miniflare({
  ...workerOptions,
  name: "majlis",
  modules: true,
  scriptPath: join(dir, script),
  modulesRoot: dir,
  host: "127.0.0.1",
  port: 0,
  unsafeDirectSockets: [{ host: "127.0.0.1", port: 0 }],
  d1Persist: `${persist}/v3/d1`,
  kvPersist: `${persist}/v3/kv`,
  r2Persist: `${persist}/v3/r2`,
  durableObjectsPersist: `${persist}/v3/do`,
  cachePersist: `${persist}/v3/cache`,
  // bench/profile.mjs sets this to record CPU profiles through the DevTools protocol.
  ...(process.env.BENCH_INSPECTOR_PORT ? { inspectorPort: Number(process.env.BENCH_INSPECTOR_PORT) } : {}),
});
await mf.ready;
const url = (await mf.unsafeGetDirectURL("majlis")).toString().replace(/\/$/, "");
console.log(JSON.stringify({ ready: true, url }));
const stop = async () => {
  await mf.dispose();
  process.exit(0);
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
