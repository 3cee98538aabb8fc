import { and, eq, isNull, sql } from "drizzle-orm";
import type { Deps } from "../../core/deps";
import { pushToUser } from "../../core/live";
import { notificationActors, notifications } from "../../db/schema";
import { keyset } from "../../platform/db/keyset";
import { name } from "../../platform/db/statements";
import { notFound } from "../../platform/errors";
import { logError } from "../../platform/log";
import { type NotificationRow, n, rowColumns, shownSql, toNotification, unreadCountSql } from "./queries";
import { statement } from "./types";

/**
 * The member's notification list and its read state. Lists are newest-activity first (an aggregated
 * notification moves up when it gains an actor); the cursor carries (updatedAt, id) of the last row.
 * Read state changes are pushed to the member's other devices as `notification.read`.
 */
const newestActivity = keyset("desc", {
  u: { column: n.updatedAt, type: "number", of: (r: NotificationRow) => r.updatedAt },
  id: { column: n.id, type: "string", of: (r: NotificationRow) => r.id },
});

export async function listNotifications(
  deps: Deps,
  userId: string,
  query: { cursor?: string | undefined; limit: number; unread?: boolean | undefined },
) {
  const rows = await statement(
    deps.env.DB,
    sql`SELECT ${rowColumns(userId)} FROM ${notifications} ${n}
      WHERE ${n.userId} = ${userId} AND ${shownSql(userId)}
      ${query.unread ? sql`AND ${n.readAt} IS NULL` : sql``}
      AND ${newestActivity.after(query.cursor)}
      ORDER BY ${newestActivity.orderBy} LIMIT ${query.limit + 1}`,
  ).all<NotificationRow>();
  const page = newestActivity.page(rows.results, query.limit);
  return { data: page.data.map((r) => toNotification(r, deps.locale)), nextCursor: page.nextCursor };
}

export async function unreadCount(deps: Deps, userId: string): Promise<number> {
  const row = await statement(deps.env.DB, sql`SELECT ${unreadCountSql(userId)} AS count`).first<{
    count: number;
  }>();
  return row?.count ?? 0;
}

function announceRead(deps: Deps, userId: string, ids: string[] | null, count: number): void {
  deps.waitUntil(
    pushToUser(deps.env, userId, { type: "notification.read", ids, unreadCount: count }).catch((err) =>
      logError("notification.read push failed", { error: String(err) }),
    ),
  );
}

/** Marks one notification read (idempotent) and closes it for aggregation: new events start a new one. */
export async function markRead(deps: Deps, userId: string, id: string) {
  const db = deps.env.DB;
  const [, read, count] = await db.batch([
    statement(
      db,
      sql`UPDATE ${notifications} SET ${name(notifications.readAt)} = COALESCE(${notifications.readAt}, ${deps.now}),
        ${name(notifications.aggKey)} = NULL
      WHERE ${notifications.id} = ${id} AND ${notifications.userId} = ${userId}`,
    ),
    statement(
      db,
      sql`SELECT ${rowColumns(userId)} FROM ${notifications} ${n}
        WHERE ${n.id} = ${id} AND ${n.userId} = ${userId} AND ${shownSql(userId)}`,
    ),
    statement(db, sql`SELECT ${unreadCountSql(userId)} AS count`),
  ]);
  const row = read?.results[0] as NotificationRow | undefined;
  if (!row) throw notFound();
  const unread = (count?.results[0] as { count: number } | undefined)?.count ?? 0;
  announceRead(deps, userId, [id], unread);
  return { notification: toNotification(row, deps.locale), unreadCount: unread };
}

export async function markAllRead(deps: Deps, userId: string) {
  const result = await deps.db
    .update(notifications)
    .set({ readAt: deps.now, aggKey: null })
    .where(and(eq(notifications.userId, userId), isNull(notifications.readAt)))
    .run();
  announceRead(deps, userId, null, 0);
  return { updated: result.meta.changes ?? 0, unreadCount: 0 };
}

export async function deleteNotification(deps: Deps, userId: string, id: string): Promise<void> {
  const db = deps.env.DB;
  const [deleted, , count] = await db.batch([
    statement(
      db,
      sql`DELETE FROM ${notifications} WHERE ${notifications.id} = ${id} AND ${notifications.userId} = ${userId}
        RETURNING ${name(notifications.id)}`,
    ),
    // Only the actors of a row that no longer exists (so another member's notification is never touched).
    statement(
      db,
      sql`DELETE FROM ${notificationActors} WHERE ${notificationActors.notificationId} = ${id}
        AND NOT EXISTS (SELECT 1 FROM ${notifications} WHERE ${notifications.id} = ${id})`,
    ),
    statement(db, sql`SELECT ${unreadCountSql(userId)} AS count`),
  ]);
  if ((deleted?.results.length ?? 0) === 0) throw notFound();
  announceRead(deps, userId, [id], (count?.results[0] as { count: number } | undefined)?.count ?? 0);
}
