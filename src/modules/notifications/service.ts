import { sql } from "drizzle-orm";
import type { Deps } from "../../core/deps";
import { pushToUser } from "../../core/live";
import { notFound } from "../../platform/errors";
import { logError } from "../../platform/log";
import { decodeCursor, toPage } from "../../platform/pagination";
import { type NotificationRow, rowColumns, shownSql, toNotification, unreadCountSql } from "./queries";
import { statement } from "./types";

/**
 * The member's notification list and its read state. Lists are newest-activity first (an aggregated
 * notification moves up when it gains an actor); the cursor carries (updatedAt, id) of the last row.
 * Read state changes are pushed to the member's other devices as `notification.read`.
 */
export async function listNotifications(
  deps: Deps,
  userId: string,
  query: { cursor?: string | undefined; limit: number; unread?: boolean | undefined },
) {
  const cursor = decodeCursor(query.cursor, ["u", "id"] as const);
  const rows = await statement(
    deps.env.DB,
    sql`SELECT ${rowColumns(userId)} FROM notifications n
      WHERE n.user_id = ${userId} AND ${shownSql(userId)}
      ${query.unread ? sql`AND n.read_at IS NULL` : sql``}
      ${cursor ? sql`AND (n.updated_at < ${Number(cursor.u)} OR (n.updated_at = ${Number(cursor.u)} AND n.id < ${String(cursor.id)}))` : sql``}
      ORDER BY n.updated_at DESC, n.id DESC LIMIT ${query.limit + 1}`,
  ).all<NotificationRow>();
  const page = toPage(rows.results, query.limit, (last) => ({ u: last.updatedAt, id: last.id }));
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
    db
      .prepare(
        "UPDATE notifications SET read_at = COALESCE(read_at, ?1), agg_key = NULL WHERE id = ?2 AND user_id = ?3",
      )
      .bind(deps.now, id, userId),
    statement(
      db,
      sql`SELECT ${rowColumns(userId)} FROM notifications n WHERE n.id = ${id} AND n.user_id = ${userId} AND ${shownSql(userId)}`,
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
  const result = await deps.env.DB.prepare(
    "UPDATE notifications SET read_at = ?1, agg_key = NULL WHERE user_id = ?2 AND read_at IS NULL",
  )
    .bind(deps.now, userId)
    .run();
  announceRead(deps, userId, null, 0);
  return { updated: result.meta.changes ?? 0, unreadCount: 0 };
}

export async function deleteNotification(deps: Deps, userId: string, id: string): Promise<void> {
  const db = deps.env.DB;
  const [deleted, , count] = await db.batch([
    db.prepare("DELETE FROM notifications WHERE id = ?1 AND user_id = ?2 RETURNING id").bind(id, userId),
    // Only the actors of a row that no longer exists (so another member's notification is never touched).
    db
      .prepare(
        "DELETE FROM notification_actors WHERE notification_id = ?1 AND NOT EXISTS (SELECT 1 FROM notifications WHERE id = ?1)",
      )
      .bind(id),
    statement(db, sql`SELECT ${unreadCountSql(userId)} AS count`),
  ]);
  if ((deleted?.results.length ?? 0) === 0) throw notFound();
  announceRead(deps, userId, [id], (count?.results[0] as { count: number } | undefined)?.count ?? 0);
}
