import { sql } from "drizzle-orm";
import type { Deps } from "../../core/deps";
import type { MaintenanceTask } from "../../core/module";
import { DAY, isoAt } from "../../platform/clock";

/**
 * Trending hashtags (the product's trend score): score = 0.5 × uses in the last 24 h + 0.3 × uses in the last
 * 7 days + 0.2 × uses in the last 30 days, where a use is a post carrying the tag and "in the last N"
 * means hourly buckets starting after now − N. The hourly cron rewrites trending_hashtags (top 100) from
 * hashtag_usage, then drops buckets older than 31 days; GET /hashtags/trending reads the table.
 */
export const TRENDING_SIZE = 100;

export const refreshTrendingTask: MaintenanceTask = {
  name: "refresh-trending-hashtags",
  statements: (db, now) => [
    db.prepare("DELETE FROM trending_hashtags"),
    db
      .prepare(
        `INSERT INTO trending_hashtags (hashtag_id, score, uses_24h, uses_7d, uses_30d, computed_at)
         SELECT hashtag_id, 0.5 * u1 + 0.3 * u7 + 0.2 * u30, u1, u7, u30, ?1 FROM (
           SELECT hashtag_id,
             SUM(CASE WHEN hour > ?1 - ?2 THEN uses ELSE 0 END) AS u1,
             SUM(CASE WHEN hour > ?1 - 7 * ?2 THEN uses ELSE 0 END) AS u7,
             SUM(uses) AS u30
           FROM hashtag_usage WHERE hour > ?1 - 30 * ?2 AND hour <= ?1 GROUP BY hashtag_id)
         WHERE u30 > 0 ORDER BY 2 DESC, hashtag_id LIMIT ?3`,
      )
      .bind(now, DAY, TRENDING_SIZE),
    db.prepare("DELETE FROM hashtag_usage WHERE hour <= ? OR uses <= 0").bind(now - 31 * DAY),
  ],
};

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
    SELECT h.display AS tag, h.key, t.score, t.uses_24h AS uses24h, t.uses_7d AS uses7d, t.uses_30d AS uses30d,
      h.post_count AS postCount, h.follower_count AS followerCount, t.computed_at AS computedAt,
      ${viewerId ? sql`EXISTS (SELECT 1 FROM follows WHERE follower_id = ${viewerId} AND target_type = 'HASHTAG' AND target_id = h.id)` : sql`0`} AS following
    FROM trending_hashtags t JOIN hashtags h ON h.id = t.hashtag_id
    ORDER BY t.score DESC, t.hashtag_id LIMIT ${limit}`);
  return {
    data: rows.map(({ computedAt: _, following, ...r }) => ({ ...r, following: following === 1 })),
    computedAt: rows[0] ? isoAt(rows[0].computedAt) : null,
  };
}
