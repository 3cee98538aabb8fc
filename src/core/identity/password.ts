import { timingSafeEqual } from "../../platform/crypto";
import { base64url, fromBase64url, utf8 } from "../../platform/encoding";

/**
 * Password hashing with PBKDF2-HMAC-SHA-256 on WebCrypto (native code in workerd, no CPU spent in JS).
 * workerd refuses more than 100,000 iterations per deriveBits call, so larger counts are run as a chain
 * of calls, each feeding its output to the next as key material: an attacker still pays every iteration.
 * Stored form: `pbkdf2-sha256$<iterations>$<salt>$<hash>`; a login whose stored count is below the
 * configured one re-hashes. Default 600,000 (OWASP 2023), about 75 ms of CPU: see docs/DESIGN.md.
 */
export const MAX_ITERATIONS_PER_CALL = 100_000;
export const DEFAULT_ITERATIONS = 600_000;
const SCHEME = "pbkdf2-sha256";

async function derive(
  password: string,
  salt: Uint8Array<ArrayBuffer>,
  iterations: number,
): Promise<Uint8Array> {
  let material: Uint8Array<ArrayBuffer> = utf8(password.normalize("NFKC"));
  for (let left = iterations; left > 0; left -= MAX_ITERATIONS_PER_CALL) {
    const key = await crypto.subtle.importKey("raw", material, "PBKDF2", false, ["deriveBits"]);
    const round = Math.min(left, MAX_ITERATIONS_PER_CALL);
    material = new Uint8Array(
      await crypto.subtle.deriveBits({ name: "PBKDF2", hash: "SHA-256", salt, iterations: round }, key, 256),
    );
  }
  return material;
}

export async function hashPassword(password: string, iterations: number): Promise<string> {
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const hash = await derive(password, salt, iterations);
  return `${SCHEME}$${iterations}$${base64url(salt)}$${base64url(hash)}`;
}

export interface VerifyResult {
  ok: boolean;
  /** True when the stored hash uses fewer iterations than configured now. */
  needsRehash: boolean;
}

export async function verifyPassword(
  password: string,
  stored: string,
  iterations: number,
): Promise<VerifyResult> {
  const [scheme, iter, salt, hash] = stored.split("$");
  const n = Number(iter);
  if (scheme !== SCHEME || !Number.isInteger(n) || n < 1 || n > 2_000_000 || !salt || !hash)
    return { ok: false, needsRehash: false };
  const candidate = base64url(await derive(password, fromBase64url(salt), n));
  const ok = timingSafeEqual(candidate, hash);
  return { ok, needsRehash: ok && n < iterations };
}

/** A hash of a random password with the configured cost: compared against when the account is unknown,
 * so a login for a missing user costs the same time as a wrong password. */
let dummyHash: { iterations: number; hash: Promise<string> } | undefined;
export function dummyPasswordHash(iterations: number): Promise<string> {
  if (!dummyHash || dummyHash.iterations !== iterations) {
    dummyHash = { iterations, hash: hashPassword(crypto.randomUUID(), iterations) };
  }
  return dummyHash.hash;
}

export function configuredIterations(value: string | undefined): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1_000) return DEFAULT_ITERATIONS;
  return Math.min(n, 2_000_000);
}

/** The most common passwords (from public breach lists), refused outright. */
const COMMON = new Set(
  [
    "123456",
    "123456789",
    "12345678",
    "password",
    "qwerty123",
    "qwerty1",
    "111111",
    "12345",
    "secret",
    "123123",
    "1234567890",
    "1234567",
    "000000",
    "qwerty",
    "abc123",
    "password1",
    "iloveyou",
    "11111111",
    "dragon",
    "monkey",
    "123321",
    "654321",
    "666666",
    "123qwe",
    "1q2w3e4r",
    "1qaz2wsx",
    "qwertyuiop",
    "passw0rd",
    "password123",
    "password1234",
    "welcome",
    "welcome1",
    "welcome123",
    "admin",
    "admin123",
    "letmein",
    "football",
    "baseball",
    "sunshine",
    "princess",
    "charlie",
    "shadow",
    "master",
    "superman",
    "michael",
    "jennifer",
    "trustno1",
    "starwars",
    "whatever",
    "freedom",
    "computer",
    "internet",
    "zaq12wsx",
    "1q2w3e4r5t",
    "1qazxsw2",
    "q1w2e3r4t5",
    "asdfghjkl",
    "zxcvbnm",
    "asdf1234",
    "qazwsx",
    "changeme",
    "changeme123",
    "p@ssw0rd",
    "p@ssword",
    "pa$$word",
    "987654321",
    "0987654321",
    "1122334455",
    "12341234",
    "aaaaaaaaaa",
    "1234512345",
    "qwertyqwerty",
    "iloveyou123",
    "mohammed",
    "muhammad",
    "ahmed123",
    "allah",
    "bismillah",
    "palestine",
    "egypt123",
    "saudi123",
    "riyadh",
    "cairo123",
    "dubai123",
    "qwerty12345",
    "abcdefghij",
    "abcd1234",
    "password12",
    "letmein123",
    "administrator",
    "10203040",
    "11223344",
    "123454321",
    "1234qwer",
    "a123456789",
    "football1",
    "monkey123",
  ].map((p) => p.toLowerCase()),
);

export type PasswordProblem = "TOO_SHORT" | "TOO_LONG" | "COMMON" | "CONTAINS_IDENTITY";

/** Policy: at least 10 characters, at most 128, not a common password, not the username or email. */
export function passwordProblems(
  password: string,
  identity: { username?: string; email?: string },
): PasswordProblem[] {
  const problems: PasswordProblem[] = [];
  const length = [...password].length;
  if (length < 10) problems.push("TOO_SHORT");
  if (length > 128) problems.push("TOO_LONG");
  const lower = password.toLowerCase();
  if (COMMON.has(lower) || /^(.)\1+$/.test(lower)) problems.push("COMMON");
  const names = [identity.username, identity.email, identity.email?.split("@")[0]]
    .filter((s): s is string => !!s && s.length >= 3)
    .map((s) => s.toLowerCase());
  if (names.some((n) => lower === n || (n.length >= 5 && lower.includes(n))))
    problems.push("CONTAINS_IDENTITY");
  return problems;
}
