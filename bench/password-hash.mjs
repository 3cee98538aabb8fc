// Measures password-hashing options inside workerd (the Workers runtime), as Majlis would run them.
// Usage: node bench/password-hash.mjs [runs]
// Prints milliseconds per hash (median of `runs`), measured with Date.now() around a loop inside the
// Worker. workerd freezes timers during pure CPU work unless I/O happens, so each measurement awaits
// a fetch-free crypto call and reports wall time of the whole request as seen from Node as well.
import { build } from "esbuild";
import { Miniflare } from "miniflare";

const runs = Number(process.argv[2] ?? 7);
const workerSource = `
import { scrypt } from "@noble/hashes/scrypt.js";
import { hashPassword } from "./src/core/identity/password.ts";
const enc = new TextEncoder();
async function pbkdf2(hash, iterations) {
  const key = await crypto.subtle.importKey("raw", enc.encode("correct horse battery staple"), "PBKDF2", false, ["deriveBits"]);
  await crypto.subtle.deriveBits({ name: "PBKDF2", hash, salt: crypto.getRandomValues(new Uint8Array(16)), iterations }, key, 256);
}
export default {
  async fetch(req) {
    const url = new URL(req.url);
    const scheme = url.searchParams.get("scheme");
    const n = Number(url.searchParams.get("n"));
    if (scheme === "pbkdf2-sha256") await pbkdf2("SHA-256", n);
    else if (scheme === "pbkdf2-sha512") await pbkdf2("SHA-512", n);
    else if (scheme === "pbkdf2-sha256-x") { for (let i = 0; i < n; i++) await pbkdf2("SHA-256", 100000); }
    else if (scheme === "scrypt") scrypt("correct horse battery staple", "salt-salt-salt-1", { N: n, r: 8, p: 1, dkLen: 32 });
    else if (scheme === "majlis") await hashPassword("correct horse battery staple", n);
    else if (scheme === "noop") {}
    return new Response("ok");
  },
};`;

const bundled = await build({
  stdin: { contents: workerSource, resolveDir: process.cwd(), loader: "js" },
  bundle: true,
  format: "esm",
  write: false,
  platform: "neutral",
  mainFields: ["module", "main"],
});
const mf = new Miniflare({
  modules: true,
  script: bundled.outputFiles[0].text,
  compatibilityDate: "2026-04-20",
});
await mf.ready;

const cases = [
  ["noop", 0, "baseline: an empty request"],
  ["pbkdf2-sha256", 100_000, "PBKDF2-HMAC-SHA-256, 100,000 iterations (workerd's maximum per call)"],
  ["pbkdf2-sha512", 100_000, "PBKDF2-HMAC-SHA-512, 100,000 iterations"],
  ["pbkdf2-sha256-x", 6, "PBKDF2-SHA-256 chained 6 × 100,000 (600,000, OWASP 2023 figure)"],
  ["majlis", 600_000, "Majlis hashPassword() at its default (600,000, chained)"],
  ["scrypt", 2 ** 14, "scrypt N=2^14 r=8 p=1 in JavaScript (@noble/hashes)"],
  ["scrypt", 2 ** 15, "scrypt N=2^15 r=8 p=1 in JavaScript (@noble/hashes)"],
];
const rows = [];
for (const [scheme, n, label] of cases) {
  await mf.dispatchFetch(`http://bench/?scheme=${scheme}&n=${n}`); // warm-up
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await (await mf.dispatchFetch(`http://bench/?scheme=${scheme}&n=${n}`)).text();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  rows.push({
    option: label,
    "median ms": times[Math.floor(times.length / 2)].toFixed(1),
    "min ms": times[0].toFixed(1),
  });
}
await mf.dispose();
console.table(rows);
console.log(
  "Argon2 needs WebAssembly; Workers refuse to compile Wasm from bytes at run time, so it would have to ship as a bundled .wasm module (not measured).",
);
