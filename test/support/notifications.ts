import { createExecutionContext, createMessageBatch, env, getQueueResult } from "cloudflare:test";
import { vi } from "vitest";
import { handleQueue } from "../../queues";
import type { DomainEvent } from "../../src/core/events";
import { base64url, fromBase64url } from "../../src/platform/encoding";
import { get, post } from "./http";
import type { TestUser } from "./users";

/**
 * Helpers for notification tests: run the notify consumer directly (as the queue would), wait for the
 * real queue, capture Web Push requests at the fetch boundary, and a browser's side of Web Push (key
 * pair, auth secret, and an RFC 8291 decryptor written independently of src/modules/push/ece.ts: HKDF by
 * hand with HMAC instead of Web Crypto's HKDF).
 */
let messageCounter = 0;

export interface QueuedMessage {
  key: string;
  body: unknown;
}

/** Delivers `messages` to the worker's queue handler as one batch of `queue`; answers ack/retry state. */
export async function runQueue(queue: string, messages: QueuedMessage[], attempts = 1) {
  const batch = createMessageBatch(
    queue,
    messages.map((body) => ({ id: `test-${++messageCounter}`, timestamp: new Date(), attempts, body })),
  );
  const ctx = createExecutionContext();
  await handleQueue(batch, env);
  return getQueueResult(batch, ctx);
}

export const runNotify = (messages: QueuedMessage[], attempts = 1) =>
  runQueue("majlis-notify", messages, attempts);

let eventCounter = 0;
/** A domain event message as a producer would publish it (unique key unless given). */
export function event(
  e: Partial<DomainEvent> & Pick<DomainEvent, "type" | "actorId" | "recipientId">,
  key?: string,
) {
  const body: DomainEvent = { at: Date.now(), ...e };
  return { key: key ?? `test:${e.type}:${++eventCounter}:${Math.random().toString(36).slice(2)}`, body };
}

export interface ListedNotification {
  id: string;
  type: string;
  read: boolean;
  actors: { id: string; displayName: string; username: string }[];
  actorCount: number;
  eventCount: number;
  target: { type: string; id: string } | null;
  data: Record<string, unknown>;
  text: string;
  link: string;
  createdAt: string;
  updatedAt: string;
}

/** A fresh access token for `user` (after the test clock moved past the token's 15 minutes). */
export async function signInAgain(user: TestUser): Promise<TestUser> {
  const res = await post(
    "/api/v1/auth/login",
    { identifier: user.username, password: user.password },
    { ip: user.ip },
  );
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { ...user, token: res.body.accessToken, refreshToken: res.body.refreshToken };
}

export async function listNotifications(user: TestUser, query = ""): Promise<ListedNotification[]> {
  const res = await get(`/api/v1/notifications${query}`, { token: user.token });
  if (res.status !== 200) throw new Error(`list failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.data;
}

export async function unreadCount(user: TestUser): Promise<number> {
  const res = await get("/api/v1/notifications/unread-count", { token: user.token });
  return res.body.count;
}

/** Polls the list until `ready` holds (the real queue delivers asynchronously). */
export async function waitForNotifications(
  user: TestUser,
  ready: (list: ListedNotification[]) => boolean,
  timeoutMs = 10_000,
): Promise<ListedNotification[]> {
  const deadline = Date.now() + timeoutMs;
  let last: ListedNotification[] = [];
  while (Date.now() < deadline) {
    last = await listNotifications(user);
    if (ready(last)) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`notifications never matched; last: ${JSON.stringify(last.map((n) => [n.type, n.text]))}`);
}

/** The notification row as stored (pending deliveries, aggregation key). */
export async function storedNotification(id: string) {
  return env.DB.prepare("SELECT * FROM notifications WHERE id = ?").bind(id).first<{
    pending: number;
    deliver_at: number | null;
    agg_key: string | null;
    event_count: number;
  }>();
}

// ------------------------------------------------------------------------------------------ Web Push

export interface BrowserSubscription {
  endpoint: string;
  keys: { p256dh: string; auth: string };
  privateKey: CryptoKey;
  publicRaw: Uint8Array;
  authSecret: Uint8Array;
}

/** What a browser's PushManager.subscribe() would create: a fresh P-256 key pair and auth secret. */
export async function browserSubscription(host = "fcm.googleapis.com"): Promise<BrowserSubscription> {
  const pair = (await crypto.subtle.generateKey({ name: "ECDH", namedCurve: "P-256" }, true, [
    "deriveBits",
  ])) as CryptoKeyPair;
  const publicRaw = new Uint8Array((await crypto.subtle.exportKey("raw", pair.publicKey)) as ArrayBuffer);
  const authSecret = crypto.getRandomValues(new Uint8Array(16));
  const id = base64url(crypto.getRandomValues(new Uint8Array(18)));
  return {
    endpoint: `https://${host}/fcm/send/${id}`,
    keys: { p256dh: base64url(publicRaw), auth: base64url(authSecret) },
    privateKey: pair.privateKey,
    publicRaw,
    authSecret,
  };
}

