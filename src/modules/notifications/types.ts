import type { DomainEvent } from "../../core/events";
import { type ChannelSet, notificationType } from "../../core/notifications";
import { DAY } from "../../platform/clock";

/**
 * How notifications are kept: delivery bits, the aggregation window, retention, and how an event maps
 * to its aggregation key. The vocabulary itself (types, default channels, texts) is declared by the
 * modules that publish the events (core/notifications.ts).
 */
export { CHANNELS, type Channel, type ChannelSet } from "../../core/notifications";

/** Delivery bits kept on a notification row until the delivery happened. */
export const PENDING_PUSH = 1;
export const PENDING_EMAIL = 2;

/** Channels of a type nobody declared (a row written before its type was removed). */
export const UNKNOWN_TYPE_CHANNELS: ChannelSet = { inApp: true, email: false, push: true };

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

/** The aggregation of an event, as its type declares it; otherwise the event is its own notification. */
export function aggregationOf(event: DomainEvent, eventKey: string): Aggregation {
  const target = event.target ?? null;
  const rule = notificationType(event.type)?.aggregate;
  if (rule === "type") return { key: event.type, target: null };
  if (rule === "target" && target) return { key: `${event.type}:${target.type}:${target.id}`, target };
  if (typeof rule === "function") {
    const custom = rule(event);
    if (custom) return { key: custom.key, target: custom.target ?? null };
  }
  return { key: `${event.type}#${eventKey}`, target };
}

export { statement } from "../../platform/db/statements";
