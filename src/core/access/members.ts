import { type SQL, sql } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import { blocks, connections, follows, profiles, users } from "../../db/schema";
import type { Db } from "../db";

/**
 * The block filter: the one place that decides whether two members are hidden from each other.
 * A block in either direction hides both sides everywhere, and hidden things answer 404.
 *
 * Use `notBlocked(viewerId, column)` inside any query that returns rows owned by other members (it
 * compiles to two index lookups on `blocks`, no extra round trip), and `isBlockedEitherWay` for a single
 * pair. Anonymous viewers (undefined) are never blocked.
 */
export function notBlocked(viewerId: string | undefined, otherUserColumn: SQLiteColumn | SQL): SQL {
  if (!viewerId) return sql`1 = 1`;
  return sql`NOT EXISTS (SELECT 1 FROM ${blocks} WHERE ${blocks.blockerId} = ${viewerId} AND ${blocks.blockedId} = ${otherUserColumn})
    AND NOT EXISTS (SELECT 1 FROM ${blocks} WHERE ${blocks.blockerId} = ${otherUserColumn} AND ${blocks.blockedId} = ${viewerId})`;
}

/** SQL boolean: true when the two members have blocked each other in either direction. */
export function blockedEitherWaySql(a: string | SQL | SQLiteColumn, b: string | SQL | SQLiteColumn): SQL {
  return sql`EXISTS (SELECT 1 FROM ${blocks} WHERE (${blocks.blockerId} = ${a} AND ${blocks.blockedId} = ${b})
    OR (${blocks.blockerId} = ${b} AND ${blocks.blockedId} = ${a}))`;
}

export async function isBlockedEitherWay(db: Db, a: string, b: string): Promise<boolean> {
  if (a === b) return false;
  const row = await db.get<{ blocked: number }>(sql`SELECT ${blockedEitherWaySql(a, b)} AS blocked`);
  return row?.blocked === 1;
}

/** SQL boolean: the two members are connected. */
export function connectedSql(a: string | SQL | SQLiteColumn, b: string | SQL | SQLiteColumn): SQL {
  return sql`EXISTS (SELECT 1 FROM ${connections} WHERE ${connections.userId} = ${a} AND ${connections.otherId} = ${b})`;
}

/** SQL boolean: the member exists and is active (deleted and suspended accounts are hidden everywhere). */
export function activeUserSql(userColumn: SQL | SQLiteColumn | string): SQL {
  return sql`EXISTS (SELECT 1 FROM ${users} WHERE ${users.id} = ${userColumn} AND ${users.status} = 'ACTIVE')`;
}

/**
 * SQL boolean: content written by `author` (posts, comments) may be shown to `viewer`: the author is
 * active, and a shadowbanned author's content is shown to the author alone. The author part of every
 * content rule (postVisibleTo, commentVisibleTo) goes through this, so a moderation action reaches every
 * read path at once.
 */
export function contentAuthorVisibleSql(author: SQL | SQLiteColumn | string, viewer: SQL | undefined): SQL {
  if (viewer === undefined)
    return sql`EXISTS (SELECT 1 FROM ${users} WHERE ${users.id} = ${author} AND ${users.status} = 'ACTIVE' AND ${users.shadowbanned} = 0)`;
  return sql`EXISTS (SELECT 1 FROM ${users} WHERE ${users.id} = ${author} AND ${users.status} = 'ACTIVE'
    AND (${users.shadowbanned} = 0 OR ${users.id} = ${viewer}))`;
}

