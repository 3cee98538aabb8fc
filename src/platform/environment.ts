import { utf8 } from "./encoding";
import type { Bindings } from "./env";
import { AppError } from "./errors";
import { logError } from "./log";

/**
 * The Worker's mode and every HMAC secret it signs with: the one place that decides when a development
 * convenience (public fallback keys, the outbox route, generated VAPID keys) may be used.
 *
 * Rules:
 * - Development mode is ENVIRONMENT exactly "development" or "test". Anything else (unset, "production",
 *   "staging", a typo) is production mode: nothing public is ever used there.
 * - Every secret that is set must be at least MIN_SECRET_BYTES long (UTF-8 bytes), in every mode: a short
 *   key is refused, never used.
 * - JWT_SECRET and MEDIA_SIGNING_SECRET are required in production mode; in development mode a fixed,
 *   public key stands in for a missing one.
 * - UNSUBSCRIBE_SECRET is optional: without it the unsubscribe key is derived from the JWT key in use
 *   (the real JWT_SECRET in production mode).
 * - JWT_SECRET_PREVIOUS is optional (verification only, during a rotation).
 */
export const MIN_SECRET_BYTES = 32;

type ModeEnv = Pick<Bindings, "ENVIRONMENT">;
export type SecretName = "JWT_SECRET" | "JWT_SECRET_PREVIOUS" | "MEDIA_SIGNING_SECRET" | "UNSUBSCRIBE_SECRET";
type SecretsEnv = ModeEnv & Partial<Pick<Bindings, SecretName>>;

export function isDevelopmentMode(env: ModeEnv): boolean {
  return env.ENVIRONMENT === "development" || env.ENVIRONMENT === "test";
}

/** Public keys: used only in development mode, so a fresh checkout runs without configuration. */
const DEVELOPMENT_KEYS = {
  JWT_SECRET: "majlis-local-development-secret-not-for-production",
  MEDIA_SIGNING_SECRET: "majlis-local-media-signing-secret-not-for-production",
} as const;
type RequiredSecret = keyof typeof DEVELOPMENT_KEYS;
const REQUIRED: readonly RequiredSecret[] = ["JWT_SECRET", "MEDIA_SIGNING_SECRET"];
const OPTIONAL: readonly SecretName[] = ["JWT_SECRET_PREVIOUS", "UNSUBSCRIBE_SECRET"];

export interface ConfigurationProblem {
  setting: SecretName;
  problem: "missing" | "too short";
}

/**
 * A secret the Worker needs is missing or too short. Answers 503 SERVICE_MISCONFIGURED; the setting's name
 * is for the log only, never for the response.
 */
export class ConfigurationError extends AppError {
  constructor(readonly problems: ConfigurationProblem[]) {
    super("SERVICE_MISCONFIGURED");
    this.message = `misconfigured: ${describeProblems(problems)}`;
  }
}

export function describeProblems(problems: ConfigurationProblem[]): string {
  return problems
    .map((p) =>
      p.problem === "missing"
        ? `${p.setting} is not set`
        : `${p.setting} is shorter than ${MIN_SECRET_BYTES} bytes`,
    )
    .join("; ");
}

const configured = (value: string | undefined): value is string => value !== undefined && value !== "";
// UTF-8 never takes fewer bytes than UTF-16 code units, so only short strings need encoding (hot path).
const tooShort = (value: string) => value.length < MIN_SECRET_BYTES && utf8(value).length < MIN_SECRET_BYTES;

/** Everything wrong with the secrets of `env`, in a fixed order; empty when the Worker can run. */
export function configurationProblems(env: SecretsEnv): ConfigurationProblem[] {
  const problems: ConfigurationProblem[] = [];
  for (const setting of [...REQUIRED, ...OPTIONAL]) {
    const value = env[setting];
    if (configured(value)) {
      if (tooShort(value)) problems.push({ setting, problem: "too short" });
    } else if (REQUIRED.includes(setting as RequiredSecret) && !isDevelopmentMode(env)) {
      problems.push({ setting, problem: "missing" });
    }
  }
  return problems;
}

function optionalSecret(env: SecretsEnv, setting: SecretName): string | undefined {
  const value = env[setting];
  if (!configured(value)) return undefined;
  if (tooShort(value)) throw new ConfigurationError([{ setting, problem: "too short" }]);
  return value;
}

function requiredSecret(env: SecretsEnv, setting: RequiredSecret): string {
  const value = optionalSecret(env, setting);
  if (value !== undefined) return value;
  if (isDevelopmentMode(env)) return DEVELOPMENT_KEYS[setting];
  throw new ConfigurationError([{ setting, problem: "missing" }]);
}

/** The key that signs access tokens. */
export function jwtSigningSecret(env: SecretsEnv): string {
  return requiredSecret(env, "JWT_SECRET");
}

/** The keys an access token may be signed with, the current one first. */
export function jwtVerificationSecrets(env: SecretsEnv): string[] {
  const previous = optionalSecret(env, "JWT_SECRET_PREVIOUS");
  const current = jwtSigningSecret(env);
  return previous ? [current, previous] : [current];
}

/** The key of signed upload URLs and private download links. */
export function mediaSigningSecret(env: SecretsEnv): string {
  return requiredSecret(env, "MEDIA_SIGNING_SECRET");
}

/** The key of unsubscribe links: UNSUBSCRIBE_SECRET, else one derived from the JWT key in use. */
export function unsubscribeSecret(env: SecretsEnv): string {
  return optionalSecret(env, "UNSUBSCRIBE_SECRET") ?? `unsubscribe|${jwtSigningSecret(env)}`;
}

const reported = new Set<string>();

/** One error line per isolate for each distinct set of problems, naming the settings (never their values). */
export function reportConfigurationProblems(problems: ConfigurationProblem[]): void {
  const description = describeProblems(problems);
  if (reported.has(description)) return;
  reported.add(description);
  logError("worker misconfigured: API answers 503 SERVICE_MISCONFIGURED until fixed", {
    problems: description,
  });
}
