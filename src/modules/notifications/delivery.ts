import { z } from "@hono/zod-openapi";
import { and, gt, lte, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import { createDb } from "../../core/db";
import { notificationPreferences, notifications, pushSubscriptions, users } from "../../db/schema";
import { MINUTE } from "../../platform/clock";
import { name } from "../../platform/db/statements";
import type { Bindings } from "../../platform/env";
import type { Locale } from "../../platform/i18n";
import { enqueue, type Outcome } from "../../platform/queue";
import { queueEmail } from "../email";
import { type PushResult, type StoredSubscription, sendPush } from "../push";
import { channelsFor, parseChannels, quietOf } from "./preferences";
import { type NotificationRow, n, rowColumns, toNotification } from "./queries";
import { quietDelayMs } from "./time";
import { PENDING_EMAIL, PENDING_PUSH, statement } from "./types";
import { type UnsubscribeScope, unsubscribeUrl } from "./unsubscribe";

/**
 * Push and email deliveries of a notification. The row keeps a `pending` bit per channel (set in the same
 * batch that created it) and `deliver_at` (after quiet hours). A `deliver` job on the notify queue sends
 * one channel and clears its bit; a job that finds quiet hours still running moves `deliver_at` and
 * queues itself again. The hourly cron re-queues anything still pending past its time (a lost job, a
 * delay longer than the queue's 12-hour maximum), so a delivery is late at worst, never lost; the job key
 * `deliver:<id>:<channel>:<deliverAt>` makes those re-queues harmless.
 */
export const DeliverJob = z.object({
  type: z.literal("deliver"),
  notificationId: z.string(),
  userId: z.string(),
  channel: z.enum(["push", "email"]),
});
export type DeliverJob = z.infer<typeof DeliverJob>;

const CHANNEL_BITS = { push: PENDING_PUSH, email: PENDING_EMAIL } as const;
const PUSH_TTL_SECONDS = 24 * 60 * 60;
/** Sweep only what is overdue by this much, so jobs still in flight are left alone. */
const SWEEP_GRACE_MS = 2 * MINUTE;

const u = alias(users, "u");
const p = alias(notificationPreferences, "p");

function jobKey(job: DeliverJob, deliverAt: number): string {
  return `deliver:${job.notificationId}:${job.channel}:${deliverAt}`;
}

async function queueDelivery(
  env: Pick<Bindings, "NOTIFY_QUEUE">,
  job: DeliverJob,
  deliverAt: number,
  now: number,
): Promise<void> {
  await enqueue(env.NOTIFY_QUEUE, { schema: DeliverJob }, jobKey(job, deliverAt), job, {
    delaySeconds: Math.max(0, (deliverAt - now) / 1000),
  });
}

/** Queues the pending channels of a new notification. */
export async function scheduleDeliveries(
  env: Pick<Bindings, "NOTIFY_QUEUE">,
  userId: string,
  notificationId: string,
  pending: number,
  deliverAt: number,
  now: number,
): Promise<void> {
  const channels = (["push", "email"] as const).filter((c) => (pending & CHANNEL_BITS[c]) !== 0);
  await Promise.all(
    channels.map((channel) =>
      queueDelivery(env, { type: "deliver", notificationId, userId, channel }, deliverAt, now),
    ),
  );
}

interface Recipient {
  status: string;
  locale: string | null;
  email: string;
  name: string;
  verified: number | null;
  channels: string | null;
  quietStart: number | null;
  quietEnd: number | null;
  timeZone: string | null;
}

function urgencyOf(type: string): "low" | "normal" | "high" {
  if (type === "message" || type === "mention" || type === "connection_request") return "high";
  if (type === "profile_view") return "low";
  return "normal";
}

export async function deliver(env: Bindings, job: DeliverJob, now: number): Promise<Outcome> {
  const db = env.DB;
  const bit = CHANNEL_BITS[job.channel];
  const [rowResult, recipientResult, subsResult] = await db.batch([
    statement(
      db,
      sql`SELECT ${rowColumns(job.userId)} FROM ${notifications} ${n}
        WHERE ${n.id} = ${job.notificationId} AND ${n.userId} = ${job.userId}`,
    ),
    statement(
      db,
      sql`SELECT ${u.status} AS status, ${u.locale} AS locale, ${u.email} AS email, ${u.displayName} AS name,
          ${u.emailVerifiedAt} AS verified, ${p.channels} AS channels, ${p.quietStart} AS quietStart,
          ${p.quietEnd} AS quietEnd, ${p.timeZone} AS timeZone
        FROM ${users} ${u} LEFT JOIN ${notificationPreferences} ${p} ON ${p.userId} = ${u.id} WHERE ${u.id} = ${job.userId}`,
    ),
    statement(
      db,
      sql`SELECT ${pushSubscriptions.id} AS id, ${pushSubscriptions.endpoint} AS endpoint,
          ${pushSubscriptions.p256dh} AS p256dh, ${pushSubscriptions.auth} AS auth
        FROM ${pushSubscriptions} WHERE ${pushSubscriptions.userId} = ${job.userId} AND ${job.channel} = 'push'`,
    ),
  ]);
  const row = rowResult?.results[0] as NotificationRow | undefined;
  const user = recipientResult?.results[0] as Recipient | undefined;
  if (!row || (row.pending & bit) === 0) return {};
  const done = statement(
    db,
    sql`UPDATE ${notifications} SET ${name(notifications.pending)} = ${notifications.pending} & ~${bit}
      WHERE ${notifications.id} = ${row.id}`,
  );

  // Nothing to send any more: read meanwhile, account gone, every actor hidden, or the channel turned off.
  if (
    user?.status !== "ACTIVE" ||
    row.readAt !== null ||
    (row.type !== "system" && row.actorCount === 0) ||
    !channelsFor(parseChannels(user.channels), row.type)[job.channel]
  ) {
    return { writes: [done] };
  }

  const wait = quietDelayMs(now, quietOf(user.quietStart, user.quietEnd), user.timeZone ?? "UTC");
  if (wait > 0) {
    const due = now + wait;
    return {
      writes: [
        statement(
          db,
          sql`UPDATE ${notifications} SET ${name(notifications.deliverAt)} = ${due} WHERE ${notifications.id} = ${row.id}`,
        ),
      ],
      after: () => queueDelivery(env, job, due, now),
    };
  }

  const locale: Locale = user.locale === "en" ? "en" : "ar";
  const notification = toNotification(row, locale);
  const link = `${env.APP_URL.replace(/\/+$/, "")}${notification.link}`;

  if (job.channel === "email") {
    if (user.verified === null) return { writes: [done] };
    // Queued before the commit, keyed by the notification: a retry of this job queues the same email.
    await queueEmail(env, `notification:${row.id}`, {
      to: user.email,
      locale,
      template: "notification",
      data: {
        name: user.name,
        text: notification.text,
        link,
        unsubscribe: await unsubscribeUrl(env, job.userId, row.type as UnsubscribeScope),
      },
    });
    return { writes: [done] };
  }

  const subs = (subsResult?.results ?? []) as unknown as StoredSubscription[];
  if (subs.length === 0) return { writes: [done] };
  const message = {
    payload: {
      id: row.id,
      type: row.type,
      title: locale === "ar" ? "مجلس" : "Majlis",
      body: notification.text.slice(0, 300),
      url: link,
      tag: row.id,
      timestamp: row.updatedAt,
    },
    ttl: PUSH_TTL_SECONDS,
    urgency: urgencyOf(row.type),
    topic: row.id,
  };
  const results: PushResult[] = await Promise.all(subs.map((s) => sendPush(env, s, message, now)));
  // Only when no device got it and some may later: retry the job (nothing written yet).
  if (!results.includes("ok") && results.includes("retry")) {
    throw new Error(
      `push delivery failed for ${results.filter((r) => r === "retry").length} subscription(s)`,
    );
  }
  const writes = [done];
  subs.forEach((s, i) => {
    if (results[i] === "gone")
      writes.push(
        statement(db, sql`DELETE FROM ${pushSubscriptions} WHERE ${pushSubscriptions.id} = ${s.id}`),
      );
    if (results[i] === "ok") {
      writes.push(
        statement(
          db,
          sql`UPDATE ${pushSubscriptions} SET ${name(pushSubscriptions.lastSuccessAt)} = ${now}
            WHERE ${pushSubscriptions.id} = ${s.id}`,
        ),
      );
    }
  });
  return { writes };
}

/** Cron: re-queues deliveries still pending past their time. Answers how many jobs were queued. */
export async function sweepPendingDeliveries(env: Bindings, now: number): Promise<number> {
  const results = await createDb(env.DB)
    .select({
      id: notifications.id,
      userId: notifications.userId,
      pending: notifications.pending,
      deliverAt: sql<number>`${notifications.deliverAt}`,
    })
    .from(notifications)
    .where(and(gt(notifications.pending, 0), lte(notifications.deliverAt, now - SWEEP_GRACE_MS)))
    .orderBy(notifications.deliverAt)
    .limit(500);
  await Promise.all(results.map((r) => scheduleDeliveries(env, r.userId, r.id, r.pending, r.deliverAt, now)));
  return results.length;
}
