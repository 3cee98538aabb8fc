import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * Saved searches and their alerts. One alert per saved search, kept on the row: `alertSince`
 * is the watermark, results created after it are "new" for the next alert. The FTS5 index itself is
 * hand-written SQL (migrations/0020_search.sql).
 */
export const ALERT_FREQUENCIES = ["INSTANT", "DAILY", "WEEKLY"] as const;
export type AlertFrequency = (typeof ALERT_FREQUENCIES)[number];

export const savedSearches = sqliteTable(
  "saved_searches",
  {
    id: text("id").primaryKey(),
    userId: text("user_id").notNull(),
    name: text("name").notNull(),
    query: text("query").notNull(),
    type: text("type").notNull(),
    /** The search filters as given (validated), JSON. */
    filters: text("filters", { mode: "json" }).$type<Record<string, string>>().notNull().default({}),
    alertFrequency: text("alert_frequency", { enum: ALERT_FREQUENCIES }),
    /** Results created after this time are new for the next alert. */
    alertSince: integer("alert_since"),
    /** When the alert last ran (matches or not); DAILY/WEEKLY alerts wait a day/week after it. */
    alertCheckedAt: integer("alert_checked_at"),
    alertSentAt: integer("alert_sent_at"),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [
    index("saved_searches_user_idx").on(t.userId, t.id),
    index("saved_searches_alert_idx").on(t.alertFrequency, t.alertCheckedAt),
  ],
);
