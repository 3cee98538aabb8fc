// Chat fan-out benchmark: one group conversation, many open WebSockets, several senders at a fixed total
// rate; measures send→receive latency at every socket, deliveries per second, loss and duplicates.
//
//   # Majlis under `npm start` (wrangler dev) or any server using the same local state:
//   node bench/realtime-fanout.mjs --url http://127.0.0.1:8787 --members 200 --tabs 2 --senders 20 --rate 50 --seconds 10
//   # Majlis on Miniflare directly (no wrangler dev proxy or inspector in front): builds the bundle with
//   # `wrangler deploy --dry-run`, applies migrations to a fresh state directory and serves it in-process:
//   node bench/realtime-fanout.mjs --miniflare --members 100 --senders 20 --rate 20 --seconds 10
//   # The same load against a bare broadcast room (no storage, no auth, one DO), started in-process with
//   # Miniflare, as the reference the chat room is compared with:
//   node bench/realtime-fanout.mjs --bare --members 200 --tabs 2 --senders 20 --rate 50 --seconds 10
//   # ... or against the bench build's BareRoom (bench/worker.ts), served like Majlis (`npm run bench`):
//   node bench/realtime-fanout.mjs --bare --bare-url ws://127.0.0.1:PORT/__bench/room --server-pid PID ...
//
// Majlis mode writes the benchmark members straight into the local D1 database (`--persist`, default
// .wrangler/state, the one wrangler dev uses) and signs their access tokens with the Worker's own code
// (the development signing key), so no registration rate limit gets in the way. Messages are still sent
// through the real WebSocket protocol, so the product limit of 50 messages/minute per member applies:
// keep rate × seconds / senders ≤ 50 (the script refuses otherwise).
//
// Prints one JSON line with the results. Latency is measured by the load generator's clock (sender and
// receivers live in this process), so it includes both network hops and the server's queueing.
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import WebSocket from "ws";
import "../scripts/lib/env.mjs";
import { childrenOf, treeCpuMs } from "./lib/server.mjs";

const { values: args } = parseArgs({
  options: {
    url: { type: "string", default: "http://127.0.0.1:8787" },
    bare: { type: "boolean", default: false },
    "bare-url": { type: "string" },
    miniflare: { type: "boolean", default: false },
    members: { type: "string", default: "100" },
    tabs: { type: "string", default: "1" },
    senders: { type: "string", default: "10" },
    rate: { type: "string", default: "50" },
    seconds: { type: "string", default: "10" },
    persist: { type: "string", default: ".wrangler/state" },
    "server-pid": { type: "string" },
    quiet: { type: "boolean", default: false },
  },
});
const members = Number(args.members);
const tabs = Number(args.tabs);
const senders = Math.min(Number(args.senders), members);
const rate = Number(args.rate);
const seconds = Number(args.seconds);
const log = (msg) => args.quiet || console.error(`  ${msg}`);

if (!args.bare && members > 256)
  throw new Error("a group has at most 256 members: raise --tabs for more sockets");
const perSender = (rate * seconds) / senders;
if (!args.bare && perSender > 50) {
  throw new Error(`each sender would send ${perSender} messages: over the 50/minute limit; add --senders`);
}

// ------------------------------------------------------------------ targets

