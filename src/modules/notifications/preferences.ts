import { z } from "@hono/zod-openapi";
import { sql } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import type { Deps } from "../../core/deps";
import { notificationType, notificationTypeNames } from "../../core/notifications";
import { notificationPreferences, users } from "../../db/schema";
import { isoAt } from "../../platform/clock";
import { name, statement } from "../../platform/db/statements";
import { notFound } from "../../platform/errors";
import { orNull } from "../../platform/openapi";
import { formatHhMm, isValidTimeZone, parseHhMm, type QuietHours } from "./time";
import { CHANNELS, type Channel, type ChannelSet, UNKNOWN_TYPE_CHANNELS } from "./types";

/**
 * Notification preferences: per type × channel switches (only changes are stored, merged over
 * each type's default channels), quiet hours in the member's time zone, and the email digest frequency.
 */
export const DIGESTS = ["OFF", "DAILY", "WEEKLY"] as const;
export type Digest = (typeof DIGESTS)[number];
export const DEFAULT_TIME_ZONE = "UTC";
export const DEFAULT_DIGEST: Digest = "WEEKLY";

const HHMM = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, "must be HH:MM (00:00–23:59)")
  .openapi({ example: "22:00" });
const TimeZone = z
  .string()
  .max(64)
  .refine(isValidTimeZone, "must be an IANA time zone, e.g. Asia/Riyadh")
  .openapi({ example: "Asia/Riyadh" });

const ChannelSetSchema = z
  .object({ inApp: z.boolean(), email: z.boolean(), push: z.boolean() })
  .openapi("NotificationChannels");
const ChannelPatch = z
  .object({ inApp: z.boolean().optional(), email: z.boolean().optional(), push: z.boolean().optional() })
  .strict();
const QuietHoursSchema = z
  .object({ start: HHMM, end: HHMM })
  .refine((q) => q.start !== q.end, { message: "start and end must differ", path: ["end"] })
  .openapi("QuietHours");

export const PreferencesSchema = z
  .object({
    channels: z
      .record(z.string(), ChannelSetSchema)
      .openapi({ description: "One entry per notification type (every type is listed)" }),
    quietHours: orNull(QuietHoursSchema),
    timeZone: z.string(),
    digest: z.enum(DIGESTS),
    updatedAt: z.string().nullable(),
  })
  .openapi("NotificationPreferences");

export const PreferencesPatch = z
  .object({
    channels: z
      .record(z.string(), ChannelPatch)
      .refine(
        (c) => Object.keys(c).every((t) => notificationType(t) !== undefined),
        "unknown notification type",
      )
      .optional()
      .openapi({ description: "Switches to change, by notification type (see GET for the types)" }),
    quietHours: orNull(QuietHoursSchema).optional(),
    timeZone: TimeZone.optional(),
    digest: z.enum(DIGESTS).optional(),
  })
  .strict()
  .openapi("NotificationPreferencesPatch");
export type PreferencesPatch = z.infer<typeof PreferencesPatch>;

export type StoredChannels = Partial<Record<string, Partial<Record<Channel, boolean>>>>;

export function parseChannels(json: string | null | undefined): StoredChannels {
  if (!json) return {};
  try {
    const parsed: unknown = JSON.parse(json);
    return parsed && typeof parsed === "object" ? (parsed as StoredChannels) : {};
  } catch {
    return {};
  }
}

/** The member's switches for one type (their changes over the defaults). */
export function channelsFor(stored: StoredChannels, type: string): ChannelSet {
  const base = notificationType(type)?.channels ?? UNKNOWN_TYPE_CHANNELS;
  const own = stored[type] ?? {};
  return Object.fromEntries(
    CHANNELS.map((c) => [c, typeof own[c] === "boolean" ? own[c] : base[c]]),
  ) as ChannelSet;
}

export function quietOf(start: number | null, end: number | null): QuietHours | null {
  return start === null || end === null ? null : { start, end };
}

interface PrefsRow {
  channels: string | null;
  quietStart: number | null;
  quietEnd: number | null;
  timeZone: string | null;
  digest: Digest | null;
  updatedAt: number | null;
}

