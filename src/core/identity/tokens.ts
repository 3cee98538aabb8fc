import { type JWTVerifyOptions, errors as joseErrors, jwtVerify, SignJWT } from "jose";
import { utf8 } from "../../platform/encoding";
import type { Bindings } from "../../platform/env";
import { jwtSigningSecret, jwtVerificationSecrets } from "../../platform/environment";
import { AppError } from "../../platform/errors";
import { type Actor, isRole } from "./actor";

/**
 * Access tokens: HS256 JWTs (algorithm pinned on verify), 15 minutes. JWT_SECRET signs; during a rotation
 * JWT_SECRET_PREVIOUS still verifies until the old tokens have expired. The keys come from
 * platform/environment.ts (required and at least 32 bytes outside development mode).
 *
 * Tokens carry no key id: an id computed from the secret (e.g. a prefix of its hash) would let anyone
 * holding a token test guesses of the secret offline without a single signature. A token is checked
 * against the current key, then the previous one; the verified-token memory below keeps that cheap.
 */
export const ACCESS_TOKEN_TTL_SECONDS = 15 * 60;
const ALG = "HS256";
const ISSUER = "majlis";
type TokenEnv = Pick<Bindings, "JWT_SECRET" | "JWT_SECRET_PREVIOUS" | "ENVIRONMENT">;

const keyCache = new Map<string, Promise<CryptoKey>>();

/** The imported HMAC key of a secret, once per isolate (importing costs on every call). */
function hmacKeyOf(secret: string): Promise<CryptoKey> {
  let cached = keyCache.get(secret);
  if (!cached) {
    cached = crypto.subtle.importKey("raw", utf8(secret), { name: "HMAC", hash: "SHA-256" }, false, [
      "sign",
      "verify",
    ]);
    keyCache.set(secret, cached);
  }
  return cached;
}

/**
 * Tokens this isolate has already verified, until they expire: a member's app sends the same access token
 * with every request for up to 15 minutes, and checking its signature again each time was a visible part
 * of a cheap read's CPU. Kept per set of keys and keyed by the whole token string, so only the exact token
 * that passed under the same keys is let through; failures are never remembered. Revocation is still
 * checked per request (core/identity/auth.ts).
 */
type Verified = Map<string, { user: Actor; expiresAtMs: number }>;
const verifiedByKeys = new Map<string, Verified>();
const VERIFIED_CACHE_MAX = 10_000;
const CLOCK_TOLERANCE_S = 5;

function verifiedUnder(secrets: string[]): Verified {
  const id = secrets.join("\n");
  let verified = verifiedByKeys.get(id);
  if (!verified) {
    // One set of keys per deployment; more only in tests that switch configurations.
    if (verifiedByKeys.size >= 4) verifiedByKeys.clear();
    verified = new Map();
    verifiedByKeys.set(id, verified);
  }
  return verified;
}

/** Verifies with the first key whose signature matches; claim errors (expiry) of that key propagate. */
async function verifyWithAny(token: string, secrets: string[], options: JWTVerifyOptions) {
  let failure: unknown = new AppError("INVALID_TOKEN");
  for (const secret of secrets) {
    try {
      return await jwtVerify(token, await hmacKeyOf(secret), options);
    } catch (err) {
      if (!(err instanceof joseErrors.JWSSignatureVerificationFailed)) throw err;
      failure = err;
    }
  }
  throw failure;
}

export async function signAccessToken(env: TokenEnv, user: Actor, nowMs: number): Promise<string> {
  const key = await hmacKeyOf(jwtSigningSecret(env));
  const iat = Math.floor(nowMs / 1000);
  return new SignJWT({ sid: user.sessionId, role: user.role, ev: user.emailVerified })
    .setProtectedHeader({ alg: ALG, typ: "JWT" })
    .setSubject(user.id)
    .setIssuer(ISSUER)
    .setIssuedAt(iat)
    .setExpirationTime(iat + ACCESS_TOKEN_TTL_SECONDS)
    .sign(key);
}

export async function verifyAccessToken(env: TokenEnv, token: string, nowMs: number): Promise<Actor> {
  const secrets = jwtVerificationSecrets(env);
  const verified = verifiedUnder(secrets);
  const known = verified.get(token);
  if (known) {
    if (known.expiresAtMs > nowMs) return known.user;
    verified.delete(token);
    throw new AppError("TOKEN_EXPIRED");
  }
  try {
    const { payload } = await verifyWithAny(token, secrets, {
      algorithms: [ALG],
      issuer: ISSUER,
      currentDate: new Date(nowMs),
      clockTolerance: CLOCK_TOLERANCE_S,
    });
    if (typeof payload.sub !== "string" || typeof payload.sid !== "string" || typeof payload.exp !== "number")
      throw new AppError("INVALID_TOKEN");
    const user: Actor = Object.freeze({
      id: payload.sub,
      sessionId: payload.sid,
      role: isRole(payload.role) ? payload.role : "member",
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
