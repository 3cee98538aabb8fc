// Follows and connections with a power-law shape: popular members collect most follows.
import { paretoInt, zipfSampler } from "./random.mjs";

export async function seedGraph({ writer, r, members, now, idAt, progress }) {
  const n = members.length;
  if (n < 2) return;
  // Popularity rank: a random permutation, demo members near the top so the demo feels alive.
  const ranked = members.slice().sort(() => r.next() - 0.5);
  ranked.sort((a, b) => (b.demo ? 1 : 0) - (a.demo ? 1 : 0));
  const sample = zipfSampler(n, r);
  const followerCount = new Map();
  const followingCount = new Map();
  const connectionCount = new Map();
  const follows = [];
  const followSeen = new Set();
  const pairs = new Set();
  const connections = [];

  // Demo members all know each other, so the demo shows connections, a shared feed and group chats.
  const demo = members.filter((m) => m.demo);
  for (const a of demo) {
    for (const b of demo) {
      if (a.id >= b.id) continue;
      pairs.add(`${a.id}:${b.id}`);
      const id = idAt(Math.max(a.createdAt, b.createdAt) + 1);
      const at = Math.max(a.createdAt, b.createdAt) + 1;
      connections.push(
        { id, user_id: a.id, other_id: b.id, created_at: at },
        { id, user_id: b.id, other_id: a.id, created_at: at },
      );
      for (const [x, y] of [
        [a, b],
        [b, a],
      ]) {
        followSeen.add(`${x.id}>${y.id}`);
        follows.push({
          id: idAt(at),
          follower_id: x.id,
          target_type: "USER",
          target_id: y.id,
          created_at: at,
        });
      }
    }
  }
  for (const m of members) {
    const want = Math.min(n - 1, paretoInt(r, 3, 400));
    for (let tries = 0, made = 0; made < want && tries < want * 3; tries++) {
      const target = ranked[sample()];
      const key = `${m.id}>${target.id}`;
      if (target.id === m.id || followSeen.has(key)) continue;
      followSeen.add(key);
      made++;
      const at = Math.max(m.createdAt, target.createdAt) + r.int(1, 86_400_000 * 20);
      follows.push({
        id: idAt(Math.min(at, now)),
        follower_id: m.id,
        target_type: "USER",
        target_id: target.id,
        created_at: Math.min(at, now),
      });
      followerCount.set(target.id, (followerCount.get(target.id) ?? 0) + 1);
      followingCount.set(m.id, (followingCount.get(m.id) ?? 0) + 1);
    }
    const connect = Math.min(n - 1, paretoInt(r, 2, 200, 1.5));
    for (let tries = 0, made = 0; made < connect && tries < connect * 3; tries++) {
      const other = ranked[sample()];
      if (other.id === m.id) continue;
      const pair = m.id < other.id ? `${m.id}:${other.id}` : `${other.id}:${m.id}`;
      if (pairs.has(pair)) continue;
      pairs.add(pair);
      made++;
      const at = Math.min(now, Math.max(m.createdAt, other.createdAt) + r.int(1, 86_400_000 * 30));
      const id = idAt(at);
      connections.push(
        { id, user_id: m.id, other_id: other.id, created_at: at },
        { id, user_id: other.id, other_id: m.id, created_at: at },
      );
      connectionCount.set(m.id, (connectionCount.get(m.id) ?? 0) + 1);
      connectionCount.set(other.id, (connectionCount.get(other.id) ?? 0) + 1);
    }
  }
  progress(`graph: ${follows.length} follows, ${connections.length / 2} connections`);
  await writer.insert("follows", follows, { orIgnore: true });
  await writer.insert("connections", connections, { orIgnore: true });
  await writer.flush();
  // Counters are recomputed from the rows, so they are exact even when seeding into a non-empty database.
  await writer.exec(`UPDATE profiles SET
    follower_count = (SELECT count(*) FROM follows WHERE target_type = 'USER' AND target_id = profiles.user_id),
    following_count = (SELECT count(*) FROM follows WHERE target_type = 'USER' AND follower_id = profiles.user_id),
    connection_count = (SELECT count(*) FROM connections WHERE user_id = profiles.user_id)`);
  await writer.flush();
}
