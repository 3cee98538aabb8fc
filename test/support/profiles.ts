import { env } from "cloudflare:test";
import { newId } from "../../src/platform/ids";
import { patch, post } from "./http";
import type { TestUser } from "./users";

/**
 * Profile test set-up. Graph state (connections, follows, blocks, requests) is written straight to D1:
 * it is set-up here, not behaviour under test (test/graph covers the graph routes themselves).
 */
export async function connectRows(a: TestUser, b: TestUser): Promise<void> {
  const id = newId();
  const now = Date.now();
  await env.DB.batch([
    env.DB.prepare("INSERT INTO connections (id, user_id, other_id, created_at) VALUES (?, ?, ?, ?)").bind(
      id,
      a.id,
      b.id,
      now,
    ),
    env.DB.prepare("INSERT INTO connections (id, user_id, other_id, created_at) VALUES (?, ?, ?, ?)").bind(
      id,
      b.id,
      a.id,
      now,
    ),
  ]);
}

export async function disconnectRows(a: TestUser, b: TestUser): Promise<void> {
  await env.DB.prepare(
    "DELETE FROM connections WHERE (user_id = ? AND other_id = ?) OR (user_id = ? AND other_id = ?)",
  )
    .bind(a.id, b.id, b.id, a.id)
    .run();
}

export async function followRow(a: TestUser, b: TestUser): Promise<void> {
  await env.DB.prepare(
    "INSERT INTO follows (id, follower_id, target_type, target_id, created_at) VALUES (?, ?, 'USER', ?, ?)",
  )
    .bind(newId(), a.id, b.id, Date.now())
    .run();
}

export async function blockRow(a: TestUser, b: TestUser): Promise<void> {
  await env.DB.prepare("INSERT INTO blocks (blocker_id, blocked_id, created_at) VALUES (?, ?, ?)")
    .bind(a.id, b.id, Date.now())
    .run();
}

export async function requestRow(
  from: TestUser,
  to: TestUser,
  status: "PENDING" | "IGNORED" = "PENDING",
  expiresAt = Date.now() + 30 * 86_400_000,
): Promise<void> {
  const pair = from.id < to.id ? `${from.id}:${to.id}` : `${to.id}:${from.id}`;
  await env.DB.prepare(
    "INSERT INTO connection_requests (id, requester_id, addressee_id, pair_key, status, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
  )
    .bind(newId(), from.id, to.id, pair, status, Date.now(), expiresAt)
    .run();
}

export async function setUserStatus(
  user: TestUser,
  status: "ACTIVE" | "SUSPENDED" | "DELETED",
): Promise<void> {
  await env.DB.prepare("UPDATE users SET status = ? WHERE id = ?").bind(status, user.id).run();
}

/** PATCH /profiles/me and fail loudly when it is refused. */
export async function editProfile(user: TestUser, body: Record<string, unknown>) {
  const res = await patch("/api/v1/profiles/me", body, { token: user.token });
  if (res.status !== 200) throw new Error(`profile edit failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** Waits until `check` holds (work done after the response, e.g. recording a view, lands shortly after). */
export async function eventually<T>(
  read: () => Promise<T>,
  check: (v: T) => boolean,
  timeoutMs = 5000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = await read();
  while (!check(last) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
    last = await read();
  }
  return last;
}

export async function viewRows(viewed: TestUser) {
  const { results } = await env.DB.prepare("SELECT viewer_id, day FROM profile_views WHERE viewed_id = ?")
    .bind(viewed.id)
    .all();
  const row = await env.DB.prepare("SELECT view_count FROM profiles WHERE user_id = ?")
    .bind(viewed.id)
    .first<number>("view_count");
  return { rows: results, viewCount: row ?? 0 };
}

/** A fresh access token (after moving the clock past the token's 15 minutes). */
export async function signInAgain(user: TestUser): Promise<string> {
  const res = await post(
    "/api/v1/auth/login",
    { identifier: user.username, password: user.password },
    { ip: user.ip },
  );
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.accessToken;
}
