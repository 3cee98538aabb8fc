import { type SQL, sql } from "drizzle-orm";
import { users } from "../../db/schema";
import { ID_PATTERN } from "../../platform/ids";

const USERNAME_RE = /^[a-z0-9_]{3,30}$/;

/**
 * A profile is addressed by username (any case) or by member id. Returns the SQL expression that yields
 * the member's id, for use inside the batched queries, or null when the reference cannot name anyone
 * (then the answer is 404 without touching the database). An all-digit 26-character username also looks
 * like an id: the id wins, then the username.
 */
export function profileRefSql(ref: string): SQL | null {
  const parsed = profileRef(ref);
  if (!parsed) return null;
  return profileRefSqlOf(parsed.kind, {
    asId: sql`${parsed.values.asId}`,
    asUsername: sql`${parsed.values.asUsername}`,
  });
}

export type ProfileRefKind = "id" | "username" | "id-or-username";

/** What a reference can name, for compiled statements (src/platform/db/compiled.ts); null when it names nobody. */
export function profileRef(
  ref: string,
): { kind: ProfileRefKind; values: { asId: string; asUsername: string } } | null {
  const asId = ref.toUpperCase();
  const asUsername = ref.toLowerCase();
  const byId = ID_PATTERN.test(asId);
  const byName = USERNAME_RE.test(asUsername);
  if (!byId && !byName) return null;
  return { kind: byId && byName ? "id-or-username" : byId ? "id" : "username", values: { asId, asUsername } };
}

/** The member-id expression for a reference of `kind`, with its values as SQL (or placeholders). */
export function profileRefSqlOf(kind: ProfileRefKind, v: { asId: SQL; asUsername: SQL }): SQL {
  if (kind === "id-or-username") {
    return sql`(SELECT id FROM (SELECT ${users.id} AS id, 0 AS k FROM ${users} WHERE ${users.id} = ${v.asId}
      UNION ALL SELECT ${users.id} AS id, 1 AS k FROM ${users} WHERE ${users.username} = ${v.asUsername}) ORDER BY k LIMIT 1)`;
  }
  if (kind === "id") return v.asId;
  return sql`(SELECT ${users.id} FROM ${users} WHERE ${users.username} = ${v.asUsername})`;
}
