import { type Column, type SQL, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import { activeUserSql, notBlocked } from "../../core/access/members";
import { type UserCard, userCardJsonSql } from "../../core/cards";
import { comments, notificationActors, notifications, posts } from "../../db/schema";
import { isoAt } from "../../platform/clock";
import { name } from "../../platform/db/statements";
import type { Locale } from "../../platform/i18n";
import { linkOf, renderText } from "./render";
import { SHOWN_ACTORS } from "./types";

/**
 * How a notification row is read for its owner: the actors shown are the active members the owner has
 * not blocked (and who have not blocked the owner), newest first; a notification whose every actor is
 * hidden, or whose post/comment was deleted, is not shown at all (nor counted as unread).
 */
function actorVisible(ownerId: string): SQL {
  return sql`${activeUserSql(a.actorId)} AND ${notBlocked(ownerId, a.actorId)}`;
}

/** Bare column names for INSERT column lists and ON CONFLICT targets. */
export function columnList(...columns: Column[]): SQL {
  return sql.join(columns.map(name), sql`, `);
}

/** A notification row as its owner reads it: `FROM ${notifications} ${n}`. */
export const n = alias(notifications, "n");
/** The copy of notifications that unread counts read (inside queries over `n`). */
const nu = alias(notifications, "nu");
/** The actors of a notification (inside queries over `n`). */
const a = alias(notificationActors, "a");
const tp = alias(posts, "tp");
const tc = alias(comments, "tc");

/** SQL boolean: the notification row `row` is shown to its owner. */
export function shownSql(ownerId: string, row: typeof n | typeof nu = n): SQL {
  return sql`${row.visible} = 1
    AND (${row.type} = 'system' OR EXISTS (SELECT 1 FROM ${notificationActors} ${a}
      WHERE ${a.notificationId} = ${row.id} AND ${actorVisible(ownerId)}))
    AND (COALESCE(${row.targetType}, '') != 'post' OR EXISTS (SELECT 1 FROM ${posts} ${tp}
      WHERE ${tp.id} = ${row.targetId} AND ${tp.deletedAt} IS NULL))
    AND (COALESCE(${row.targetType}, '') != 'comment' OR EXISTS (SELECT 1 FROM ${comments} ${tc}
      WHERE ${tc.id} = ${row.targetId} AND ${tc.deletedAt} IS NULL))`;
}

/** The columns of a notification row as its owner sees it (the row is `n`). */
export function rowColumns(ownerId: string): SQL {
  return sql`${n.id} AS id, ${n.type} AS type, ${n.targetType} AS targetType, ${n.targetId} AS targetId,
    ${n.data} AS data, ${n.eventCount} AS eventCount, ${n.visible} AS visible, ${n.pending} AS pending,
    ${n.deliverAt} AS deliverAt, ${n.readAt} AS readAt, ${n.createdAt} AS createdAt, ${n.updatedAt} AS updatedAt,
    (SELECT COUNT(*) FROM ${notificationActors} ${a} WHERE ${a.notificationId} = ${n.id} AND ${actorVisible(ownerId)}) AS actorCount,
    (SELECT json_group_array(json(card)) FROM (SELECT ${userCardJsonSql(a.actorId)} AS card FROM ${notificationActors} ${a}
      WHERE ${a.notificationId} = ${n.id} AND ${actorVisible(ownerId)} ORDER BY ${a.at} DESC LIMIT ${SHOWN_ACTORS})) AS actors`;
}

/** SQL expression: the owner's unread count. */
export function unreadCountSql(ownerId: string): SQL {
  return sql`(SELECT COUNT(*) FROM ${notifications} ${nu}
    WHERE ${nu.userId} = ${ownerId} AND ${nu.readAt} IS NULL AND ${shownSql(ownerId, nu)})`;
}

export interface NotificationRow {
  id: string;
  type: string;
  targetType: string | null;
  targetId: string | null;
  data: string;
  eventCount: number;
  visible: number;
  pending: number;
  deliverAt: number | null;
  readAt: number | null;
  createdAt: number;
  updatedAt: number;
  actorCount: number;
  actors: string | null;
}

function parseJson<T>(text: string | null | undefined, fallback: T): T {
  if (!text) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

export type Notification = ReturnType<typeof toNotification>;

export function toNotification(row: NotificationRow, locale: Locale) {
  const actors = parseJson<(UserCard | null)[]>(row.actors, []).filter((a): a is UserCard => a !== null);
  const data = parseJson<Record<string, string | number | boolean | null>>(row.data, {});
  const input = {
    type: row.type,
    targetType: row.targetType,
    targetId: row.targetId,
    data,
    actors,
    actorCount: row.actorCount,
    eventCount: row.eventCount,
  };
  return {
    id: row.id,
    type: row.type,
    read: row.readAt !== null,
    readAt: row.readAt === null ? null : isoAt(row.readAt),
    actors,
    actorCount: row.actorCount,
    eventCount: row.eventCount,
    target: row.targetType && row.targetId ? { type: row.targetType, id: row.targetId } : null,
    data,
    text: renderText(input, locale),
    link: linkOf(input),
    createdAt: isoAt(row.createdAt),
    updatedAt: isoAt(row.updatedAt),
  };
}
