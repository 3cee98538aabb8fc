import { sql } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import { createDb } from "../../core/db";
import { notificationPreferences, notifications, users } from "../../db/schema";
import { DAY } from "../../platform/clock";
import type { Bindings } from "../../platform/env";
import { queueEmail } from "../email";
import { quietOf } from "./preferences";
import { type NotificationRow, n, rowColumns, shownSql, toNotification } from "./queries";
import { localTime, quietDelayMs } from "./time";
import { statement } from "./types";
import { unsubscribeUrl } from "./unsubscribe";

/**
 * Email digests: the unread notifications of the last day (DAILY) or week (WEEKLY, the default), sent at
 * 08:00 in the member's time zone (weekly ones on Sundays). The hourly cron calls `runDigests`; each run
 * picks the time zones where it is now the 08:00 hour, so every member gets at most one digest per
 * period, and the email key `digest:<period>:<member>:<local date>` keeps a repeated run from sending
 * twice. Members without unread notifications in the period get nothing. Quiet hours delay the email.
 */
export const DIGEST_HOUR = 8;
export const DIGEST_WEEKDAY = 0;
const ITEMS = 10;
const PAGE = 200;
const CHUNK = 25;

const u = alias(users, "u");
const p = alias(notificationPreferences, "p");

interface Candidate {
  id: string;
  email: string;
  name: string;
  locale: string | null;
  digest: "DAILY" | "WEEKLY";
  timeZone: string;
  quietStart: number | null;
  quietEnd: number | null;
}

/** The time zones (among members' and the default) where it is now the digest hour; weekly ones too. */
async function dueZones(env: Bindings, now: number) {
  const results = await createDb(env.DB)
    .selectDistinct({ tz: notificationPreferences.timeZone })
    .from(notificationPreferences);
  const zones = new Set(["UTC", ...results.map((r) => r.tz)]);
  const daily: string[] = [];
  const weekly: string[] = [];
  for (const zone of zones) {
    let local: ReturnType<typeof localTime>;
    try {
      local = localTime(now, zone);
    } catch {
      continue;
    }
    if (local.hour !== DIGEST_HOUR) continue;
    daily.push(zone);
    if (local.weekday === DIGEST_WEEKDAY) weekly.push(zone);
  }
  return { daily, weekly };
}

export async function runDigests(env: Bindings, now: number): Promise<{ sent: number }> {
  const { daily, weekly } = await dueZones(env, now);
  if (daily.length === 0) return { sent: 0 };
  let sent = 0;
  let after = "";
  for (;;) {
    const digest = sql`COALESCE(${p.digest}, 'WEEKLY')`;
    const zone = sql`COALESCE(${p.timeZone}, 'UTC')`;
    const { results: candidates } = await statement(
      env.DB,
      sql`SELECT ${u.id} AS id, ${u.email} AS email, ${u.displayName} AS name, ${u.locale} AS locale,
        ${digest} AS digest, ${zone} AS timeZone, ${p.quietStart} AS quietStart, ${p.quietEnd} AS quietEnd
      FROM ${users} ${u} LEFT JOIN ${notificationPreferences} ${p} ON ${p.userId} = ${u.id}
      WHERE ${u.id} IN (SELECT DISTINCT ${notifications.userId} FROM ${notifications}
          WHERE ${notifications.updatedAt} >= ${now - 7 * DAY} AND ${notifications.readAt} IS NULL
          AND ${notifications.visible} = 1)
        AND ${u.id} > ${after} AND ${u.status} = 'ACTIVE' AND ${u.emailVerifiedAt} IS NOT NULL
        AND ((${digest} = 'DAILY' AND ${zone} IN (SELECT value FROM json_each(${JSON.stringify(daily)})))
          OR (${digest} = 'WEEKLY' AND ${zone} IN (SELECT value FROM json_each(${JSON.stringify(weekly)}))))
      ORDER BY ${u.id} LIMIT ${PAGE}`,
    ).all<Candidate>();
    for (let i = 0; i < candidates.length; i += CHUNK) {
      sent += await sendChunk(env, candidates.slice(i, i + CHUNK), now);
    }
    if (candidates.length < PAGE) break;
    after = candidates[candidates.length - 1]!.id;
  }
  return { sent };
}

async function sendChunk(env: Bindings, members: Candidate[], now: number): Promise<number> {
  const db = env.DB;
  const statements = members.flatMap((m) => {
    const since = now - (m.digest === "DAILY" ? DAY : 7 * DAY);
    const where = sql`${n.userId} = ${m.id} AND ${n.readAt} IS NULL AND ${n.updatedAt} >= ${since} AND ${shownSql(m.id)}`;
    return [
      statement(db, sql`SELECT COUNT(*) AS count FROM ${notifications} ${n} WHERE ${where}`),
      statement(
        db,
        sql`SELECT ${rowColumns(m.id)} FROM ${notifications} ${n} WHERE ${where}
          ORDER BY ${n.updatedAt} DESC, ${n.id} DESC LIMIT ${ITEMS}`,
      ),
    ];
  });
  const results = await db.batch(statements);
  const base = env.APP_URL.replace(/\/+$/, "");
  let sent = 0;
  await Promise.all(
    members.map(async (m, i) => {
      const count = (results[2 * i]?.results[0] as { count: number } | undefined)?.count ?? 0;
      const rows = (results[2 * i + 1]?.results ?? []) as unknown as NotificationRow[];
      if (count === 0 || rows.length === 0) return;
      const locale = m.locale === "en" ? "en" : "ar";
      const items = rows.map((r) => {
        const n = toNotification(r, locale);
        return { text: n.text, link: `${base}${n.link}` };
      });
      const period = m.digest === "DAILY" ? "daily" : "weekly";
      const wait = quietDelayMs(now, quietOf(m.quietStart, m.quietEnd), m.timeZone);
      await queueEmail(
        env,
        `digest:${period}:${m.id}:${localTime(now, m.timeZone).date}`,
        {
          to: m.email,
          locale,
          template: "digest",
          data: {
            name: m.name,
            period,
            count: String(count),
            items: JSON.stringify(items),
            link: `${base}/notifications`,
            unsubscribe: await unsubscribeUrl(env, m.id, "digest"),
          },
        },
        { delaySeconds: wait / 1000 },
      );
      sent++;
    }),
  );
  return sent;
}