/** Serves the built Worker on Miniflare with the bindings of wrangler.toml, state in a fresh directory. */
async function startMiniflare() {
  const { spawnSync } = await import("node:child_process");
  const { mkdtempSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const { join } = await import("node:path");
  const { Miniflare } = await import("miniflare");
  const { unstable_getMiniflareWorkerOptions } = await import("wrangler");
  const dir = mkdtempSync(join(tmpdir(), "majlis-fanout-"));
  const wrangler = (...a) => {
    const r = spawnSync("npx", ["wrangler", ...a], {
      stdio: args.quiet ? "ignore" : "inherit",
      env: process.env,
    });
    if (r.status !== 0) throw new Error(`wrangler ${a.join(" ")} failed`);
  };
  log(`building the Worker and applying migrations in ${dir}`);
  wrangler("d1", "migrations", "apply", "DB", "--local", "--persist-to", dir);
  wrangler("deploy", "--dry-run", "--outdir", join(dir, "dist"));
  const { workerOptions } = unstable_getMiniflareWorkerOptions("wrangler.toml");
  const mf = new Miniflare({
    ...workerOptions,
    // One log line per request would cost the server more than some of the work being measured. Development
    // mode: the members' tokens below are signed with the development key.
    bindings: { ...workerOptions.bindings, ENVIRONMENT: "development", LOG_REQUESTS: "false" },
    modules: true,
    scriptPath: join(dir, "dist", "index.js"),
    modulesRoot: join(dir, "dist"),
    host: "127.0.0.1",
    port: 0,
    d1Persist: join(dir, "v3", "d1"),
    durableObjectsPersist: join(dir, "v3", "do"),
    kvPersist: join(dir, "v3", "kv"),
    r2Persist: join(dir, "v3", "r2"),
  });
  const url = (await mf.ready).toString().replace(/\/$/, "");
  return { url, persist: dir, stop: () => mf.dispose() };
}

async function majlisTarget() {
  const server = args.miniflare
    ? await startMiniflare()
    : { url: args.url, persist: args.persist, stop: async () => {} };
  const { importTs } = await import("../scripts/lib/import-ts.mjs");
  const { openLocalD1 } = await import("../scripts/lib/local-d1.mjs");
  const { newId } = await importTs("src/platform/ids.ts");
  const { signAccessToken } = await importTs("src/core/identity/tokens.ts");
  const { db, close } = await openLocalD1(server.persist);
  const now = Date.now();
  const run = (Date.now() % 1_000_000).toString(36);
  const users = Array.from({ length: members }, (_, i) => ({
    id: newId(now),
    username: `bench_${run}_${i}`,
  }));
  const statements = users.map((u) =>
    db
      .prepare(
        `INSERT INTO users (id, username, email, email_verified_at, password_hash, display_name, created_at, updated_at)
        VALUES (?, ?, ?, ?, 'benchmark-member-cannot-log-in', ?, ?, ?)`,
      )
      .bind(u.id, u.username, `${u.username}@bench.invalid`, now, `Bench ${u.username}`, now, now),
  );
  // The group's creator is connected with everyone, so they join the group at once (anyone else is invited).
  for (const u of users.slice(1)) {
    const connection = newId(now);
    for (const [a, b] of [
      [users[0].id, u.id],
      [u.id, users[0].id],
    ]) {
      statements.push(
        db
          .prepare("INSERT INTO connections (id, user_id, other_id, created_at) VALUES (?, ?, ?, ?)")
          .bind(connection, a, b, now),
      );
    }
  }
  for (let i = 0; i < statements.length; i += 50) await db.batch(statements.slice(i, i + 50));
  await close();
  const env = { ENVIRONMENT: "development" };
  for (const u of users) {
    u.token = await signAccessToken(
      env,
      { id: u.id, sessionId: `bench-${u.id}`, role: "member", emailVerified: true },
      now,
    );
  }
  const res = await fetch(`${server.url}/api/v1/conversations`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${users[0].token}` },
    body: JSON.stringify({ memberIds: users.slice(1).map((u) => u.id), name: `bench ${run}` }),
  });
  if (res.status !== 201) throw new Error(`creating the group failed: ${res.status} ${await res.text()}`);
  const { conversation } = await res.json();
  const wsUrl = server.url.replace(/^http/, "ws");
  return {
    name: "majlis",
    users,
    conversationId: conversation.id,
    socketUrl: (u) => `${wsUrl}/api/v1/realtime?access_token=${encodeURIComponent(u.token)}`,
    stop: server.stop,
  };
}

/** The reference: a Durable Object that broadcasts every frame to all its sockets, nothing else. */
async function bareTarget() {
  const users = Array.from({ length: members }, (_, i) => ({ id: `u${i}` }));
  if (args["bare-url"]) {
    const url = args["bare-url"].replace(/^http/, "ws");
    return { name: "bare", users, conversationId: "bare", socketUrl: () => url, stop: async () => {} };
  }
  const { Miniflare } = await import("miniflare");
  const script = `
    import { DurableObject } from "cloudflare:workers";
    export class Room extends DurableObject {
      async fetch(req) {
        const [client, server] = Object.values(new WebSocketPair());
        this.ctx.acceptWebSocket(server);
        server.send('{"type":"ready"}');
        return new Response(null, { status: 101, webSocket: client });
      }
      webSocketMessage(ws, data) {
        const frame = JSON.parse(data);
        ws.send(JSON.stringify({ type: "ack", ref: frame.ref, seq: 0 }));
        const out = JSON.stringify({ type: "message", conversationId: "bare", seq: 0, message: { text: frame.text } });
        for (const s of this.ctx.getWebSockets()) if (s !== ws) s.send(out);
      }
    }
    export default { fetch: (req, env) => env.ROOM.get(env.ROOM.idFromName("bare")).fetch(req) };`;
  const mf = new Miniflare({
    modules: true,
    script,
    compatibilityDate: "2026-04-20",
    durableObjects: { ROOM: "Room" },
    port: 0,
  });
  const url = (await mf.ready).toString().replace(/^http/, "ws").replace(/\/$/, "");
  return {
    name: "bare",
    users: Array.from({ length: members }, (_, i) => ({ id: `u${i}` })),
    conversationId: "bare",
    socketUrl: () => `${url}/room`,
    stop: () => mf.dispose(),
  };
}

// ------------------------------------------------------------------ load

function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  return Number(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))].toFixed(2));
}

const target = args.bare ? await bareTarget() : await majlisTarget();
log(`${target.name}: opening ${members * tabs} sockets`);

const latencies = [];
const seen = new Map(); // socket index -> Set of message keys, for duplicate detection
let duplicates = 0;
let received = 0;
const sockets = [];
/** Opens one socket and resolves once it is ready; counts the benchmark's messages it receives. */
function openSocket(user, index) {
  const ws = new WebSocket(target.socketUrl(user));
  const keys = seen.get(index) ?? new Set();
  seen.set(index, keys);
  return new Promise((resolve, reject) => {
    ws.on("error", reject);
    // The load generator shares the machine with the server: read only what it needs from each frame
    // (a regular expression instead of a full JSON parse), the same way for both targets.
    ws.on("message", (data) => {
      const text = data.toString();
      if (text.startsWith('{"type":"ready"')) resolve(ws);
      if (!text.startsWith('{"type":"message"')) return;
      const [, sentAt, key] = /"text":"b:([\d.]+):([^"\s]+)"/.exec(text) ?? [];
      if (!key) return;
      if (keys.has(key)) duplicates++;
      keys.add(key);
      received++;
      latencies.push(performance.now() - Number(sentAt));
    });
  });
}
// At most OPENING upgrades at a time, each retried a few times: a few hundred at once can time out on a
// busy machine, and connecting is not what is measured.
const OPENING = 50;
const wanted = target.users.flatMap((user, ui) =>
  Array.from({ length: tabs }, (_, t) => ({ user, index: ui * tabs + t })),
);
let nextToOpen = 0;
await Promise.all(
  Array.from({ length: OPENING }, async () => {
    while (nextToOpen < wanted.length) {
      const { user, index } = wanted[nextToOpen++];
      for (let attempt = 1; ; attempt++) {
        try {
          sockets.push({ ws: await openSocket(user, index), user, index });
          break;
        } catch (err) {
          if (attempt >= 3) throw err;
        }
      }
    }
  }),
);
sockets.sort((x, y) => x.index - y.index);
// Let connection work finish (presence updates, snapshots) so it is not counted as fan-out cost.
await new Promise((r) => setTimeout(r, 2_000));
log(`${sockets.length} sockets open; sending ${rate} messages/s for ${seconds} s from ${senders} senders`);

const senderSockets = sockets.filter((s) => s.index % tabs === 0).slice(0, senders);
let sent = 0;
let acked = 0;
let refused = 0;
for (const s of senderSockets) {
  s.ws.on("message", (data) => {
    const text = data.toString();
    if (text.startsWith('{"type":"ack","ref":"b')) acked++;
    else if (text.startsWith('{"type":"error","ref":"b')) refused++;
  });
}
// The server's processes: given (wrangler dev / Miniflare parent), or the in-process Miniflare's children.
const serverPids = args["server-pid"]
  ? [Number(args["server-pid"])]
  : args.bare || args.miniflare
    ? childrenOf(process.pid)
    : [];
const serverCpuBefore = serverPids.reduce((sum, pid) => sum + treeCpuMs(pid), 0);
const total = Math.round(rate * seconds);
const started = performance.now();
await new Promise((resolve) => {
  const tick = () => {
    const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * rate));
    while (sent < due) {
      const s = senderSockets[sent % senderSockets.length];
      const key = `${s.index}-${sent}`;
      s.ws.send(
        JSON.stringify({
          type: "send",
          ref: `b${sent}`,
          conversationId: target.conversationId,
          clientId: `bench-${key}`,
          text: `b:${performance.now().toFixed(3)}:${key}`,
        }),
      );
      sent++;
    }
    if (sent >= total) resolve();
    else setTimeout(tick, 2);
  };
  tick();
});
// Let the last messages arrive.
const expected = sent * (sockets.length - 1) - refused * (sockets.length - 1);
const deadline = performance.now() + 10_000;
while (received < expected && performance.now() < deadline) await new Promise((r) => setTimeout(r, 50));
const elapsed = (performance.now() - started) / 1000;
const serverCpuMs =
  serverPids.length > 0 ? serverPids.reduce((sum, pid) => sum + treeCpuMs(pid), 0) - serverCpuBefore : null;

latencies.sort((a, b) => a - b);
const result = {
  target: target.name,
  sockets: sockets.length,
  members,
  tabs,
  senders,
  rate,
  seconds,
  sent,
  acked,
  refused,
  expectedDeliveries: expected,
  received,
  lost: Math.max(0, expected - received),
  duplicates,
  deliveriesPerSecond: Math.round(received / elapsed),
  serverCpuMs,
  serverCpuUsPerDelivery:
    serverCpuMs === null || received === 0 ? null : Number(((serverCpuMs * 1000) / received).toFixed(1)),
  latencyMs: {
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    max: percentile(latencies, 100),
  },
};
console.log(JSON.stringify(result));
for (const s of sockets) s.ws.close();
await target.stop();
process.exit(0);
