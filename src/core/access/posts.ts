import { type SQL, sql } from "drizzle-orm";
import { ID_PATTERN } from "../../platform/ids";
import { activeUserSql, blockedEitherWaySql, connectedSql } from "./members";

/**
 * The visibility check: the one place that decides whether a viewer may see a post. Every read path
 * (a post, feeds, comments, reactions, reposts, hashtag pages, profile posts, polls, bookmarks, search)
 * puts `postVisibleTo(viewerId, alias)` in its WHERE clause, and anything that fails it answers 404.
 *
 * A post is visible when it is not deleted, its author is active, the viewer and the author have not
 * blocked each other (either way), and its visibility allows it: PUBLIC to everyone (also anonymous
 * readers), CONNECTIONS to the author's connections, PRIVATE to the author only. The author always sees
 * their own live posts. A plain repost (kind REPOST) shows the original, so it is visible only while the
 * original is visible too (deleting or hiding the original hides its plain reposts); a quote stays visible
 * and shows the original as unavailable instead.
 *
 * The rule has an author part and a row part. Feeds that scan many posts of a known set of authors test
 * the author part once per author (`authorVisibleTo`, with the connection flag) and the row part per post
 * (`postRowVisibleTo`); together they are exactly `postVisibleTo`.
 *
 * `alias` is the SQL alias of the `posts` row being tested (a trusted identifier, never user input).
 */
export function postVisibleTo(viewerId: string | undefined, alias = "p"): SQL {
  const author = sql.raw(`${alias}.author_id`);
  const connected = viewerId ? connectedSql(viewerRef(viewerId), author) : sql`0`;
  return sql`(${authorVisibleTo(viewerId, author)} AND ${postRowVisibleTo(viewerId, alias, connected)})`;
}

/**
 * The viewer's id as SQL: inline when it is a well-formed id (server-issued ids are [0-9A-Z] only, so
 * nothing needs quoting), otherwise a bound parameter. Feed queries name the viewer dozens of times and D1
 * allows at most 100 bound parameters per statement.
 */
export function viewerRef(viewerId: string): SQL {
  return ID_PATTERN.test(viewerId) ? sql.raw(`'${viewerId}'`) : sql`${viewerId}`;
}

/**
 * The author part: the author is active, and is the viewer or not blocked either way with them (the
 * graph module's block check, blockedEitherWaySql).
 */
export function authorVisibleTo(viewerId: string | undefined, authorColumn: SQL): SQL {
  if (!viewerId) return activeUserSql(authorColumn);
  const v = viewerRef(viewerId);
  return sql`(${activeUserSql(authorColumn)} AND (${authorColumn} = ${v} OR NOT ${blockedEitherWaySql(v, authorColumn)}))`;
}

/**
 * The row part, for a post whose author already passed `authorVisibleTo`: live, allowed by its
 * visibility (`connected`: SQL boolean "the viewer is connected to this author"), and for a plain repost,
 * the original fully visible.
 */
export function postRowVisibleTo(viewerId: string | undefined, alias: string, connected: SQL): SQL {
  const col = (name: string) => sql.raw(`${alias}.${name}`);
  const original = `${alias}_o`;
  const allowed = viewerId
    ? sql`(${col("visibility")} = 'PUBLIC' OR ${col("author_id")} = ${viewerRef(viewerId)} OR (${col("visibility")} = 'CONNECTIONS' AND ${connected}))`
    : sql`${col("visibility")} = 'PUBLIC'`;
  return sql`(${col("deleted_at")} IS NULL AND ${allowed} AND (${col("kind")} <> 'REPOST' OR EXISTS (
    SELECT 1 FROM posts ${sql.raw(original)} WHERE ${sql.raw(original)}.id = ${col("repost_of_id")}
      AND ${ownVisibility(viewerId, original)})))`;
}

/** The rule for one posts row including its author, ignoring what it reposts (for originals). */
function ownVisibility(viewerId: string | undefined, alias: string): SQL {
  const col = (name: string) => sql.raw(`${alias}.${name}`);
  const author = col("author_id");
  const allowed = viewerId
    ? sql`(${col("visibility")} = 'PUBLIC' OR ${author} = ${viewerRef(viewerId)} OR (${col("visibility")} = 'CONNECTIONS' AND ${connectedSql(viewerRef(viewerId), author)}))`
    : sql`${col("visibility")} = 'PUBLIC'`;
  return sql`(${col("deleted_at")} IS NULL AND ${allowed} AND ${authorVisibleTo(viewerId, author)})`;
}
