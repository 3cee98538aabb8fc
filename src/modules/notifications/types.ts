import type { SQL } from "drizzle-orm";
import { SQLiteAsyncDialect } from "drizzle-orm/sqlite-core";
import { DomainEvent } from "../../core/events";
import { DAY } from "../../platform/clock";

/**
 * The notification vocabulary: types (the domain event types), channels, defaults and aggregation.
 */
export const NOTIFICATION_TYPES = DomainEvent.shape.type.options;
export type NotificationType = (typeof NOTIFICATION_TYPES)[number];

export const CHANNELS = ["inApp", "email", "push"] as const;
export type Channel = (typeof CHANNELS)[number];
export type ChannelSet = Record<Channel, boolean>;

/** Delivery bits kept on a notification row until the delivery happened. */
export const PENDING_PUSH = 1;
export const PENDING_EMAIL = 2;

/**
 * Defaults for a member who changed nothing: everything in-app; push for what concerns the member
 * directly; email only for what needs an answer (the rest reaches email through the digest).
 */
const on = (email: boolean, push = true): ChannelSet => ({ inApp: true, email, push });
export const DEFAULT_CHANNELS: Record<NotificationType, ChannelSet> = {
  reaction: on(false),
  comment: on(false),
  reply: on(false),
  mention: on(true),
  repost: on(false),
  follow: on(false),
  connection_request: on(true),
  connection_accepted: on(true),
  message: on(true),
  profile_view: on(false, false),
  endorsement: on(false),
  system: on(true),
};

/** Events of the same type about the same target within this window, while unread, share one row. */
export const AGGREGATION_WINDOW_MS = DAY;
/** Notifications are deleted this long after their last update (cron). */
export const RETENTION_MS = 90 * DAY;
/** Actors shown by name ("Sara, Omar and 13 others"); the rest are counted. */
export const SHOWN_ACTORS = 3;

export interface Aggregation {
  /** Rows with the same key (per member) aggregate while open. */
  key: string;
  target: { type: string; id: string } | null;
}

/**
 * Which events aggregate, and by what. Mentions, connection requests/acceptances and system notices are
 * each their own notification (keyed by the event's idempotency key).
 */
export function aggregationOf(event: DomainEvent, eventKey: string): Aggregation {
  const target = event.target ?? null;
  switch (event.type) {
    case "reaction":
    case "repost":
    case "endorsement":
    case "comment":
      return target ? { key: `${event.type}:${target.type}:${target.id}`, target } : unique(event, eventKey);
    case "reply": {
      // The reply itself is new each time: aggregate by the comment that was replied to.
      const parentId = typeof event.data?.parentId === "string" ? event.data.parentId : target?.id;
      return parentId
        ? { key: `reply:comment:${parentId}`, target: { type: "comment", id: parentId } }
        : unique(event, eventKey);
    }
    case "message":
      return target ? { key: `message:${target.type}:${target.id}`, target } : unique(event, eventKey);
    case "follow":
      return { key: "follow", target: null };
    case "profile_view":
      return { key: "profile_view", target: null };
    default:
      return unique(event, eventKey);
  }
}

function unique(event: DomainEvent, eventKey: string): Aggregation {
  return { key: `${event.type}#${eventKey}`, target: event.target ?? null };
}

const dialect = new SQLiteAsyncDialect();

/** A drizzle `sql` query as a raw D1 statement (for batches committed by the queue framework). */
export function statement(db: D1Database, query: SQL): D1PreparedStatement {
  const { sql, params } = dialect.sqlToQuery(query);
  return db.prepare(sql).bind(...params);
}
