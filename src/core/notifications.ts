import type { Locale } from "../platform/i18n";
import type { UserCard } from "./cards";

/**
 * The notification vocabulary. Each module declares the notification types of the events it publishes
 * (`defineNotifications` in its notifications.ts): default channels, how events aggregate, the sentence
 * in Arabic and English, where a client should take the member, and push urgency. The notifications
 * module (fan-out, preferences, delivery, rendering) reads this registry and knows no type by name.
 */
export const CHANNELS = ["inApp", "email", "push"] as const;
export type Channel = (typeof CHANNELS)[number];
export type ChannelSet = Record<Channel, boolean>;

/** A domain event as the vocabulary sees it (the queue's message shape is in ./events.ts). */
export interface NotifiedEvent {
  type: string;
  target?: { type: string; id: string } | undefined;
  data?: Record<string, string | number | boolean | null> | undefined;
}

/** A stored notification being shown: the latest actors and the counts of the aggregated events. */
export interface RenderInput {
  type: string;
  targetType: string | null;
  targetId: string | null;
  data: Record<string, unknown>;
  actors: UserCard[];
  actorCount: number;
  eventCount: number;
}

export interface NotificationType {
  /** Channels for a member who changed nothing. */
  channels: ChannelSet;
  /**
   * Events with the same key aggregate into one notification while it is unread and recent: "target"
   * (same type and target), "type" (every event of the type), a function, or nothing (each event alone).
   */
  aggregate?:
    | "target"
    | "type"
    | ((event: NotifiedEvent) => { key: string; target: NotifiedEvent["target"] } | null);
  /** The sentence ("Sara and 3 others reacted to your post"); `who` is the actors phrase. */
  text(n: RenderInput, locale: Locale, who: string): string;
  /** Path of the web app to open, when the target alone does not say it. */
  link?(n: RenderInput): string | undefined;
  urgency?: "low" | "normal" | "high";
}

export type NotificationTable = Record<string, NotificationType>;
export type TypesOf<T extends NotificationTable> = { readonly [K in keyof T]: true };

/** Every notification type (interface merging from each module's notifications.ts). */
// biome-ignore lint/suspicious/noEmptyInterface: modules add their types by interface merging
export interface NotificationTypes {}
export type NotificationTypeName = keyof NotificationTypes & string;

const TYPES = new Map<string, NotificationType>();

/** Registers a module's notification types (when its notifications.ts loads) and returns the table. */
export function defineNotifications<const T extends NotificationTable>(table: T): T {
  for (const [name, definition] of Object.entries(table)) {
    if (TYPES.has(name) && TYPES.get(name) !== definition)
      throw new Error(`notification type ${name} defined twice`);
    TYPES.set(name, definition);
  }
  return table;
}

export function notificationType(name: string): NotificationType | undefined {
  return TYPES.get(name);
}

/** Every registered type, in registration order. */
export function notificationTypeNames(): string[] {
  return [...TYPES.keys()];
}

/** Shorthand for default channels: in-app always, email and push as given. */
export const channels = (email: boolean, push = true): ChannelSet => ({ inApp: true, email, push });

/** A string field of the event's data, when it is a non-empty string. */
export const dataString = (v: unknown): string | undefined =>
  typeof v === "string" && v.length > 0 ? v : undefined;
