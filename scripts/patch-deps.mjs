#!/usr/bin/env node
/**
 * Applies the upstream fix of cloudflare/workers-sdk#15092 (merged as #15106, "Install wrapper prototype
 * proxy once") to @cloudflare/vitest-pool-workers 0.15.1, the newest release that runs on Node 20.
 *
 * The bug: the pool wraps each Durable Object class (and the SELF entrypoint) in a class whose
 * constructor replaces `Class.prototype` with a Proxy of the previous one, so after N constructions every
 * property read runs N nested traps. In a test file every new Durable Object (one RateLimiter per client
 * address and member, one ChatRoom per conversation, one UserHub per member) makes every later call on
 * that class slower: the authorization matrix's conversation rows took 17 to 65 s each before the fix.
 * The fix installs the Proxy once per class, on the first construction, exactly as upstream does.
 *
 * Idempotent; vitest.config.ts runs it before the pool starts (so every vitest run of this project gets
 * it, also right after `npm ci`), or run it by hand. Any other version of the file is left alone with a
 * warning (the tests still pass, only slower). Drop this file with the upgrade to a pool release that
 * contains #15106 (they need Node 22).
 */
import { readFileSync, writeFileSync } from "node:fs";

const ROOT = new URL("..", import.meta.url).pathname;
const PKG = `${ROOT}node_modules/@cloudflare/vitest-pool-workers`;
const FILE = `${PKG}/dist/worker/lib/cloudflare/test-internal.mjs`;
const MARK = "/* majlis: workers-sdk#15106 */";

const BEFORE = `function createProxyPrototypeClass(superClass, getUnknownPrototypeKey) {
	function Class(...args) {
		Class.prototype = new Proxy(Class.prototype, { get(target, key, receiver) {`;
const AFTER = `function createProxyPrototypeClass(superClass, getUnknownPrototypeKey) {
	let proxyInstalled = false; ${MARK}
	function Class(...args) {
		if (!proxyInstalled) proxyInstalled = true, Class.prototype = new Proxy(Class.prototype, { get(target, key, receiver) {`;

export function patchPoolWorkers({ quiet = false } = {}) {
  let source;
  try {
    source = readFileSync(FILE, "utf8");
  } catch {
    return "absent";
  }
  if (source.includes(MARK)) return "patched";
  const { version } = JSON.parse(readFileSync(`${PKG}/package.json`, "utf8"));
  if (version !== "0.15.1" || !source.includes(BEFORE)) {
    if (!quiet)
      console.warn(
        `patch-deps: @cloudflare/vitest-pool-workers ${version} does not have the expected code; not patched (see scripts/patch-deps.mjs)`,
      );
    return "unknown";
  }
  writeFileSync(FILE, source.replace(BEFORE, AFTER));
  if (!quiet)
    console.log("patch-deps: @cloudflare/vitest-pool-workers: Durable Object wrapper proxy installed once");
  return "applied";
}

if (import.meta.url === `file://${process.argv[1]}`) patchPoolWorkers();
