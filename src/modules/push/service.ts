import { z } from "@hono/zod-openapi";
import { and, eq, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import type { Deps } from "../../core/deps";
import { pushSubscriptions } from "../../db/schema";
import { isoAt } from "../../platform/clock";
import { name, statement } from "../../platform/db/statements";
import { fromBase64url, utf8 } from "../../platform/encoding";
import type { Bindings } from "../../platform/env";
import { AppError } from "../../platform/errors";
import { newId } from "../../platform/ids";
import { logError } from "../../platform/log";
import { encryptPushPayload, importUaPublicKey } from "./ece";
import { vapidAuthorization, vapidKeys, vapidSubject } from "./vapid";

/**
 * Web Push subscriptions and delivery. A subscription is what the browser's PushManager.subscribe()
 * returns ({endpoint, keys: {p256dh, auth}}); the endpoint is unique. An endpoint belongs to the member
 * who registered it until that member unregisters it (or the push service says it is gone): the same
 * member registering again updates its keys, another member is refused with 409 PUSH_ENDPOINT_TAKEN and
 * changes nothing, so a leaked endpoint neither redirects nor silences the owner's pushes. A browser
 * shared by two accounts unsubscribes on sign-out and subscribes again, which gives a new endpoint.
 * Endpoints must be https URLs of a known push service (PUSH_ENDPOINT_HOSTS), because the server POSTs
 * to them.
 */
export const MAX_SUBSCRIPTIONS_PER_USER = 20;
const DEFAULT_PUSH_HOSTS = "fcm.googleapis.com,push.services.mozilla.com,notify.windows.com,push.apple.com";

const B64URL = /^[A-Za-z0-9_-]+={0,2}$/;

export const PushSubscriptionInput = z
  .object({
    endpoint: z
      .string()
      .min(12)
      .max(2048)
      .openapi({ example: "https://fcm.googleapis.com/fcm/send/dGVzdC1zdWJzY3JpcHRpb24" }),
    keys: z.object({
      p256dh: z.string().min(80).max(120).regex(B64URL, "must be base64url").openapi({
        description: "The subscription's P-256 public key (uncompressed point, base64url)",
        example: "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4",
      }),
      auth: z
        .string()
        .min(16)
        .max(32)
        .regex(B64URL, "must be base64url")
        .openapi({ description: "The 16-byte auth secret (base64url)", example: "BTBZMqHH6r4Tts7J_aSIgg" }),
    }),
    /** Sent by PushSubscription.toJSON(); not used. */
    expirationTime: z.number().nullable().optional(),
  })
  .openapi("PushSubscriptionInput");
export type PushSubscriptionInput = z.infer<typeof PushSubscriptionInput>;

export const PushSubscriptionSchema = z
  .object({ id: z.string(), endpoint: z.string(), createdAt: z.string() })
  .openapi("PushSubscription");

function invalid(path: string, message: string): AppError {
  return new AppError("VALIDATION_ERROR", [{ path, message }]);
}

/** Whether the server may POST to this endpoint: https, a host name (no IP literal), an allowed service. */
export function endpointAllowed(env: Pick<Bindings, "PUSH_ENDPOINT_HOSTS">, endpoint: string): boolean {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return false;
  }
  if (url.protocol !== "https:" || url.username || url.password) return false;
  const host = url.hostname.toLowerCase();
  if (host === "localhost" || host.endsWith(".localhost") || /^[\d.]+$/.test(host) || host.includes(":")) {
    return false;
  }
  if (host.startsWith("[")) return false;
  const allowed = (env.PUSH_ENDPOINT_HOSTS ?? DEFAULT_PUSH_HOSTS)
    .split(",")
    .map((h) => h.trim().toLowerCase())
    .filter(Boolean);
  return allowed.some((suffix) => suffix === "*" || host === suffix || host.endsWith(`.${suffix}`));
}

