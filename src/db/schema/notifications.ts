import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

/**
 * Notifications. One row per notification a member sees; events of the same type about the
 * same target within 24 hours, while unread, are aggregated into one row ("Sara and 14 others reacted to
 * your post"): `agg_key` is set while the row is open for aggregation and cleared (NULL) when it is read or
 * its window has passed, so the unique index (user_id, agg_key) admits exactly one open row per key and
 * one `INSERT ... ON CONFLICT DO UPDATE` aggregates exactly, also under concurrent events.
 */
export const notifications = sqliteTable(
  "notifications",
  {
    id: text("id").primaryKey(),
    userId: text("user_id").notNull(),
    type: text("type").notNull(),
    aggKey: text("agg_key"),
    targetType: text("target_type"),
    targetId: text("target_id"),
    /** Data of the latest event (reaction kind, message preview, skill name ...). */
    data: text("data", { mode: "json" }).$type<Record<string, string | number | boolean | null>>().notNull(),
    /** Number of events folded into this row (a member sending 3 messages counts 3). */
    eventCount: integer("event_count").notNull().default(1),
    /** 0 when the member turned the in-app channel off for this type (the row still feeds push/email). */
    visible: integer("visible", { mode: "boolean" }).notNull().default(true),
    /** Deliveries still owed (bit 1 = push, bit 2 = email) and when they may go (quiet hours). */
    pending: integer("pending").notNull().default(0),
    deliverAt: integer("deliver_at"),
    readAt: integer("read_at"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("notifications_open_unique").on(t.userId, t.aggKey),
    index("notifications_list_idx").on(t.userId, t.updatedAt, t.id),
    index("notifications_unread_idx").on(t.userId, t.readAt),
    index("notifications_pending_idx").on(t.pending, t.deliverAt),
    index("notifications_updated_idx").on(t.updatedAt),
  ],
);

/** The distinct actors of a notification, with the time of their latest event (newest shown first). */
export const notificationActors = sqliteTable(
  "notification_actors",
  {
    notificationId: text("notification_id").notNull(),
    actorId: text("actor_id").notNull(),
    at: integer("at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.notificationId, t.actorId] }),
    index("notification_actors_recent_idx").on(t.notificationId, t.at),
    index("notification_actors_actor_idx").on(t.actorId),
  ],
);

/**
 * Per-member notification settings. `channels` holds only what the member changed ({type: {inApp, email,
 * push}}), merged over the defaults on read; a member without a row has the defaults.
 */
export const notificationPreferences = sqliteTable("notification_preferences", {
  userId: text("user_id").primaryKey(),
  channels: text("channels", { mode: "json" })
    .$type<Record<string, Partial<Record<"inApp" | "email" | "push", boolean>>>>()
    .notNull()
    .default({}),
  /** Quiet hours as minutes after local midnight; both null = no quiet hours. */
  quietStart: integer("quiet_start"),
  quietEnd: integer("quiet_end"),
  /** IANA time zone for quiet hours and digest times. */
  timeZone: text("time_zone").notNull().default("UTC"),
  digest: text("digest", { enum: ["OFF", "DAILY", "WEEKLY"] })
    .notNull()
    .default("WEEKLY"),
  updatedAt: integer("updated_at").notNull(),
});

/** Web Push subscriptions (one per browser/device), removed when the push service answers 404 or 410. */
export const pushSubscriptions = sqliteTable(
  "push_subscriptions",
  {
    id: text("id").primaryKey(),
    userId: text("user_id").notNull(),
    endpoint: text("endpoint").notNull(),
    /** The subscription's P-256 public key (65 bytes, base64url) and auth secret (16 bytes, base64url). */
    p256dh: text("p256dh").notNull(),
    auth: text("auth").notNull(),
    createdAt: integer("created_at").notNull(),
    lastSuccessAt: integer("last_success_at"),
  },
  (t) => [
    uniqueIndex("push_subscriptions_endpoint_unique").on(t.endpoint),
    index("push_subscriptions_user_idx").on(t.userId),
  ],
);