/** SQL boolean: member `follower` follows the target `target` of kind `code` (core/targets.ts). */
export function followsSql(
  code: string,
  follower: string | SQL | SQLiteColumn,
  target: string | SQL | SQLiteColumn,
): SQL {
  return sql`EXISTS (SELECT 1 FROM ${follows} WHERE ${follows.followerId} = ${follower} AND ${follows.targetType} = ${sql.raw(`'${code.replace(/'/g, "''")}'`)}
    AND ${follows.targetId} = ${target})`;
}

/** SQL boolean: member `follower` follows member `target`. */
export function followsUserSql(
  follower: string | SQL | SQLiteColumn,
  target: string | SQL | SQLiteColumn,
): SQL {
  return followsSql("USER", follower, target);
}

// ─── Profile visibility: the one rule, and what derives from it ─────────────────────────────────────────

type SqlRef = string | SQL | SQLiteColumn;

/**
 * A member as the profile rules read them: the member's id, plus the `profiles` columns when the query
 * already joins that row (a LEFT JOIN is fine: a missing row reads as the defaults). Columns not given
 * are looked up by id.
 */
export interface MemberRef {
  id: SqlRef;
  visibility?: SQL | SQLiteColumn;
  showConnections?: SQL | SQLiteColumn;
}

function visibilityOf(member: MemberRef): SQL {
  const column =
    member.visibility ??
    sql`(SELECT ${profiles.visibility} FROM ${profiles} WHERE ${profiles.userId} = ${member.id})`;
  return sql`COALESCE(${column}, 'PUBLIC')`;
}

function showConnectionsOf(member: MemberRef): SQL {
  const column =
    member.showConnections ??
    sql`(SELECT ${profiles.showConnections} FROM ${profiles} WHERE ${profiles.userId} = ${member.id})`;
  return sql`COALESCE(${column}, 1)`;
}

/**
 * SQL boolean: the member's visibility setting admits `viewer` to their full profile: the member
 * themselves; PUBLIC: everyone, also anonymous readers (viewer undefined); CONNECTIONS: their connections;
 * PRIVATE: nobody else. Only the setting: `fullProfileVisibleSql` adds active account and blocks.
 */
export function profileAdmitsSql(viewer: SqlRef | undefined, member: MemberRef): SQL {
  const visibility = visibilityOf(member);
  if (viewer === undefined) return sql`(${visibility} = 'PUBLIC')`;
  return sql`(${member.id} = ${viewer} OR CASE ${visibility} WHEN 'PUBLIC' THEN 1
    WHEN 'CONNECTIONS' THEN ${connectedSql(viewer, member.id)} ELSE 0 END)`;
}

/**
 * THE profile rule, SQL boolean: `viewer` may see the member's full profile (experience, education,
 * skills, about, location, banner, network counts...): the member is active, the two have not blocked
 * each other (either way), and the member's visibility admits the viewer (`profileAdmitsSql`). Everything
 * that uses what only a full profile shows (GET /profiles, search matching, suggestions' reasons,
 * mentions, network lists, media on the profile) goes through this.
 */
export function fullProfileVisibleSql(viewer: SqlRef | undefined, member: MemberRef): SQL {
  if (viewer === undefined)
    return sql`(${activeUserSql(member.id)} AND ${profileAdmitsSql(undefined, member)})`;
  return sql`(${activeUserSql(member.id)} AND (${member.id} = ${viewer}
    OR (NOT ${blockedEitherWaySql(viewer, member.id)} AND ${profileAdmitsSql(viewer, member)})))`;
}

/**
 * What a card (and a limited profile) shows besides id, username, display name and avatar: the headline,
 * unless the profile is PRIVATE (a PRIVATE member's headline is shown only to themselves, when the card
 * knows its viewer). SQL boolean.
 */
export function cardShowsHeadlineSql(viewer: SqlRef | undefined, member: MemberRef): SQL {
  const shown = sql`${visibilityOf(member)} <> 'PRIVATE'`;
  return viewer === undefined ? sql`(${shown})` : sql`(${shown} OR ${member.id} = ${viewer})`;
}

/** The card's headline column: `headline` where `cardShowsHeadlineSql` allows it, else NULL. */
export function cardHeadlineSql(
  viewer: SqlRef | undefined,
  member: MemberRef,
  headline: SQL | SQLiteColumn,
): SQL {
  return sql`CASE WHEN ${cardShowsHeadlineSql(viewer, member)} THEN ${headline} END`;
}

/**
 * SQL boolean: `viewer` may know the member's network (followers, following and connections lists, the
 * connection count, the member's connections as mutual connections): the member themselves, or anyone
 * who may see the full profile when showConnections is on.
 */
export function networkVisibleSql(viewer: SqlRef | undefined, member: MemberRef): SQL {
  const visible = sql`(${fullProfileVisibleSql(viewer, member)} AND ${showConnectionsOf(member)} = 1)`;
  return viewer === undefined ? visible : sql`(${member.id} = ${viewer} OR ${visible})`;
}

/** The key of an unordered pair of members: A→B and B→A are one pair. */
export const pairKey = (a: string, b: string) => (a < b ? `${a}:${b}` : `${b}:${a}`);
