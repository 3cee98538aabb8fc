import { sql } from "drizzle-orm";
import { DAY } from "../../platform/clock";
import type { Bindings } from "../../platform/env";
import { queueEmail } from "../email";
import { quietOf } from "./preferences";
import { type NotificationRow, rowColumns, shownSql, toNotification } from "./queries";
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
  const { results } = await env.DB.prepare(
    "SELECT DISTINCT time_zone AS tz FROM notification_preferences",
  ).all<{ tz: string }>();
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
    const { results: candidates } = await env.DB.prepare(
      `SELECT u.id, u.email, u.display_name AS name, u.locale, COALESCE(p.digest, 'WEEKLY') AS digest,
        COALESCE(p.time_zone, 'UTC') AS timeZone, p.quiet_start AS quietStart, p.quiet_end AS quietEnd
      FROM users u LEFT JOIN notification_preferences p ON p.user_id = u.id
      WHERE u.id IN (SELECT DISTINCT user_id FROM notifications WHERE updated_at >= ?1 AND read_at IS NULL AND visible = 1)
        AND u.id > ?2 AND u.status = 'ACTIVE' AND u.email_verified_at IS NOT NULL
        AND ((COALESCE(p.digest, 'WEEKLY') = 'DAILY' AND COALESCE(p.time_zone, 'UTC') IN (SELECT value FROM json_each(?3)))
          OR (COALESCE(p.digest, 'WEEKLY') = 'WEEKLY' AND COALESCE(p.time_zone, 'UTC') IN (SELECT value FROM json_each(?4))))
      ORDER BY u.id LIMIT ?5`,
    )
      .bind(now - 7 * DAY, after, JSON.stringify(daily), JSON.stringify(weekly), PAGE)
      .all<Candidate>();
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
    const where = sql`n.user_id = ${m.id} AND n.read_at IS NULL AND n.updated_at >= ${since} AND ${shownSql(m.id)}`;
    return [
      statement(db, sql`SELECT COUNT(*) AS count FROM notifications n WHERE ${where}`),
      statement(
        db,
        sql`SELECT ${rowColumns(m.id)} FROM notifications n WHERE ${where} ORDER BY n.updated_at DESC, n.id DESC LIMIT ${ITEMS}`,
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
