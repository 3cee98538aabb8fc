import { type SQL, sql } from "drizzle-orm";
import { activeUserSql, notBlocked } from "../../core/access/members";
import { type UserCard, userCardJsonSql } from "../../core/cards";
import { isoAt } from "../../platform/clock";
import type { Locale } from "../../platform/i18n";
import { linkOf, renderText } from "./render";
import { SHOWN_ACTORS } from "./types";

/**
 * How a notification row is read for its owner: the actors shown are the active members the owner has
 * not blocked (and who have not blocked the owner), newest first; a notification whose every actor is
 * hidden, or whose post/comment was deleted, is not shown at all (nor counted as unread).
 */
function actorVisible(ownerId: string): SQL {
  return sql`${activeUserSql(sql`a.actor_id`)} AND ${notBlocked(ownerId, sql`a.actor_id`)}`;
}

/** SQL boolean: the notification row `alias` is shown to its owner. */
export function shownSql(ownerId: string, alias = "n"): SQL {
  const n = sql.raw(alias);
  return sql`${n}.visible = 1
    AND (${n}.type = 'system' OR EXISTS (SELECT 1 FROM notification_actors a WHERE a.notification_id = ${n}.id AND ${actorVisible(ownerId)}))
    AND (COALESCE(${n}.target_type, '') != 'post' OR EXISTS (SELECT 1 FROM posts tp WHERE tp.id = ${n}.target_id AND tp.deleted_at IS NULL))
    AND (COALESCE(${n}.target_type, '') != 'comment' OR EXISTS (SELECT 1 FROM comments tc WHERE tc.id = ${n}.target_id AND tc.deleted_at IS NULL))`;
}

/** The columns of a notification row as its owner sees it (alias `n`). */
export function rowColumns(ownerId: string): SQL {
  return sql`n.id, n.type, n.target_type AS targetType, n.target_id AS targetId, n.data, n.event_count AS eventCount,
    n.visible, n.pending, n.deliver_at AS deliverAt, n.read_at AS readAt, n.created_at AS createdAt, n.updated_at AS updatedAt,
    (SELECT COUNT(*) FROM notification_actors a WHERE a.notification_id = n.id AND ${actorVisible(ownerId)}) AS actorCount,
    (SELECT json_group_array(json(card)) FROM (SELECT ${userCardJsonSql(sql`a.actor_id`)} AS card FROM notification_actors a
      WHERE a.notification_id = n.id AND ${actorVisible(ownerId)} ORDER BY a.at DESC LIMIT ${SHOWN_ACTORS})) AS actors`;
}

/** SQL expression: the owner's unread count. */
export function unreadCountSql(ownerId: string): SQL {
  return sql`(SELECT COUNT(*) FROM notifications nu WHERE nu.user_id = ${ownerId} AND nu.read_at IS NULL AND ${shownSql(ownerId, "nu")})`;
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
