import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

/** Times are integer milliseconds since the epoch (UTC) everywhere in the database. */
export const users = sqliteTable(
  "users",
  {
    id: text("id").primaryKey(),
    /** Stored lower-case: usernames are unique case-insensitively. */
    username: text("username").notNull(),
    /** Stored normalized (trimmed, lower-case). */
    email: text("email").notNull(),
    emailVerifiedAt: integer("email_verified_at"),
    passwordHash: text("password_hash").notNull(),
    displayName: text("display_name").notNull(),
    locale: text("locale").notNull().default("ar"),
    role: text("role", { enum: ["member", "creator", "recruiter", "support", "moderator", "admin"] })
      .notNull()
      .default("member"),
    status: text("status", { enum: ["ACTIVE", "SUSPENDED", "DELETED"] })
      .notNull()
      .default("ACTIVE"),
    /** Moderation: the member's content is visible to themselves only (read by the access rules). */
    shadowbanned: integer("shadowbanned", { mode: "boolean" }).notNull().default(false),
    /** Moderation: no posting or messaging before this time. */
    mutedUntil: integer("muted_until"),
    failedLogins: integer("failed_logins").notNull().default(0),
    lockedUntil: integer("locked_until"),
    deletedAt: integer("deleted_at"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("users_username_unique").on(t.username),
    uniqueIndex("users_email_unique").on(t.email),
    index("users_deleted_idx").on(t.status, t.deletedAt),
  ],
);

export const emailVerifications = sqliteTable("email_verifications", {
  userId: text("user_id").primaryKey(),
  codeHash: text("code_hash").notNull(),
  expiresAt: integer("expires_at").notNull(),
  attempts: integer("attempts").notNull().default(0),
  createdAt: integer("created_at").notNull(),
});

export const passwordResets = sqliteTable(
  "password_resets",
  {
    tokenHash: text("token_hash").primaryKey(),
    userId: text("user_id").notNull(),
    expiresAt: integer("expires_at").notNull(),
    usedAt: integer("used_at"),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [index("password_resets_user_idx").on(t.userId)],
);

export const sessions = sqliteTable(
  "sessions",
  {
    id: text("id").primaryKey(),
    userId: text("user_id").notNull(),
    userAgent: text("user_agent"),
    ip: text("ip"),
    createdAt: integer("created_at").notNull(),
    lastUsedAt: integer("last_used_at").notNull(),
    expiresAt: integer("expires_at").notNull(),
    revokedAt: integer("revoked_at"),
    revokedReason: text("revoked_reason"),
  },
  (t) => [index("sessions_user_idx").on(t.userId, t.revokedAt)],
);

/** Every refresh token ever issued, hashed. The current one has rotatedAt = null; presenting a rotated
 * one again is treated as theft and revokes its session. */
export const refreshTokens = sqliteTable(
  "refresh_tokens",
  {
    tokenHash: text("token_hash").primaryKey(),
    sessionId: text("session_id").notNull(),
    createdAt: integer("created_at").notNull(),
    rotatedAt: integer("rotated_at"),
  },
  (t) => [index("refresh_tokens_session_idx").on(t.sessionId)],
);

export const loginHistory = sqliteTable(
  "login_history",
  {
    id: text("id").primaryKey(),
    userId: text("user_id"),
    success: integer("success", { mode: "boolean" }).notNull(),
    reason: text("reason"),
    ip: text("ip"),
    userAgent: text("user_agent"),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [
    index("login_history_user_idx").on(t.userId, t.createdAt),
    index("login_history_time_idx").on(t.createdAt),
  ],
);

/** Local email channel: the email queue consumer delivers here until a real provider is configured. */
export const emailOutbox = sqliteTable(
  "email_outbox",
  {
    id: text("id").primaryKey(),
    toEmail: text("to_email").notNull(),
    template: text("template").notNull(),
    subject: text("subject").notNull(),
    text: text("text").notNull(),
    html: text("html").notNull(),
    data: text("data", { mode: "json" }).$type<Record<string, string>>().notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [index("email_outbox_to_idx").on(t.toEmail, t.createdAt)],
);

/** Idempotency receipts for queue consumers: a redelivered message with a known key has no second effect. */
export const queueReceipts = sqliteTable("queue_receipts", {
  key: text("key").primaryKey(),
  queue: text("queue").notNull(),
  processedAt: integer("processed_at").notNull(),
});
