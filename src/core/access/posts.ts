import { getTableName, type SQL, sql } from "drizzle-orm";
import { alias, type SQLiteColumn } from "drizzle-orm/sqlite-core";
import { posts } from "../../db/schema";
import { ID_PATTERN } from "../../platform/ids";
import { blockedEitherWaySql, connectedSql, contentAuthorVisibleSql } from "./members";

/**
 * The visibility check: the one place that decides whether a viewer may see a post. Every read path
 * (a post, feeds, comments, reactions, reposts, hashtag pages, profile posts, polls, bookmarks, search)
 * puts `postVisibleTo(viewerId, row)` in its WHERE clause, and anything that fails it answers 404.
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
 * `row` is the `posts` row being tested: a drizzle alias of `posts`, or its alias name (`PostRef`).
 */
export function postVisibleTo(viewerId: string | undefined, row: PostRef = "p"): SQL {
  const author = postRow(row).authorId;
  const connected = viewerId ? connectedSql(viewerRef(viewerId), author) : sql`0`;
  return sql`(${authorVisibleTo(viewerId, author)} AND ${postRowVisibleTo(viewerId, row, connected)})`;
}

/** The columns of a `posts` row the visibility rule reads. */
export type PostRow = Record<
  "id" | "authorId" | "visibility" | "deletedAt" | "kind" | "repostOfId",
  SQLiteColumn
>;

/**
 * A `posts` row in a query: a drizzle alias of `posts` (`alias(posts, "p")`), or the alias name of a
 * query that still names it as text (a trusted identifier, never user input).
 */
export type PostRef = PostRow | string;

function postRow(row: PostRef): PostRow {
  return typeof row === "string" ? alias(posts, row) : row;
}

/** The alias name of a `posts` row, for the subqueries' own aliases derived from it. */
function aliasName(row: PostRef): string {
  return typeof row === "string" ? row : getTableName((row.id as SQLiteColumn).table);
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
 * The author part: the author is active and not shadowbanned (unless the viewer is the author:
 * contentAuthorVisibleSql), and is the viewer or not blocked either way with them (the
 * graph module's block check, blockedEitherWaySql).
 */
export function authorVisibleTo(viewerId: string | undefined, authorColumn: SQL | SQLiteColumn): SQL {
  if (!viewerId) return contentAuthorVisibleSql(authorColumn, undefined);
  const v = viewerRef(viewerId);
  return sql`(${contentAuthorVisibleSql(authorColumn, v)} AND (${authorColumn} = ${v} OR NOT ${blockedEitherWaySql(v, authorColumn)}))`;
}

/**
 * The row part, for a post whose author already passed `authorVisibleTo`: live, allowed by its
 * visibility (`connected`: SQL boolean "the viewer is connected to this author"), and for a plain repost,
 * the original fully visible.
 */
export function postRowVisibleTo(viewerId: string | undefined, row: PostRef, connected: SQL): SQL {
  const p = postRow(row);
  const original = alias(posts, `${aliasName(row)}_o`);
  const allowed = viewerId
    ? sql`(${p.visibility} = 'PUBLIC' OR ${p.authorId} = ${viewerRef(viewerId)} OR (${p.visibility} = 'CONNECTIONS' AND ${connected}))`
    : sql`${p.visibility} = 'PUBLIC'`;
  return sql`(${p.deletedAt} IS NULL AND ${allowed} AND (${p.kind} <> 'REPOST' OR EXISTS (
    SELECT 1 FROM ${posts} ${original} WHERE ${original.id} = ${p.repostOfId}
      AND ${ownVisibility(viewerId, original)})))`;
}

/** The rule for one posts row including its author, ignoring what it reposts (for originals). */
function ownVisibility(viewerId: string | undefined, p: PostRow): SQL {
  const author = p.authorId;
  const allowed = viewerId
    ? sql`(${p.visibility} = 'PUBLIC' OR ${author} = ${viewerRef(viewerId)} OR (${p.visibility} = 'CONNECTIONS' AND ${connectedSql(viewerRef(viewerId), author)}))`
    : sql`${p.visibility} = 'PUBLIC'`;
  return sql`(${p.deletedAt} IS NULL AND ${allowed} AND ${authorVisibleTo(viewerId, author)})`;
}
