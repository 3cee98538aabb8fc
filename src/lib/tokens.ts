import { errors as joseErrors, jwtVerify, SignJWT } from "jose";
import type { AuthUser, Bindings } from "../env";
import { sha256Hex } from "./crypto";
import { utf8 } from "./encoding";
import { AppError } from "./errors";

/**
 * Access tokens: HS256 JWTs (algorithm pinned on verify), 15 minutes, with a `kid` so the secret can be
 * rotated: JWT_SECRET signs, JWT_SECRET_PREVIOUS still verifies until the old tokens have expired.
 */
export const ACCESS_TOKEN_TTL_SECONDS = 15 * 60;
const ALG = "HS256";
const ISSUER = "majlis";
/** Used only when ENVIRONMENT is development or test, so local runs need no set-up. */
const DEV_SECRET = "majlis-local-development-secret-not-for-production";

interface SigningKey {
  kid: string;
  key: CryptoKey;
}

const keyCache = new Map<string, Promise<SigningKey>>();

/** The key id and the imported HMAC key of a secret, once per isolate (importing costs on every call). */
function signingKey(secret: string): Promise<SigningKey> {
  let cached = keyCache.get(secret);
  if (!cached) {
    cached = Promise.all([
      sha256Hex(secret),
      crypto.subtle.importKey("raw", utf8(secret), { name: "HMAC", hash: "SHA-256" }, false, [
        "sign",
        "verify",
      ]),
    ]).then(([digest, key]) => ({ kid: digest.slice(0, 12), key }));
    keyCache.set(secret, cached);
  }
  return cached;
}

/**
 * Tokens this isolate has already verified, until they expire: a member's app sends the same access token
 * with every request for up to 15 minutes, and checking its signature again each time was a visible part
 * of a cheap read's CPU. Keyed by the whole token string, so only the exact token that passed is let
 * through; failures are never remembered. Revocation is still checked per request (lib/auth.ts).
 */
const verified = new Map<string, { user: AuthUser; expiresAtMs: number }>();
const VERIFIED_CACHE_MAX = 10_000;
const CLOCK_TOLERANCE_S = 5;

function secrets(env: Pick<Bindings, "JWT_SECRET" | "JWT_SECRET_PREVIOUS" | "ENVIRONMENT">): string[] {
  const current = env.JWT_SECRET ?? (isLocalEnvironment(env) ? DEV_SECRET : undefined);
  if (!current) throw new Error("JWT_SECRET is not configured");
  return env.JWT_SECRET_PREVIOUS ? [current, env.JWT_SECRET_PREVIOUS] : [current];
}

export function isLocalEnvironment(env: Pick<Bindings, "ENVIRONMENT">): boolean {
  return env.ENVIRONMENT === "development" || env.ENVIRONMENT === "test";
}

export async function signAccessToken(
  env: Pick<Bindings, "JWT_SECRET" | "JWT_SECRET_PREVIOUS" | "ENVIRONMENT">,
  user: AuthUser,
  nowMs: number,
): Promise<string> {
  const { kid, key } = await signingKey(secrets(env)[0]!);
  const iat = Math.floor(nowMs / 1000);
  return new SignJWT({ sid: user.sessionId, role: user.role, ev: user.emailVerified })
    .setProtectedHeader({ alg: ALG, kid, typ: "JWT" })
    .setSubject(user.id)
    .setIssuer(ISSUER)
    .setIssuedAt(iat)
    .setExpirationTime(iat + ACCESS_TOKEN_TTL_SECONDS)
    .sign(key);
}

export async function verifyAccessToken(
  env: Pick<Bindings, "JWT_SECRET" | "JWT_SECRET_PREVIOUS" | "ENVIRONMENT">,
  token: string,
  nowMs: number,
): Promise<AuthUser> {
  const known = verified.get(token);
  if (known) {
    if (known.expiresAtMs > nowMs) return known.user;
    verified.delete(token);
    throw new AppError("TOKEN_EXPIRED");
  }
  const keys = await Promise.all(secrets(env).map(signingKey));
  try {
    const { payload } = await jwtVerify(
      token,
      async (header) => {
        const match = keys.find((k) => k.kid === header.kid);
        if (!match) throw new AppError("INVALID_TOKEN");
        return match.key;
      },
      { algorithms: [ALG], issuer: ISSUER, currentDate: new Date(nowMs), clockTolerance: CLOCK_TOLERANCE_S },
    );
    if (typeof payload.sub !== "string" || typeof payload.sid !== "string" || typeof payload.exp !== "number")
      throw new AppError("INVALID_TOKEN");
    const user: AuthUser = Object.freeze({
      id: payload.sub,
      sessionId: payload.sid,
      role: typeof payload.role === "string" ? payload.role : "member",
      emailVerified: payload.ev === true,
    });
    if (verified.size >= VERIFIED_CACHE_MAX) verified.clear();
    verified.set(token, { user, expiresAtMs: (payload.exp + CLOCK_TOLERANCE_S) * 1000 });
    return user;
  } catch (err) {
    if (err instanceof joseErrors.JWTExpired) throw new AppError("TOKEN_EXPIRED");
    throw new AppError("INVALID_TOKEN");
  }
}
