import type { Clock } from "./clock";
import type { Locale } from "./i18n";

/**
 * Bindings declared in wrangler.toml, plus secrets. Every optional secret has a local default. Durable
 * Object namespaces of a module are declared by that module (interface merging), so this layer never
 * names a module's class.
 */
export interface Bindings {
  DB: D1Database;
  MEDIA: R2Bucket;
  KV: KVNamespace;
  EMAIL_QUEUE: Queue<unknown>;
  NOTIFY_QUEUE: Queue<unknown>;
  MEDIA_QUEUE: Queue<unknown>;
  SEARCH_QUEUE: Queue<unknown>;
  IMAGES: ImagesBinding;
  RATE_LIMITER: DurableObjectNamespace<import("./rate-limiter").RateLimiter>;

  ENVIRONMENT: string;
  APP_URL: string;
  CORS_ORIGINS: string;
  LOG_REQUESTS?: string;
  PASSWORD_PBKDF2_ITERATIONS?: string;
  /** HMAC key for access tokens; required outside development. */
  JWT_SECRET?: string;
  /** Previous HMAC key, still accepted for verification during a rotation. */
  JWT_SECRET_PREVIOUS?: string;
  /** HMAC key for signed media URLs (uploads and private downloads); required outside development. */
  MEDIA_SIGNING_SECRET?: string;
  /** Cloudflare Stream for video; both unset = videos play from the R2 original. */
  STREAM_ACCOUNT_ID?: string;
  STREAM_API_TOKEN?: string;
  // Notifications, email and Web Push (README "Configuration").
  /** Email adapter: outbox (default, the local email_outbox table) | sendgrid | cloudflare. */
  EMAIL_PROVIDER?: string;
  /** Sender, e.g. "Majlis <no-reply@example.com>". */
  EMAIL_FROM?: string;
  SENDGRID_API_KEY?: string;
  /** Base URL of the SendGrid API (tests point it at a fake). */
  SENDGRID_API_URL?: string;
  /** Cloudflare `send_email` binding, used when EMAIL_PROVIDER=cloudflare. */
  SEND_EMAIL?: SendEmail;
  /** HMAC key for unsubscribe links; falls back to a key derived from JWT_SECRET. */
  UNSUBSCRIBE_SECRET?: string;
  /** VAPID key pair for Web Push (base64url raw keys or a JWK); generated into KV in development. */
  VAPID_PUBLIC_KEY?: string;
  VAPID_PRIVATE_KEY?: string;
  /** VAPID contact, mailto: or https: URL. */
  VAPID_SUBJECT?: string;
  /** Comma-separated host suffixes accepted as push endpoints ("*" = any https host). */
  PUSH_ENDPOINT_HOSTS?: string;
  // Search (README "Configuration").
  /** Search engine: d1 (default, FTS5 in D1) | meilisearch (the D1 index is kept too, as the fallback). */
  SEARCH_ENGINE?: string;
  /** Meilisearch base URL, e.g. https://ms-xxxx.meilisearch.io (required when SEARCH_ENGINE=meilisearch). */
  MEILISEARCH_URL?: string;
  /** Meilisearch API key (secret) with search and documents/settings rights on the indexes below. */
  MEILISEARCH_API_KEY?: string;
  /** Prefix of the Meilisearch index names (default "majlis_": majlis_people, majlis_posts). */
  MEILISEARCH_INDEX_PREFIX?: string;
}

/** Per-request values; the core layer adds the authenticated caller (`user`). */
export interface Variables {
  requestId: string;
  locale: Locale;
  clock: Clock;
  /** The request's D1 session as a database (API routes; src/platform/db/session.ts). */
  d1?: D1Database;
}

export interface AppEnv {
  Bindings: Bindings;
  Variables: Variables;
}
