import type { Clock } from "./lib/clock";
import type { Locale } from "./lib/i18n";

/** Bindings declared in wrangler.toml, plus secrets. Every optional secret has a local default. */
export interface Bindings {
  DB: D1Database;
  MEDIA: R2Bucket;
  KV: KVNamespace;
  EMAIL_QUEUE: Queue<unknown>;
  NOTIFY_QUEUE: Queue<unknown>;
  RATE_LIMITER: DurableObjectNamespace<import("../durable-objects/rate-limiter").RateLimiter>;

  ENVIRONMENT: string;
  APP_URL: string;
  CORS_ORIGINS: string;
  LOG_REQUESTS?: string;
  PASSWORD_PBKDF2_ITERATIONS?: string;
  /** HMAC key for access tokens; required outside development. */
  JWT_SECRET?: string;
  /** Previous HMAC key, still accepted for verification during a rotation. */
  JWT_SECRET_PREVIOUS?: string;
}

/** The authenticated caller, decoded from the access token. */
export interface AuthUser {
  id: string;
  sessionId: string;
  role: string;
  emailVerified: boolean;
}

export interface Variables {
  requestId: string;
  locale: Locale;
  clock: Clock;
  user: AuthUser | undefined;
}

export interface AppEnv {
  Bindings: Bindings;
  Variables: Variables;
}
