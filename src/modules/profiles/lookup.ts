import { type SQL, sql } from "drizzle-orm";
import { ID_PATTERN } from "../../lib/ids";

const USERNAME_RE = /^[a-z0-9_]{3,30}$/;

/**
 * A profile is addressed by username (any case) or by member id. Returns the SQL expression that yields
 * the member's id, for use inside the batched queries, or null when the reference cannot name anyone
 * (then the answer is 404 without touching the database). An all-digit 26-character username also looks
 * like an id: the id wins, then the username.
 */
export function profileRefSql(ref: string): SQL | null {
  const asId = ref.toUpperCase();
  const asUsername = ref.toLowerCase();
  const byId = ID_PATTERN.test(asId);
  const byName = USERNAME_RE.test(asUsername);
  if (byId && byName) {
    return sql`(SELECT id FROM (SELECT id, 0 AS k FROM users WHERE id = ${asId}
      UNION ALL SELECT id, 1 AS k FROM users WHERE username = ${asUsername}) ORDER BY k LIMIT 1)`;
  }
  if (byId) return sql`${asId}`;
  if (byName) return sql`(SELECT id FROM users WHERE username = ${asUsername})`;
  return null;
}
