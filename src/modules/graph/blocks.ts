import { sql } from "drizzle-orm";
import type { Deps } from "../../core/deps";
import { isoAt } from "../../platform/clock";
import { changed, runBatch } from "../../platform/db/batch";
import { AppError } from "../../platform/errors";
import { decodeCursor, toPage } from "../../platform/pagination";
import { refreshAfterBlock } from "../conversations/service";
import { removeEndorsementsBetween } from "../profiles/endorsements";
import { type CardRow, cardColumnsSql, toCard } from "./network";
import { pairKey, removeConnection, removeUserFollow } from "./writes";

/**
 * `me` blocks `other`, in one batch: the block row; follows both ways, the connection, any open request
 * and skill endorsements between them are removed, with every counter kept exact. Blocking again is idempotent
 * (`created: false`). Blocking someone who has blocked you works like any other block (it reveals
 * nothing and keeps you hidden after they unblock).
 */
export async function blockUser(deps: Deps, me: string, other: string) {
  if (me === other) throw new AppError("CANNOT_TARGET_SELF");
  const { db, now } = deps;
  const results = await runBatch(db, [
    db.run(sql`INSERT INTO blocks (blocker_id, blocked_id, created_at)
      SELECT ${me}, ${other}, ${now} WHERE EXISTS (SELECT 1 FROM users WHERE id = ${other} AND status != 'DELETED')
      ON CONFLICT DO NOTHING`),
    ...removeUserFollow(db, me, other),
    ...removeUserFollow(db, other, me),
    ...removeConnection(db, me, other),
    db.run(
      sql`DELETE FROM connection_requests WHERE pair_key = ${pairKey(me, other)} AND status IN ('PENDING', 'IGNORED')`,
    ),
    ...removeEndorsementsBetween(db, me, other),
    db.get<{ createdAt: number } | undefined>(sql`SELECT created_at AS createdAt FROM blocks
      WHERE blocker_id = ${me} AND blocked_id = ${other}`),
  ]);
  const block = results[results.length - 1] as { createdAt: number } | undefined;
  if (!block) throw new AppError("NOT_FOUND");
  // Group chat rooms cache block pairs for their fan-out: tell the rooms the two share at once.
  await refreshAfterBlock(deps, me, other);
  return { created: changed(results[0]) > 0, block: { userId: other, blockedAt: isoAt(block.createdAt) } };
}

/** Idempotent. Unblocking restores nothing: follows and connections stay removed. */
export async function unblockUser(deps: Deps, me: string, other: string): Promise<void> {
  if (me === other) throw new AppError("CANNOT_TARGET_SELF");
  await deps.db.run(sql`DELETE FROM blocks WHERE blocker_id = ${me} AND blocked_id = ${other}`);
  await refreshAfterBlock(deps, me, other);
}

interface BlockedRow extends CardRow {
  createdAt: number;
}

/** Members `me` has blocked, most recent first (members who blocked `me` are not listed). */
export async function listBlocked(
  deps: Deps,
  me: string,
  page: { cursor?: string | undefined; limit: number },
) {
  const after = decodeCursor(page.cursor, ["t", "id"] as const);
  const rows = await deps.db.all<BlockedRow>(sql`
    SELECT ${cardColumnsSql}, b.created_at AS createdAt
    FROM blocks b
    JOIN users u ON u.id = b.blocked_id AND u.status = 'ACTIVE'
    LEFT JOIN profiles p ON p.user_id = u.id
    WHERE b.blocker_id = ${me}
      ${after ? sql`AND (b.created_at < ${Number(after.t)} OR (b.created_at = ${Number(after.t)} AND b.blocked_id < ${String(after.id)}))` : sql``}
    ORDER BY b.created_at DESC, b.blocked_id DESC
    LIMIT ${page.limit + 1}`);
  const { data, nextCursor } = toPage(rows, page.limit, (last) => ({ t: last.createdAt, id: last.id }));
  return { data: data.map((r) => ({ user: toCard(r), blockedAt: isoAt(r.createdAt) })), nextCursor };
}
