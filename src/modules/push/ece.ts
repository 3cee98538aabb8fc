/**
 * Web Push message encryption (RFC 8291) with the aes128gcm content coding (RFC 8188), on Web Crypto only
 * (ECDH P-256, HKDF-SHA-256, AES-128-GCM). No other imports, so the same file also runs in Node for the
 * cross-check against an independent implementation (test/node).
 *
 *   ecdh_secret = ECDH(as_private, ua_public)
 *   IKM   = HKDF(salt = auth_secret, ikm = ecdh_secret, info = "WebPush: info" 0x00 ua_public as_public, 32)
 *   CEK   = HKDF(salt, IKM, "Content-Encoding: aes128gcm" 0x00, 16)
 *   NONCE = HKDF(salt, IKM, "Content-Encoding: nonce" 0x00, 12)
 *   body  = salt(16) | rs(uint32) | idlen(1) = 65 | as_public(65) | AES-GCM(CEK, NONCE, plaintext | 0x02 | 0x00*)
 *
 * One record only (the whole payload fits in `rs`), so the record sequence number is 0 and NONCE is used
 * as is; 0x02 is the delimiter of the last record.
 */
export const RECORD_SIZE = 4096;
/** Push services accept 4096 bytes of body: 4096 - 86 (header) - 16 (tag) - 1 (delimiter). */
export const MAX_PLAINTEXT_BYTES = 3993;

const enc = new TextEncoder();

export interface EphemeralKey {
  privateKey: CryptoKey;
  /** Uncompressed P-256 point (65 bytes). */
  publicRaw: Uint8Array;
}

export interface EncryptOptions {
  /** Fixed salt and sender key: known-answer tests only. Fresh random values otherwise. */
  salt?: Uint8Array;
  ephemeral?: EphemeralKey;
  /** Extra zero bytes after the delimiter, to hide the payload length. */
  padding?: number;
}

function concat(...parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

async function hkdf(salt: Uint8Array, ikm: Uint8Array, info: Uint8Array, bytes: number): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey("raw", concat(ikm), "HKDF", false, ["deriveBits"]);
  const bits = await crypto.subtle.deriveBits(
    { name: "HKDF", hash: "SHA-256", salt: concat(salt), info: concat(info) },
    key,
    bytes * 8,
  );
  return new Uint8Array(bits);
}

export async function generateEphemeralKey(): Promise<EphemeralKey> {
  const pair = (await crypto.subtle.generateKey({ name: "ECDH", namedCurve: "P-256" }, true, [
    "deriveBits",
  ])) as CryptoKeyPair;
  const publicRaw = new Uint8Array((await crypto.subtle.exportKey("raw", pair.publicKey)) as ArrayBuffer);
  return { privateKey: pair.privateKey, publicRaw };
}

/** Imports a subscription's p256dh key; throws when it is not a valid uncompressed P-256 point. */
export async function importUaPublicKey(raw: Uint8Array): Promise<CryptoKey> {
  if (raw.length !== 65 || raw[0] !== 0x04) throw new Error("p256dh must be an uncompressed P-256 point");
  return crypto.subtle.importKey("raw", concat(raw), { name: "ECDH", namedCurve: "P-256" }, true, []);
}

export async function encryptPushPayload(
  plaintext: Uint8Array,
  uaPublicRaw: Uint8Array,
  authSecret: Uint8Array,
  options: EncryptOptions = {},
): Promise<Uint8Array<ArrayBuffer>> {
  const padding = options.padding ?? 0;
  if (authSecret.length !== 16) throw new Error("auth secret must be 16 bytes");
  if (plaintext.length + padding > MAX_PLAINTEXT_BYTES) throw new Error("push payload too large");
  const uaPublic = await importUaPublicKey(uaPublicRaw);
  const ephemeral = options.ephemeral ?? (await generateEphemeralKey());
  const salt = options.salt ?? crypto.getRandomValues(new Uint8Array(16));
  if (salt.length !== 16) throw new Error("salt must be 16 bytes");

  // Workers' type declarations spell the member `$public`; the runtime (like the standard) reads `public`.
  const ecdhParams = { name: "ECDH", public: uaPublic } as unknown as SubtleCryptoDeriveKeyAlgorithm;
  const ecdhSecret = new Uint8Array(await crypto.subtle.deriveBits(ecdhParams, ephemeral.privateKey, 256));
  const keyInfo = concat(enc.encode("WebPush: info\0"), uaPublicRaw, ephemeral.publicRaw);
  const ikm = await hkdf(authSecret, ecdhSecret, keyInfo, 32);
  const cek = await hkdf(salt, ikm, enc.encode("Content-Encoding: aes128gcm\0"), 16);
  const nonce = await hkdf(salt, ikm, enc.encode("Content-Encoding: nonce\0"), 12);

  const record = concat(plaintext, new Uint8Array([0x02]), new Uint8Array(padding));
  const aesKey = await crypto.subtle.importKey("raw", concat(cek), "AES-GCM", false, ["encrypt"]);
  const ciphertext = new Uint8Array(
    await crypto.subtle.encrypt({ name: "AES-GCM", iv: concat(nonce), tagLength: 128 }, aesKey, record),
  );

  const header = new Uint8Array(21);
  header.set(salt, 0);
  new DataView(header.buffer).setUint32(16, RECORD_SIZE);
  header[20] = ephemeral.publicRaw.length;
  return concat(header, ephemeral.publicRaw, ciphertext);
}
