import { and, eq, ne } from "drizzle-orm";
import type { Deps } from "../../core/deps";
import { type NotificationTypeName, notificationTypeNames } from "../../core/notifications";
import { users } from "../../db/schema";
import { hmacSign, timingSafeEqual } from "../../platform/crypto";
import { base64url, fromBase64url, fromUtf8, utf8 } from "../../platform/encoding";
import type { Bindings } from "../../platform/env";
import { unsubscribeSecret } from "../../platform/environment";
import { AppError } from "../../platform/errors";
import { preferencesUpsert } from "./preferences";

/**
 * Unsubscribe links in emails: `GET /api/v1/notifications/unsubscribe?token=` turns off the email channel
 * of one notification type (or the digest) without signing in. The token is `payload.signature`, where
 * payload = base64url("v1:<userId>:<scope>") and signature = HMAC-SHA-256 over it with
 * UNSUBSCRIBE_SECRET, else a key derived from the JWT key in use (platform/environment.ts: never a public key
 * outside development mode), so it cannot be forged or moved to another member or type. It does not
 * expire: old emails keep working.
 */
export type UnsubscribeScope = NotificationTypeName | "digest";

type SigningEnv = Pick<Bindings, "UNSUBSCRIBE_SECRET" | "JWT_SECRET" | "ENVIRONMENT">;

export async function unsubscribeToken(
  env: SigningEnv,
  userId: string,
  scope: UnsubscribeScope,
): Promise<string> {
  const payload = base64url(utf8(`v1:${userId}:${scope}`));
  return `${payload}.${await hmacSign(unsubscribeSecret(env), payload)}`;
}

export async function unsubscribeUrl(
  env: Bindings,
  userId: string,
  scope: UnsubscribeScope,
): Promise<string> {
  const token = await unsubscribeToken(env, userId, scope);
  return `${env.APP_URL.replace(/\/+$/, "")}/api/v1/notifications/unsubscribe?token=${token}`;
}

export async function verifyUnsubscribeToken(
  env: SigningEnv,
  token: string,
): Promise<{ userId: string; scope: UnsubscribeScope }> {
  const [payload, signature, extra] = token.split(".");
  if (!payload || !signature || extra !== undefined) throw new AppError("INVALID_LINK");
  const expected = await hmacSign(unsubscribeSecret(env), payload);
  if (!timingSafeEqual(expected, signature)) throw new AppError("INVALID_LINK");
  let decoded: string;
  try {
    decoded = fromUtf8(fromBase64url(payload));
  } catch {
    throw new AppError("INVALID_LINK");
  }
  const [version, userId, scope] = decoded.split(":");
  const scopes: readonly string[] = [...notificationTypeNames(), "digest"];
  if (version !== "v1" || !userId || !scope || !scopes.includes(scope)) throw new AppError("INVALID_LINK");
  return { userId, scope: scope as UnsubscribeScope };
}

/** Applies a verified token. Idempotent; an account that no longer exists answers 404. */
export async function unsubscribe(deps: Deps, token: string) {
  const { userId, scope } = await verifyUnsubscribeToken(deps.env, token);
  const db = deps.env.DB;
  const user = await deps.db
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.id, userId), ne(users.status, "DELETED")))
    .get();
  if (!user) throw new AppError("NOT_FOUND");
  const patch = scope === "digest" ? { digest: "OFF" as const } : { channels: { [scope]: { email: false } } };
  await preferencesUpsert(db, userId, patch, deps.now).run();
  return { unsubscribed: true as const, scope, channel: "email" as const };
}