export function toPreferences(row: PrefsRow | null) {
  const stored = parseChannels(row?.channels);
  const quiet = quietOf(row?.quietStart ?? null, row?.quietEnd ?? null);
  return {
    channels: Object.fromEntries(notificationTypeNames().map((t) => [t, channelsFor(stored, t)])) as Record<
      string,
      ChannelSet
    >,
    quietHours: quiet ? { start: formatHhMm(quiet.start), end: formatHhMm(quiet.end) } : null,
    timeZone: row?.timeZone ?? DEFAULT_TIME_ZONE,
    digest: row?.digest ?? DEFAULT_DIGEST,
    updatedAt: row?.updatedAt ? isoAt(row.updatedAt) : null,
  };
}

const u = alias(users, "u");
const p = alias(notificationPreferences, "p");

/** A member's stored preferences (all null without a row; no row at all for an unknown member). */
function selectPrefs(db: D1Database, userId: string) {
  return statement(
    db,
    sql`SELECT ${p.channels} AS channels, ${p.quietStart} AS quietStart, ${p.quietEnd} AS quietEnd,
      ${p.timeZone} AS timeZone, ${p.digest} AS digest, ${p.updatedAt} AS updatedAt
    FROM ${users} ${u} LEFT JOIN ${notificationPreferences} ${p} ON ${p.userId} = ${u.id} WHERE ${u.id} = ${userId}`,
  );
}

export async function getPreferences(deps: Deps, userId: string) {
  const row = await selectPrefs(deps.env.DB, userId).first<PrefsRow>();
  if (!row) throw notFound();
  return toPreferences(row);
}

/**
 * One upsert: the channel changes are merged into the stored JSON with json_patch (RFC 7396) inside the
 * statement, so two devices changing different switches at the same time both keep their change.
 */
export function preferencesUpsert(db: D1Database, userId: string, patch: PreferencesPatch, now: number) {
  const channels: Record<string, Record<string, boolean>> = {};
  for (const [type, set] of Object.entries(patch.channels ?? {})) {
    if (set && Object.keys(set).length > 0) channels[type] = set as Record<string, boolean>;
  }
  const setQuiet = patch.quietHours !== undefined ? 1 : 0;
  const start = patch.quietHours ? parseHhMm(patch.quietHours.start) : null;
  const end = patch.quietHours ? parseHhMm(patch.quietHours.end) : null;
  const changes = JSON.stringify(channels);
  const timeZone = patch.timeZone ?? null;
  const digest = patch.digest ?? null;
  const t = notificationPreferences;
  return statement(
    db,
    sql`INSERT INTO ${t} (${name(t.userId)}, ${name(t.channels)}, ${name(t.quietStart)}, ${name(t.quietEnd)},
        ${name(t.timeZone)}, ${name(t.digest)}, ${name(t.updatedAt)})
      VALUES (${userId}, json_patch('{}', ${changes}), ${start}, ${end}, COALESCE(${timeZone}, ${DEFAULT_TIME_ZONE}),
        COALESCE(${digest}, ${DEFAULT_DIGEST}), ${now})
      ON CONFLICT (${name(t.userId)}) DO UPDATE SET ${name(t.channels)} = json_patch(${t.channels}, ${changes}),
        ${name(t.quietStart)} = CASE WHEN ${setQuiet} = 1 THEN ${start} ELSE ${t.quietStart} END,
        ${name(t.quietEnd)} = CASE WHEN ${setQuiet} = 1 THEN ${end} ELSE ${t.quietEnd} END,
        ${name(t.timeZone)} = COALESCE(${timeZone}, ${t.timeZone}), ${name(t.digest)} = COALESCE(${digest}, ${t.digest}),
        ${name(t.updatedAt)} = ${now}`,
  );
}

export async function updatePreferences(deps: Deps, userId: string, patch: PreferencesPatch) {
  const db = deps.env.DB;
  const [, read] = await db.batch<PrefsRow>([
    preferencesUpsert(db, userId, patch, deps.now),
    selectPrefs(db, userId),
  ]);
  const row = read?.results[0];
  if (!row) throw notFound();
  return toPreferences(row);
}
