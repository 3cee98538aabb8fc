import { sql } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import { blockedEitherWaySql } from "../../core/access/members";
import type { DomainEvent } from "../../core/events";
import { pushToUser } from "../../core/live";
import {
  conversationMembers,
  notificationActors,
  notificationPreferences,
  notifications,
  presence,
  pushSubscriptions,
  users,
} from "../../db/schema";
import { name } from "../../platform/db/statements";
import type { Bindings } from "../../platform/env";
import type { Locale } from "../../platform/i18n";
import { newId } from "../../platform/ids";
import { logError } from "../../platform/log";
import type { Outcome } from "../../platform/queue";
import { scheduleDeliveries } from "./delivery";
import { channelsFor, parseChannels, quietOf } from "./preferences";
import { columnList, type NotificationRow, n, rowColumns, toNotification, unreadCountSql } from "./queries";
import { quietDelayMs } from "./time";
import { AGGREGATION_WINDOW_MS, aggregationOf, PENDING_EMAIL, PENDING_PUSH, statement } from "./types";

/**
 * Turns one domain event into (at most) one notification row for its recipient, the notify queue's
 * work. Nothing is written when the recipient is the actor, when either is not an active member, across a
 * block, for a muted conversation's messages, for a message the recipient has since come online for, or
 * when every channel of the type is off. Otherwise one batch (committed with the queue receipt, so a
 * redelivered event changes nothing) closes an expired aggregation window, upserts the open row
 * (INSERT … ON CONFLICT (user_id, agg_key) DO UPDATE: exact under concurrent events), records the actor and
 * reads the result back; then the row is pushed live to the recipient's sockets and, when the row is new,
 * its push and email deliveries are scheduled (after quiet hours). A coalesced event (`count`, `actors`:
 * a chat room's flush) adds its count and every actor at once; the row keeps the data of the highest
 * `data.seq`, so flushes applied in any order end the same. A message notice about what the recipient
 * has already read (conversation_members.last_read_seq) writes nothing.
 */
interface Context {
  status: string;
  locale: string | null;
  verified: number | null;
  channels: string | null;
  quietStart: number | null;
  quietEnd: number | null;
  timeZone: string | null;
  actorStatus: string | null;
  blocked: number;
  mutedUntil: number | null;
  cameOnline: number | null;
  lastReadSeq: number | null;
  hasPush: number;
}

export function localeOf(value: string | null | undefined): Locale {
  return value === "en" ? "en" : "ar";
}

