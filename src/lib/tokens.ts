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
  key: Uint8Array<ArrayBuffer>;
}

const keyCache = new Map<string, Promise<SigningKey>>();

function signingKey(secret: string): Promise<SigningKey> {
  let cached = keyCache.get(secret);
  if (!cached) {
    cached = sha256Hex(secret).then((digest) => ({ kid: digest.slice(0, 12), key: utf8(secret) }));
    keyCache.set(secret, cached);
  }
  return cached;
}

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
  const keys = await Promise.all(secrets(env).map(signingKey));
  try {
    const { payload } = await jwtVerify(
      token,
      async (header) => {
        const match = keys.find((k) => k.kid === header.kid);
        if (!match) throw new AppError("INVALID_TOKEN");
        return match.key;
      },
      { algorithms: [ALG], issuer: ISSUER, currentDate: new Date(nowMs), clockTolerance: 5 },
    );
    if (typeof payload.sub !== "string" || typeof payload.sid !== "string")
      throw new AppError("INVALID_TOKEN");
    return {
      id: payload.sub,
      sessionId: payload.sid,
      role: typeof payload.role === "string" ? payload.role : "member",
      emailVerified: payload.ev === true,
    };
  } catch (err) {
    if (err instanceof joseErrors.JWTExpired) throw new AppError("TOKEN_EXPIRED");
    throw new AppError("INVALID_TOKEN");
  }
}