export interface CapturedPush {
  url: string;
  headers: Headers;
  body: Uint8Array;
}

const PUSH_HOSTS =
  /(^|\.)(fcm\.googleapis\.com|push\.services\.mozilla\.com|notify\.windows\.com|push\.apple\.com)$/;

/**
 * Replaces the network for push services only: records each request and answers `status(url)` (201 by
 * default). Everything else goes to the real fetch. Call `restore()` at the end of the test.
 */
export function capturePush(status: (url: string) => number = () => 201) {
  const captured: CapturedPush[] = [];
  const original = globalThis.fetch;
  const spy = vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const request = new Request(input as RequestInfo, init);
    if (!PUSH_HOSTS.test(new URL(request.url).hostname)) return original(input as RequestInfo, init);
    captured.push({
      url: request.url,
      headers: request.headers,
      body: new Uint8Array(await request.arrayBuffer()),
    });
    return new Response(null, { status: status(request.url) });
  });
  return { captured, restore: () => spy.mockRestore() };
}

export async function waitFor<T>(probe: () => T | Promise<T>, timeoutMs = 10_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value) return value as NonNullable<T>;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`condition not met within ${timeoutMs} ms`);
}

function concat(...parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

async function hmac(key: Uint8Array, data: Uint8Array): Promise<Uint8Array> {
  const k = await crypto.subtle.importKey("raw", concat(key), { name: "HMAC", hash: "SHA-256" }, false, [
    "sign",
  ]);
  return new Uint8Array(await crypto.subtle.sign("HMAC", k, concat(data)));
}

/** HKDF (RFC 5869) for outputs ≤ 32 bytes: extract, then one round of expand. */
async function hkdf(salt: Uint8Array, ikm: Uint8Array, info: Uint8Array, length: number) {
  const prk = await hmac(salt, ikm);
  return (await hmac(prk, concat(info, new Uint8Array([1])))).slice(0, length);
}

/** The user agent's side of RFC 8291 + RFC 8188 (aes128gcm): answers the plaintext. */
export async function decryptPush(
  body: Uint8Array,
  uaPrivate: CryptoKey,
  uaPublicRaw: Uint8Array,
  authSecret: Uint8Array,
): Promise<string> {
  const te = new TextEncoder();
  const salt = body.slice(0, 16);
  const rs = new DataView(body.buffer, body.byteOffset).getUint32(16);
  const idlen = body[20]!;
  const asPublic = body.slice(21, 21 + idlen);
  const ciphertext = body.slice(21 + idlen);
  if (ciphertext.length > rs) throw new Error("more than one record");
  const asKey = await crypto.subtle.importKey(
    "raw",
    asPublic,
    { name: "ECDH", namedCurve: "P-256" },
    false,
    [],
  );
  const ecdh = new Uint8Array(
    await crypto.subtle.deriveBits(
      { name: "ECDH", public: asKey } as unknown as SubtleCryptoDeriveKeyAlgorithm,
      uaPrivate,
      256,
    ),
  );
  const ikm = await hkdf(authSecret, ecdh, concat(te.encode("WebPush: info\0"), uaPublicRaw, asPublic), 32);
  const cek = await hkdf(salt, ikm, te.encode("Content-Encoding: aes128gcm\0"), 16);
  const nonce = await hkdf(salt, ikm, te.encode("Content-Encoding: nonce\0"), 12);
  const key = await crypto.subtle.importKey("raw", concat(cek), "AES-GCM", false, ["decrypt"]);
  const record = new Uint8Array(
    await crypto.subtle.decrypt({ name: "AES-GCM", iv: concat(nonce) }, key, ciphertext),
  );
  let end = record.length - 1;
  while (end >= 0 && record[end] === 0) end--;
  if (record[end] !== 2) throw new Error("missing last-record delimiter");
  return new TextDecoder().decode(record.slice(0, end));
}

/** Checks a VAPID Authorization header: ES256 signature by `k`, audience, expiry. Answers its claims. */
export async function verifyVapid(authorization: string, endpoint: string) {
  const match = /^vapid t=([^,\s]+),\s*k=([A-Za-z0-9_-]+)$/.exec(authorization);
  if (!match) throw new Error(`not a VAPID header: ${authorization}`);
  const [header, payload, signature] = match[1]!.split(".");
  const key = await crypto.subtle.importKey(
    "raw",
    fromBase64url(match[2]!),
    { name: "ECDSA", namedCurve: "P-256" },
    false,
    ["verify"],
  );
  const ok = await crypto.subtle.verify(
    { name: "ECDSA", hash: "SHA-256" },
    key,
    fromBase64url(signature!),
    new TextEncoder().encode(`${header}.${payload}`),
  );
  const claims = JSON.parse(new TextDecoder().decode(fromBase64url(payload!)));
  const head = JSON.parse(new TextDecoder().decode(fromBase64url(header!)));
  return {
    ok,
    claims,
    header: head,
    publicKey: match[2]!,
    audienceOk: claims.aud === new URL(endpoint).origin,
  };
}