export async function fanOut(
  env: Bindings,
  event: DomainEvent,
  eventKey: string,
  now: number,
): Promise<Outcome> {
  const recipient = event.recipientId;
  const actor = event.actorId;
  if (actor === recipient) return {};
  const system = event.type === "system";
  const conversationId = event.target?.type === "conversation" ? event.target.id : null;
  const db = env.DB;
  const u = alias(users, "u");
  const p = alias(notificationPreferences, "p");
  const ctx = await statement(
    db,
    sql`SELECT ${u.status} AS status, ${u.locale} AS locale, ${u.emailVerifiedAt} AS verified, ${p.channels} AS channels,
      ${p.quietStart} AS quietStart, ${p.quietEnd} AS quietEnd, ${p.timeZone} AS timeZone,
      (SELECT ${users.status} FROM ${users} WHERE ${users.id} = ${actor}) AS actorStatus,
      ${blockedEitherWaySql(recipient, actor)} AS blocked,
      ${
        conversationId
          ? sql`(SELECT ${conversationMembers.mutedUntil} FROM ${conversationMembers}
              WHERE ${conversationMembers.conversationId} = ${conversationId} AND ${conversationMembers.userId} = ${recipient})`
          : sql`NULL`
      } AS mutedUntil,
      ${
        conversationId
          ? sql`(SELECT ${conversationMembers.lastReadSeq} FROM ${conversationMembers}
              WHERE ${conversationMembers.conversationId} = ${conversationId} AND ${conversationMembers.userId} = ${recipient})`
          : sql`NULL`
      } AS lastReadSeq,
      (SELECT ${presence.status} = 'online' AND ${presence.updatedAt} >= ${event.at} FROM ${presence}
        WHERE ${presence.userId} = ${recipient}) AS cameOnline,
      EXISTS (SELECT 1 FROM ${pushSubscriptions} WHERE ${pushSubscriptions.userId} = ${recipient}) AS hasPush
    FROM ${users} ${u} LEFT JOIN ${notificationPreferences} ${p} ON ${p.userId} = ${u.id} WHERE ${u.id} = ${recipient}`,
  ).first<Context>();
  if (ctx?.status !== "ACTIVE") return {};
  if (!system && (ctx.actorStatus !== "ACTIVE" || ctx.blocked === 1)) return {};
  if (event.type === "message") {
    if (ctx.mutedUntil !== null && ctx.mutedUntil > now) return {};
    // The recipient was offline when the room published this, but is online now: they will see it live.
    if (ctx.cameOnline === 1) return {};
    // The recipient has read up to the newest message the notice is about (read receipts outrun notices).
    const seq = event.data?.seq;
    if (typeof seq === "number" && ctx.lastReadSeq !== null && ctx.lastReadSeq >= seq) return {};
  }

  const channels = channelsFor(parseChannels(ctx.channels), event.type);
  const push = channels.push && ctx.hasPush === 1;
  const email = channels.email && ctx.verified !== null;
  if (!channels.inApp && !push && !email) return {};
  const pending = (push ? PENDING_PUSH : 0) | (email ? PENDING_EMAIL : 0);
  const quiet = quietOf(ctx.quietStart, ctx.quietEnd);
  const deliverAt = pending ? now + quietDelayMs(now, quiet, ctx.timeZone ?? "UTC") : null;

  const agg = aggregationOf(event, eventKey);
  const data = {
    ...(event.data ?? {}),
    // The event's own object when the row is about something else (a reply: the row is its parent).
    ...(event.target && agg.target?.id !== event.target.id ? { sourceId: event.target.id } : {}),
  };
  const id = newId(now);
  const count = event.count ?? 1;
  const actors = event.actors && event.actors.length > 0 ? event.actors : [{ id: actor, at: now }];
  const writes = [
    statement(
      db,
      sql`UPDATE ${notifications} SET ${name(notifications.aggKey)} = NULL
        WHERE ${notifications.userId} = ${recipient} AND ${notifications.aggKey} = ${agg.key}
          AND ${notifications.createdAt} <= ${now - AGGREGATION_WINDOW_MS}`,
    ),
    statement(
      db,
      sql`INSERT INTO ${notifications} (${columnList(
        notifications.id,
        notifications.userId,
        notifications.type,
        notifications.aggKey,
        notifications.targetType,
        notifications.targetId,
        notifications.data,
        notifications.eventCount,
        notifications.visible,
        notifications.pending,
        notifications.deliverAt,
        notifications.createdAt,
        notifications.updatedAt,
      )})
        VALUES (${id}, ${recipient}, ${event.type}, ${agg.key}, ${agg.target?.type ?? null}, ${agg.target?.id ?? null},
          ${JSON.stringify(data)}, ${count}, ${channels.inApp ? 1 : 0}, ${pending}, ${deliverAt}, ${now}, ${now})
        ON CONFLICT (${columnList(notifications.userId, notifications.aggKey)}) DO UPDATE SET
          ${name(notifications.eventCount)} = ${notifications.eventCount} + excluded.${name(notifications.eventCount)},
          ${name(notifications.data)} = CASE
            WHEN COALESCE(json_extract(excluded.${name(notifications.data)}, '$.seq'), 0)
              >= COALESCE(json_extract(${notifications.data}, '$.seq'), 0)
            THEN excluded.${name(notifications.data)} ELSE ${notifications.data} END,
          ${name(notifications.visible)} = excluded.${name(notifications.visible)},
          ${name(notifications.updatedAt)} = MAX(${notifications.updatedAt}, excluded.${name(notifications.updatedAt)})`,
    ),
    ...(system
      ? []
      : [
          statement(
            db,
            sql`INSERT INTO ${notificationActors} (${columnList(
              notificationActors.notificationId,
              notificationActors.actorId,
              notificationActors.at,
            )})
              SELECT ${notifications.id}, json_extract(j.value, '$.id'), json_extract(j.value, '$.at')
              FROM ${notifications}, json_each(${JSON.stringify(actors)}) j
              WHERE ${notifications.userId} = ${recipient} AND ${notifications.aggKey} = ${agg.key}
              ON CONFLICT (${columnList(notificationActors.notificationId, notificationActors.actorId)}) DO UPDATE SET
                ${name(notificationActors.at)} = MAX(${notificationActors.at}, excluded.${name(notificationActors.at)})`,
          ),
        ]),
    statement(
      db,
      sql`SELECT ${rowColumns(recipient)}, ${unreadCountSql(recipient)} AS unreadCount
        FROM ${notifications} ${n} WHERE ${n.userId} = ${recipient} AND ${n.aggKey} = ${agg.key}`,
    ),
  ];
  return {
    writes,
    after: async (results) => {
      const row = results[results.length - 1]?.results[0] as
        | (NotificationRow & { unreadCount: number })
        | undefined;
      if (!row) return;
      const tasks: Promise<unknown>[] = [];
      if (row.visible === 1) {
        const notification = toNotification(row, localeOf(ctx.locale));
        tasks.push(
          pushToUser(env, recipient, {
            type: "notification",
            notification,
            unreadCount: row.unreadCount,
          }).catch((err) => logError("live notification failed", { error: String(err) })),
        );
      }
      // Push and email go once, when the row is created (later events update it in place); the delivery
      // renders the row as it is then, so a coalesced notice is sent with its counts at that time.
      if (row.id === id && row.pending !== 0 && row.deliverAt !== null) {
        tasks.push(scheduleDeliveries(env, recipient, row.id, row.pending, row.deliverAt, now));
      }
      await Promise.all(tasks);
    },
  };
}
