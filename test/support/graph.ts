import { env, post } from "./http";
import type { TestUser } from "./users";

/**
 * Social graph set-up over HTTP, for any test that needs members to be connected, following or blocked.
 * Each helper throws when the API does not answer as expected, so a broken set-up fails loudly.
 */
function expectStatus(what: string, res: { status: number; body: unknown }, ...ok: number[]): void {
  if (!ok.includes(res.status)) throw new Error(`${what} failed: ${res.status} ${JSON.stringify(res.body)}`);
}

/**
 * `a` asks `b` to connect and `b` accepts: afterwards they are connected and follow each other (connecting
 * makes both members follow each other). If `b` had already asked `a`, asking connects them at once.
 */
export async function connect(a: TestUser, b: TestUser): Promise<void> {
  const asked = await post("/api/v1/connections/requests", { userId: b.id }, { token: a.token });
  expectStatus("connection request", asked, 200, 201);
  if (asked.status === 200) return;
  const accepted = await post(`/api/v1/connections/requests/${asked.body.request.id}/accept`, undefined, {
    token: b.token,
  });
  expectStatus("connection accept", accepted, 200);
}

/** `a` follows `b` (already following, e.g. after `connect`, is fine). */
export async function follow(a: TestUser, b: TestUser): Promise<void> {
  const res = await post("/api/v1/follow", { userId: b.id }, { token: a.token });
  if (res.status === 409 && res.body?.error?.code === "ALREADY_EXISTS") return;
  expectStatus("follow", res, 201);
}

/** `a` blocks `b`: from then on each is hidden from the other (404). */
export async function block(a: TestUser, b: TestUser): Promise<void> {
  const res = await post(`/api/v1/users/${b.id}/block`, undefined, { token: a.token });
  expectStatus("block", res, 200, 201);
}

export interface GraphCounts {
  followers: number;
  following: number;
  connections: number;
}

/** The denormalized counters on the member's profile. */
export async function graphCounters(userId: string): Promise<GraphCounts> {
  const row = await env.DB.prepare(
    "SELECT follower_count AS followers, following_count AS following, connection_count AS connections FROM profiles WHERE user_id = ?",
  )
    .bind(userId)
    .first<GraphCounts>();
  if (!row) throw new Error(`no profile for ${userId}`);
  return row;
}

/** The rows those counters count. */
export async function graphRows(userId: string): Promise<GraphCounts> {
  const row = await env.DB.prepare(
    `SELECT (SELECT COUNT(*) FROM follows WHERE target_type = 'USER' AND target_id = ?1) AS followers,
      (SELECT COUNT(*) FROM follows WHERE target_type = 'USER' AND follower_id = ?1) AS following,
      (SELECT COUNT(*) FROM connections WHERE user_id = ?1) AS connections`,
  )
    .bind(userId)
    .first<GraphCounts>();
  return row!;
}

/** Waits until the notify queue consumer has processed the domain event published with `key`. */
export async function waitForDomainEvent(key: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const seen = await env.DB.prepare("SELECT 1 FROM queue_receipts WHERE key = ?")
      .bind(`majlis-notify:${key}`)
      .first();
    if (seen) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no domain event ${key} within ${timeoutMs} ms`);
}
