import { base64url, fromBase64url, utf8 } from "../../platform/encoding";
import type { Bindings } from "../../platform/env";
import { isDevelopmentMode } from "../../platform/environment";

/**
 * VAPID (RFC 8292): the application server identifies itself to push services with an ES256 JWT signed by
 * its P-256 key, sent as `Authorization: vapid t=<jwt>, k=<public key>`.
 *
 * Keys come from the secrets VAPID_PRIVATE_KEY (a JWK, or the base64url private scalar `d`) and
 * VAPID_PUBLIC_KEY (base64url uncompressed point; optional with a JWK). In development and test, when they
 * are not set, a key pair is generated on first use and stored in KV under `push:vapid-dev-key`, so
 * subscriptions made against a local server keep working across restarts. Elsewhere, without the
 * secrets, Web Push is off (the public-key route answers 404 and no push is sent).
 */
export interface VapidKeys {
  privateKey: CryptoKey;
  /** Uncompressed P-256 point, base64url: what browsers take as `applicationServerKey`. */
  publicKey: string;
}

const DEV_KEY = "push:vapid-dev-key";
const JWT_TTL_SECONDS = 12 * 60 * 60;

interface EcJwk {
  kty: "EC";
  crv: "P-256";
  d: string;
  x: string;
  y: string;
}

function publicFromJwk(jwk: EcJwk): string {
  const x = fromBase64url(jwk.x);
  const y = fromBase64url(jwk.y);
  const raw = new Uint8Array(65);
  raw[0] = 0x04;
  raw.set(x, 1);
  raw.set(y, 33);
  return base64url(raw);
}

/** Reads the configured key pair as a JWK; throws with a clear message when it is malformed. */
export function parseVapidSecrets(privateKey: string, publicKey: string | undefined): EcJwk {
  const trimmed = privateKey.trim();
  let jwk: EcJwk;
  if (trimmed.startsWith("{")) {
    const parsed = JSON.parse(trimmed) as Partial<EcJwk>;
    if (parsed.kty !== "EC" || parsed.crv !== "P-256" || !parsed.d || !parsed.x || !parsed.y) {
      throw new Error("VAPID_PRIVATE_KEY must be a P-256 EC JWK with d, x and y");
    }
    jwk = { kty: "EC", crv: "P-256", d: parsed.d, x: parsed.x, y: parsed.y };
  } else {
    const d = fromBase64url(trimmed);
    const pub = publicKey ? fromBase64url(publicKey.trim()) : undefined;
    if (d.length !== 32) throw new Error("VAPID_PRIVATE_KEY must be 32 bytes (base64url) or a JWK");
    if (pub?.length !== 65 || pub[0] !== 0x04) {
      throw new Error("VAPID_PUBLIC_KEY must be the 65-byte uncompressed public key (base64url)");
    }
    jwk = {
      kty: "EC",
      crv: "P-256",
      d: base64url(d),
      x: base64url(pub.slice(1, 33)),
      y: base64url(pub.slice(33, 65)),
    };
  }
  if (publicKey && publicFromJwk(jwk) !== base64url(fromBase64url(publicKey.trim()))) {
    throw new Error("VAPID_PUBLIC_KEY does not match VAPID_PRIVATE_KEY");
  }
  return jwk;
}

async function devJwk(env: Pick<Bindings, "KV">): Promise<EcJwk> {
  const stored = await env.KV.get<EcJwk>(DEV_KEY, "json");
  if (stored) return stored;
  const pair = (await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, [
    "sign",
    "verify",
  ])) as CryptoKeyPair;
  const { d, x, y } = (await crypto.subtle.exportKey("jwk", pair.privateKey)) as JsonWebKey;
  const jwk: EcJwk = { kty: "EC", crv: "P-256", d: d!, x: x!, y: y! };
  await env.KV.put(DEV_KEY, JSON.stringify(jwk));
  // Two first uses may race: whichever write KV kept is the key from now on.
  return (await env.KV.get<EcJwk>(DEV_KEY, "json")) ?? jwk;
}

const keyCache = new Map<string, Promise<VapidKeys>>();

/** Imports the pair and proves it is one: a signature by the private key must verify with the public key. */
async function importKeys(jwk: EcJwk): Promise<VapidKeys> {
  const algorithm = { name: "ECDSA", namedCurve: "P-256" };
  const privateKey = await crypto.subtle.importKey("jwk", jwk, algorithm, false, ["sign"]);
  const publicKey = publicFromJwk(jwk);
  const verifier = await crypto.subtle.importKey("raw", fromBase64url(publicKey), algorithm, false, [
    "verify",
  ]);
  const probe = utf8("majlis-vapid-key-check");
  const signed = await crypto.subtle.sign({ name: "ECDSA", hash: "SHA-256" }, privateKey, probe);
  if (!(await crypto.subtle.verify({ name: "ECDSA", hash: "SHA-256" }, verifier, signed, probe))) {
    throw new Error("VAPID_PUBLIC_KEY does not match VAPID_PRIVATE_KEY");
  }
  return { privateKey, publicKey };
}

/** The server's VAPID keys, or null when Web Push is not configured. */
export async function vapidKeys(
  env: Pick<Bindings, "KV" | "ENVIRONMENT" | "VAPID_PRIVATE_KEY" | "VAPID_PUBLIC_KEY">,
): Promise<VapidKeys | null> {
  if (env.VAPID_PRIVATE_KEY) {
    const cacheKey = `${env.VAPID_PRIVATE_KEY}|${env.VAPID_PUBLIC_KEY ?? ""}`;
    let cached = keyCache.get(cacheKey);
    if (!cached) {
      cached = importKeys(parseVapidSecrets(env.VAPID_PRIVATE_KEY, env.VAPID_PUBLIC_KEY));
      cached.catch(() => keyCache.delete(cacheKey));
      keyCache.set(cacheKey, cached);
    }
    return cached;
  }
  if (!isDevelopmentMode(env)) return null;
  let dev = keyCache.get(DEV_KEY);
  if (!dev) {
    dev = devJwk(env).then(importKeys);
    dev.catch(() => keyCache.delete(DEV_KEY));
    keyCache.set(DEV_KEY, dev);
  }
  return dev;
}

function jsonPart(value: object): string {
  return base64url(utf8(JSON.stringify(value)));
}

/** The Authorization header for one push service (its origin is the JWT audience). */
export async function vapidAuthorization(
  keys: VapidKeys,
  endpoint: string,
  subject: string,
  now: number,
): Promise<string> {
  const aud = new URL(endpoint).origin;
  const exp = Math.floor(now / 1000) + JWT_TTL_SECONDS;
  const unsigned = `${jsonPart({ typ: "JWT", alg: "ES256" })}.${jsonPart({ aud, exp, sub: subject })}`;
  // Web Crypto's ECDSA signature is r || s (64 bytes), which is exactly the JWS ES256 format.
  const signature = await crypto.subtle.sign(
    { name: "ECDSA", hash: "SHA-256" },
    keys.privateKey,
    utf8(unsigned),
  );
  return `vapid t=${unsigned}.${base64url(new Uint8Array(signature))}, k=${keys.publicKey}`;
}

export function vapidSubject(env: Pick<Bindings, "VAPID_SUBJECT" | "APP_URL">): string {
  if (env.VAPID_SUBJECT) return env.VAPID_SUBJECT;
  return env.APP_URL?.startsWith("https://") ? env.APP_URL : "mailto:webpush@majlis.example";
}