export async function registerSubscription(deps: Deps, userId: string, input: PushSubscriptionInput) {
  if (!endpointAllowed(deps.env, input.endpoint)) {
    throw invalid("endpoint", "must be an https URL of a supported push service");
  }
  const p256dh = fromBase64url(input.keys.p256dh.replace(/=+$/, ""));
  try {
    await importUaPublicKey(p256dh);
  } catch {
    throw invalid("keys.p256dh", "must be an uncompressed P-256 public key (65 bytes)");
  }
  if (fromBase64url(input.keys.auth.replace(/=+$/, "")).length !== 16) {
    throw invalid("keys.auth", "must be 16 bytes");
  }
  const db = deps.env.DB;
  const id = newId(deps.now);
  const s = pushSubscriptions;
  const newest = alias(pushSubscriptions, "newest");
  // One batch (one transaction): the upsert, which touches only the caller's own row, and the eviction
  // of the caller's oldest subscriptions beyond the cap, so no interleaving leaves more than the cap.
  const [upserted] = await db.batch<{ id: string; createdAt: number }>([
    statement(
      db,
      sql`INSERT INTO ${s} (${name(s.id)}, ${name(s.userId)}, ${name(s.endpoint)}, ${name(s.p256dh)}, ${name(s.auth)},
          ${name(s.createdAt)})
        VALUES (${id}, ${userId}, ${input.endpoint}, ${input.keys.p256dh}, ${input.keys.auth}, ${deps.now})
        ON CONFLICT (${name(s.endpoint)}) DO UPDATE SET ${name(s.p256dh)} = ${input.keys.p256dh},
          ${name(s.auth)} = ${input.keys.auth} WHERE ${s.userId} = ${userId}
        RETURNING ${name(s.id)} AS id, ${name(s.createdAt)} AS createdAt`,
    ),
    // Keep the newest subscriptions of a member (old browsers never unregister).
    statement(
      db,
      sql`DELETE FROM ${s} WHERE ${s.userId} = ${userId} AND ${s.id} NOT IN
        (SELECT ${newest.id} FROM ${s} ${newest} WHERE ${newest.userId} = ${userId}
          ORDER BY ${newest.createdAt} DESC, ${newest.id} DESC LIMIT ${MAX_SUBSCRIPTIONS_PER_USER})`,
    ),
  ]);
  const row = upserted!.results[0];
  if (!row) throw new AppError("PUSH_ENDPOINT_TAKEN");
  return {
    created: row.id === id,
    subscription: { id: row.id, endpoint: input.endpoint, createdAt: isoAt(row.createdAt) },
  };
}

/** Idempotent: removing an endpoint you do not have (or that is someone else's) changes nothing. */
export async function unregisterSubscription(deps: Deps, userId: string, endpoint: string): Promise<void> {
  await deps.db
    .delete(pushSubscriptions)
    .where(and(eq(pushSubscriptions.endpoint, endpoint), eq(pushSubscriptions.userId, userId)));
}

export interface StoredSubscription {
  id: string;
  endpoint: string;
  p256dh: string;
  auth: string;
}

export interface PushMessage {
  /** JSON given to the service worker's `push` event (event.data.json()). */
  payload: Record<string, unknown>;
  /** Seconds the push service keeps the message for an offline device. */
  ttl: number;
  urgency: "very-low" | "low" | "normal" | "high";
  /** Replaces an undelivered message with the same topic (≤ 32 base64url characters). */
  topic?: string;
}

/** ok: accepted; gone: 404/410, delete the subscription; rejected: other 4xx; retry: 429, 5xx, network. */
export type PushResult = "ok" | "gone" | "rejected" | "retry";

export async function sendPush(
  env: Bindings,
  sub: StoredSubscription,
  message: PushMessage,
  now: number,
): Promise<PushResult> {
  const keys = await vapidKeys(env);
  if (!keys || !endpointAllowed(env, sub.endpoint)) return "rejected";
  const body = await encryptPushPayload(
    utf8(JSON.stringify(message.payload)),
    fromBase64url(sub.p256dh.replace(/=+$/, "")),
    fromBase64url(sub.auth.replace(/=+$/, "")),
  );
  let res: Response;
  try {
    res = await fetch(sub.endpoint, {
      method: "POST",
      redirect: "manual",
      headers: {
        authorization: await vapidAuthorization(keys, sub.endpoint, vapidSubject(env), now),
        "content-encoding": "aes128gcm",
        "content-type": "application/octet-stream",
        ttl: String(message.ttl),
        urgency: message.urgency,
        ...(message.topic ? { topic: message.topic } : {}),
      },
      body,
    });
  } catch (err) {
    logError("push request failed", { error: String(err) });
    return "retry";
  }
  await res.body?.cancel();
  if (res.status >= 200 && res.status < 300) return "ok";
  if (res.status === 404 || res.status === 410) return "gone";
  if (res.status === 429 || res.status >= 500) return "retry";
  logError("push refused", { status: res.status, host: new URL(sub.endpoint).host });
  return "rejected";
}
