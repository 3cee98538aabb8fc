/**
 * D1 read replication through the Sessions API. Every API request reads and writes through one D1 session,
 * so its queries are sequentially consistent wherever D1 serves them, and the response hands the session's
 * bookmark to the client in `x-d1-bookmark`. A client that sends the last bookmark it received back in the
 * same header starts its next session no older than that point: it reads its own writes.
 *
 * Where a request's session starts:
 * - GET and HEAD (reads): at the client's bookmark, or without one "first-unconstrained" (any replica,
 *   usually the nearest, which may lag the primary).
 * - Every other method: "first-primary". A write, and every read that decides it (guards, permission
 *   checks, counters, lockouts), sees the primary's current state; the bookmark adds nothing there.
 * Reads that must be current outside a write use the plain binding (`env.DB`, always the primary), as do
 * Durable Objects, queue consumers and the cron.
 */

export const BOOKMARK_HEADER = "x-d1-bookmark";

/**
 * A D1 bookmark as D1 hands them out: four dash-separated lower-case hex fields of 8, 8, 8 and 32 digits
 * (e.g. 00000085-0000024c-00004c6d-8e61117bf38d7adb71b934ebbf891683). Bookmarks of one database sort
 * lexicographically oldest to newest. Anything else is refused before it reaches D1, whose answer to a
 * malformed one would be an error in the middle of the request.
 */
export const BOOKMARK_PATTERN = "^[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{32}$";
const BOOKMARK = new RegExp(BOOKMARK_PATTERN);

export function isBookmark(value: string): boolean {
  return BOOKMARK.test(value);
}

/** The later of two bookmarks (the order D1 itself keeps in a session). */
export function laterBookmark(a: string | null | undefined, b: string | null | undefined): string | null {
  if (!a) return b ?? null;
  if (!b) return a;
  return a.localeCompare(b) < 0 ? b : a;
}

const READ_METHODS = new Set(["GET", "HEAD"]);

/** Where a request's session starts (see the top of this file). */
export function sessionStart(method: string, bookmark: string | undefined): string {
  if (!READ_METHODS.has(method.toUpperCase())) return "first-primary";
  return bookmark ?? "first-unconstrained";
}

/**
 * The session as a `D1Database`, so drizzle, `statement`, `CompiledSql` and `runBatch` use it unchanged:
 * `prepare` and `batch` go through the session. A session has no `exec`, `dump` or `withSession`; those go
 * to the binding (the primary), and nothing in a request uses them.
 */
export function sessionDatabase(binding: D1Database, session: D1DatabaseSession): D1Database {
  const db: Pick<D1Database, keyof D1Database> = {
    prepare: (query) => session.prepare(query),
    batch: <T>(statements: D1PreparedStatement[]) => session.batch<T>(statements),
    exec: (query) => binding.exec(query),
    dump: () => binding.dump(),
    withSession: (constraintOrBookmark) => binding.withSession(constraintOrBookmark),
  };
  return db as D1Database;
}
