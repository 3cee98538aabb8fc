// Who and what the HTTP loads use: a deterministic sample of seeded members (logged in through the real
// login route with the demo password), and samples of post ids and usernames to spread reads over.
import { openLocalD1 } from "../../scripts/lib/local-d1.mjs";
import { DEMO_PASSWORD } from "../../scripts/seed/members.mjs";

/** Reads the samples from a seeded database (while no server has it open). */
export async function readSamples(root, { members = 100 } = {}) {
  const { db, close } = await openLocalD1(root);
  const all = await db
    .prepare(
      `SELECT u.id, u.username, p.following_count AS following, p.connection_count AS connections
       FROM users u JOIN profiles p ON p.user_id = u.id
       WHERE u.status = 'ACTIVE' AND u.email_verified_at IS NOT NULL AND u.username NOT LIKE 'bench%'
       ORDER BY u.id`,
    )
    .all();
  // Every k-th member by id: a spread over the power-law graph, the same members on every run.
  const step = Math.max(1, Math.floor(all.results.length / members));
  const sample = all.results.filter((_, i) => i % step === 0).slice(0, members);
  const recent = await db
    .prepare(
      `SELECT id FROM posts WHERE kind = 'POST' AND visibility = 'PUBLIC' AND deleted_at IS NULL
       ORDER BY id DESC LIMIT 1000`,
    )
    .all();
  const discussed = await db
    .prepare(
      `SELECT id FROM posts WHERE kind = 'POST' AND visibility = 'PUBLIC' AND deleted_at IS NULL AND comment_count >= 3
       ORDER BY id DESC LIMIT 500`,
    )
    .all();
  const userIds = await db.prepare("SELECT id FROM users ORDER BY id DESC LIMIT 1000").all();
  let searchDocs = 0;
  try {
    searchDocs = (await db.prepare("SELECT count(*) AS n FROM search_docs WHERE in_index = 1").first()).n;
  } catch {
    // no search index in this schema
  }
  await close();
  const following = sample.map((m) => m.following).sort((a, b) => a - b);
  return {
    members: sample,
    followingMedian: following[Math.floor(following.length / 2)] ?? 0,
    followingMax: following[following.length - 1] ?? 0,
    postIds: recent.results.map((r) => r.id),
    discussedPostIds: discussed.results.map((r) => r.id),
    userIds: userIds.results.map((r) => r.id),
    searchDocs,
  };
}

let ipCounter = 0;
/** A distinct client address per login: the login limit is per IP (20/min), as for real users. */
const nextIp = () => {
  ipCounter++;
  return `10.77.${(ipCounter >> 8) & 255}.${ipCounter & 255}`;
};

async function each(count, parallel, fn) {
  let next = 0;
  const worker = async () => {
    while (next < count) await fn(next++);
  };
  await Promise.all(Array.from({ length: parallel }, worker));
}

async function post(url, path, body) {
  const res = await fetch(`${url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", "cf-connecting-ip": nextIp() },
    body: JSON.stringify(body),
  });
  if (res.status !== 200) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

/**
 * Logs every member in through POST /api/v1/auth/login (two at a time: the server has one core).
 * Access tokens live 15 minutes: call `session.refresh()` (POST /auth/refresh) before they run out.
 */
export async function logIn(url, members, { parallel = 2 } = {}) {
  const session = {
    tokens: new Array(members.length),
    refreshTokens: new Array(members.length),
    at: Date.now(),
    msPerLogin: 0,
    /** Fresh access tokens for everyone when the current ones are older than `maxAgeMs`. */
    async refresh(serverUrl, maxAgeMs = 8 * 60_000) {
      if (Date.now() - session.at < maxAgeMs) return;
      const at = Date.now();
      await each(members.length, 4, async (i) => {
        const pair = await post(serverUrl, "/api/v1/auth/refresh", {
          refreshToken: session.refreshTokens[i],
        });
        session.tokens[i] = pair.accessToken;
        session.refreshTokens[i] = pair.refreshToken;
      });
      session.at = at;
    },
  };
  const started = Date.now();
  await each(members.length, parallel, async (i) => {
    const body = { identifier: members[i].username, password: DEMO_PASSWORD };
    // A login is safe to send again when the connection dropped before an answer (a kept-alive socket
    // closed by the server under load); an HTTP error is not retried.
    let pair;
    for (let attempt = 1; !pair; attempt++) {
      try {
        pair = await post(url, "/api/v1/auth/login", body);
      } catch (e) {
        if (attempt >= 3 || !(e instanceof TypeError)) throw e;
      }
    }
    session.tokens[i] = pair.accessToken;
    session.refreshTokens[i] = pair.refreshToken;
  });
  session.msPerLogin = (Date.now() - started) / Math.max(1, members.length);
  session.at = started;
  return session;
}
