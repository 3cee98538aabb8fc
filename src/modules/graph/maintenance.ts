import { DAY } from "../../platform/clock";

/** Binds `value` to every `?` of `query` (each statement below uses one parameter, many times). */
function prepareWith(db: D1Database, query: string, value: number): D1PreparedStatement {
  const count = query.split("?").length - 1;
  return db.prepare(query).bind(...Array.from({ length: count }, () => value));
}

/** How long finished requests (accepted, ignored, withdrawn, expired) are kept after they expire. */
export const FINISHED_REQUEST_RETENTION_MS = 90 * DAY;

/**
 * Pending (and ignored) requests past expires_at become EXPIRED. Every read already treats them as gone;
 * this keeps the "pending" indexes small and frees the pair for a new request. Old finished rows go.
 */
export function expireConnectionRequests(db: D1Database, now: number): D1PreparedStatement[] {
  return [
    db
      .prepare(
        "UPDATE connection_requests SET status = 'EXPIRED' WHERE status IN ('PENDING', 'IGNORED') AND expires_at <= ?",
      )
      .bind(now),
    db
      .prepare(
        "DELETE FROM connection_requests WHERE status IN ('ACCEPTED', 'IGNORED', 'WITHDRAWN', 'EXPIRED') AND expires_at < ?",
      )
      .bind(now - FINISHED_REQUEST_RETENTION_MS),
  ];
}

/**
 * Graph rows of purged accounts (`doomed` selects their ids with one `?` bound to the cutoff). The other
 * members' counters lose exactly the rows being deleted, in the same batch, before the rows go.
 */
export function purgeGraphOf(db: D1Database, doomed: string, cutoff: number): D1PreparedStatement[] {
  const statements = [
    `UPDATE profiles SET follower_count = follower_count - (SELECT COUNT(*) FROM follows f
       WHERE f.target_type = 'USER' AND f.target_id = profiles.user_id AND f.follower_id IN (${doomed}))
     WHERE user_id IN (SELECT target_id FROM follows WHERE target_type = 'USER' AND follower_id IN (${doomed}))`,
    `UPDATE profiles SET following_count = following_count - (SELECT COUNT(*) FROM follows f
       WHERE f.target_type = 'USER' AND f.follower_id = profiles.user_id AND f.target_id IN (${doomed}))
     WHERE user_id IN (SELECT follower_id FROM follows WHERE target_type = 'USER' AND target_id IN (${doomed}))`,
    `UPDATE profiles SET connection_count = connection_count - (SELECT COUNT(*) FROM connections c
       WHERE c.user_id = profiles.user_id AND c.other_id IN (${doomed}))
     WHERE user_id IN (SELECT user_id FROM connections WHERE other_id IN (${doomed}))`,
    `DELETE FROM follows WHERE follower_id IN (${doomed}) OR (target_type = 'USER' AND target_id IN (${doomed}))`,
    `DELETE FROM connections WHERE user_id IN (${doomed}) OR other_id IN (${doomed})`,
    `DELETE FROM connection_requests WHERE requester_id IN (${doomed}) OR addressee_id IN (${doomed})`,
    `DELETE FROM blocks WHERE blocker_id IN (${doomed}) OR blocked_id IN (${doomed})`,
  ];
  return statements.map((q) => prepareWith(db, q, cutoff));
}
