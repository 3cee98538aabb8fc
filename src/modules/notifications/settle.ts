import { sql } from "drizzle-orm";
import type { NoticesRead } from "../../core/events";
import { pushToUser } from "../../core/live";
import { notifications } from "../../db/schema";
import { name } from "../../platform/db/statements";
import type { Bindings } from "../../platform/env";
import { logError } from "../../platform/log";
import type { Outcome } from "../../platform/queue";
import { unreadCountSql } from "./queries";
import { statement } from "./types";

/**
 * A member caught up with a target (read a conversation): their unread notices of that type about it,
 * up to the seq they read, are marked read, as if they had opened them: they leave the badge, stop
 * aggregating (the next message starts a new notice), and owe no push or email any more. They stay in
 * the list as read, like every read notification. The member's devices hear `notification.read`.
 * Idempotent: a second delivery finds nothing unread and changes nothing.
 */
export async function settleNotices(env: Bindings, read: NoticesRead, now: number): Promise<Outcome> {
  const db = env.DB;
  const user = read.recipientId;
  return {
    writes: [
      statement(
        db,
        sql`UPDATE ${notifications} SET ${name(notifications.readAt)} = ${now}, ${name(notifications.aggKey)} = NULL,
            ${name(notifications.pending)} = 0
          WHERE ${notifications.userId} = ${user} AND ${notifications.readAt} IS NULL
            AND ${notifications.type} = ${read.noticeType} AND ${notifications.targetType} = ${read.target.type}
            AND ${notifications.targetId} = ${read.target.id}
            AND COALESCE(json_extract(${notifications.data}, '$.seq'), 0) <= ${read.upToSeq}
          RETURNING ${name(notifications.id)} AS id`,
      ),
      statement(db, sql`SELECT ${unreadCountSql(user)} AS count`),
    ],
    after: async ([settled, count]) => {
      const ids = ((settled?.results ?? []) as { id: string }[]).map((r) => r.id);
      if (ids.length === 0) return;
      const unreadCount = (count?.results[0] as { count: number } | undefined)?.count ?? 0;
      await pushToUser(env, user, { type: "notification.read", ids, unreadCount }).catch((err) =>
        logError("notification.read push failed", { error: String(err) }),
      );
    },
  };
}
