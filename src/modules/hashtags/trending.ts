import { sql } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import type { Deps } from "../../core/deps";
import type { MaintenanceTask } from "../../core/module";
import { hashtags, hashtagUsage, trendingHashtags } from "../../db/schema";
import { DAY, isoAt } from "../../platform/clock";
import { name, statement } from "../../platform/db/statements";
import { followsTagSql } from "./service";

/**
 * Trending hashtags (the product's trend score): score = 0.5 × uses in the last 24 h + 0.3 × uses in the last
 * 7 days + 0.2 × uses in the last 30 days, where a use is a post carrying the tag and "in the last N"
 * means hourly buckets starting after now − N. The hourly cron rewrites trending_hashtags (top 100) from
 * hashtag_usage, then drops buckets older than 31 days; GET /hashtags/trending reads the table.
 */
export const TRENDING_SIZE = 100;

export const refreshTrendingTask: MaintenanceTask = {
  name: "refresh-trending-hashtags",
  statements: (db, now) => {
    const t = trendingHashtags;
    const u = hashtagUsage;
    return [
      statement(db, sql`DELETE FROM ${t}`),
      statement(
        db,
        sql`INSERT INTO ${t} (${name(t.hashtagId)}, ${name(t.score)}, ${name(t.uses24h)}, ${name(t.uses7d)},
            ${name(t.uses30d)}, ${name(t.computedAt)})
          SELECT ${name(u.hashtagId)}, 0.5 * u1 + 0.3 * u7 + 0.2 * u30, u1, u7, u30, ${now} FROM (
            SELECT ${u.hashtagId},
              SUM(CASE WHEN ${u.hour} > ${now} - ${DAY} THEN ${u.uses} ELSE 0 END) AS u1,
              SUM(CASE WHEN ${u.hour} > ${now} - 7 * ${DAY} THEN ${u.uses} ELSE 0 END) AS u7,
              SUM(${u.uses}) AS u30
            FROM ${u} WHERE ${u.hour} > ${now} - 30 * ${DAY} AND ${u.hour} <= ${now} GROUP BY ${u.hashtagId})
          WHERE u30 > 0 ORDER BY 2 DESC, ${name(u.hashtagId)} LIMIT ${TRENDING_SIZE}`,
      ),
      statement(db, sql`DELETE FROM ${u} WHERE ${u.hour} <= ${now - 31 * DAY} OR ${u.uses} <= 0`),
    ];
  },
};

const h = alias(hashtags, "h");
const t = alias(trendingHashtags, "t");

export async function trending(deps: Deps, viewerId: string | undefined, limit: number) {
  const rows = await deps.db.all<{
    tag: string;
    key: string;
    score: number;
    uses24h: number;
    uses7d: number;
    uses30d: number;
    postCount: number;
    followerCount: number;
    following: number;
    computedAt: number;
  }>(sql`
    SELECT ${h.display} AS tag, ${h.key}, ${t.score}, ${t.uses24h} AS uses24h, ${t.uses7d} AS uses7d,
      ${t.uses30d} AS uses30d, ${h.postCount} AS postCount, ${h.followerCount} AS followerCount,
      ${t.computedAt} AS computedAt, ${followsTagSql(viewerId, h.id)} AS following
    FROM ${trendingHashtags} ${t} JOIN ${hashtags} ${h} ON ${h.id} = ${t.hashtagId}
    ORDER BY ${t.score} DESC, ${t.hashtagId} LIMIT ${limit}`);
  return {
    data: rows.map(({ computedAt: _, following, ...r }) => ({ ...r, following: following === 1 })),
    computedAt: rows[0] ? isoAt(rows[0].computedAt) : null,
  };
}
