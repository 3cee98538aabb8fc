import { base64url, hex, utf8 } from "./encoding";

/** Random, URL-safe token with `bytes` bytes of entropy. */
export function randomToken(bytes = 32): string {
  return base64url(crypto.getRandomValues(new Uint8Array(bytes)));
}

/** A uniformly random decimal code, e.g. a 6-digit email verification code. */
export function randomDigits(length: number): string {
  const out: string[] = [];
  while (out.length < length) {
    const [n = 0] = crypto.getRandomValues(new Uint32Array(1));
    // Reject the top sliver of the range so every digit is equally likely.
    if (n < 4_294_967_290) out.push(String(n % 10));
  }
  return out.join("");
}

export async function sha256Hex(text: string): Promise<string> {
  return hex(new Uint8Array(await crypto.subtle.digest("SHA-256", utf8(text))));
}

export async function hmacKey(secret: string): Promise<CryptoKey> {
  return crypto.subtle.importKey("raw", utf8(secret), { name: "HMAC", hash: "SHA-256" }, false, [
    "sign",
    "verify",
  ]);
}

export async function hmacSign(secret: string, message: string): Promise<string> {
  const sig = await crypto.subtle.sign("HMAC", await hmacKey(secret), utf8(message));
  return base64url(new Uint8Array(sig));
}

/** Constant-time comparison of two equal-length strings. */
export function timingSafeEqual(a: string, b: string): boolean {
  const x = utf8(a);
  const y = utf8(b);
  if (x.length !== y.length) return false;
  let diff = 0;
  for (let i = 0; i < x.length; i++) diff |= x[i]! ^ y[i]!;
  return diff === 0;
}
