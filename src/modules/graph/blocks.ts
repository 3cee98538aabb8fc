import { sql } from "drizzle-orm";
import { pairKey } from "../../core/access/members";
import { type CardRow, cardColumnsSql, cardProfile, cardUser, toCard } from "../../core/cards";
import type { Db } from "../../core/db";
import type { Deps } from "../../core/deps";
import { registeredModules } from "../../core/module";
import { blocks, connectionRequests, profiles, users } from "../../db/schema";
import { isoAt } from "../../platform/clock";
import { type AnyStatement, changed, runBatch } from "../../platform/db/batch";
import { keyset } from "../../platform/db/keyset";
import { name } from "../../platform/db/statements";
import { AppError } from "../../platform/errors";
import { removeConnection, removeUserFollow } from "./writes";

/** What a block removes in the graph: follows both ways, the connection and any open request. */
export function blockStatements(db: Db, me: string, other: string): AnyStatement[] {
  return [
    ...removeUserFollow(db, me, other),
    ...removeUserFollow(db, other, me),
    ...removeConnection(db, me, other),
    db.run(
      sql`DELETE FROM ${connectionRequests} WHERE ${connectionRequests.pairKey} = ${pairKey(me, other)}
        AND ${connectionRequests.status} IN ('PENDING', 'IGNORED')`,
    ),
  ];
}

/** Every module's work after a block or an unblock committed (e.g. group chat rooms reloading blocks). */
async function afterBlockChange(deps: Deps, a: string, b: string): Promise<void> {
  await Promise.all(registeredModules().map((m) => m.afterBlockChange?.(deps, a, b)));
}

/**
 * `me` blocks `other`, in one batch: the block row, and what every module removes between them (`onBlock`
 * of each manifest: follows, the connection, open requests, endorsements...), with every counter kept
 * exact. Blocking again is idempotent (`created: false`). Blocking someone who has blocked you works like
 * any other block (it reveals nothing and keeps you hidden after they unblock).
 */
export async function blockUser(deps: Deps, me: string, other: string) {
  if (me === other) throw new AppError("CANNOT_TARGET_SELF");
  const { db, now } = deps;
  const results = await runBatch(db, [
    db.run(sql`INSERT INTO ${blocks} (${name(blocks.blockerId)}, ${name(blocks.blockedId)}, ${name(blocks.createdAt)})
      SELECT ${me}, ${other}, ${now}
      WHERE EXISTS (SELECT 1 FROM ${users} WHERE ${users.id} = ${other} AND ${users.status} != 'DELETED')
      ON CONFLICT DO NOTHING`),
    ...registeredModules().flatMap((m) => m.onBlock?.(db, me, other) ?? []),
    db.get<{ createdAt: number } | undefined>(sql`SELECT ${blocks.createdAt} AS createdAt FROM ${blocks}
      WHERE ${blocks.blockerId} = ${me} AND ${blocks.blockedId} = ${other}`),
  ]);
  const block = results[results.length - 1] as { createdAt: number } | undefined;
  if (!block) throw new AppError("NOT_FOUND");
  await afterBlockChange(deps, me, other);
  return { created: changed(results[0]) > 0, block: { userId: other, blockedAt: isoAt(block.createdAt) } };
}

/** Idempotent. Unblocking restores nothing: follows and connections stay removed. */
export async function unblockUser(deps: Deps, me: string, other: string): Promise<void> {
  if (me === other) throw new AppError("CANNOT_TARGET_SELF");
  await deps.db.run(
    sql`DELETE FROM ${blocks} WHERE ${blocks.blockerId} = ${me} AND ${blocks.blockedId} = ${other}`,
  );
  await afterBlockChange(deps, me, other);
}

interface BlockedRow extends CardRow {
  createdAt: number;
}

const newestBlocks = keyset("desc", {
  t: { column: blocks.createdAt, type: "number", of: (r: BlockedRow) => r.createdAt },
  id: { column: blocks.blockedId, type: "string", of: (r: BlockedRow) => r.id },
});

/** Members `me` has blocked, most recent first (members who blocked `me` are not listed). */
export async function listBlocked(
  deps: Deps,
  me: string,
  page: { cursor?: string | undefined; limit: number },
) {
  const rows = await deps.db.all<BlockedRow>(sql`
    SELECT ${cardColumnsSql}, ${blocks.createdAt} AS createdAt
    FROM ${blocks}
    JOIN ${users} ${cardUser} ON ${cardUser.id} = ${blocks.blockedId} AND ${cardUser.status} = 'ACTIVE'
    LEFT JOIN ${profiles} ${cardProfile} ON ${cardProfile.userId} = ${cardUser.id}
    WHERE ${blocks.blockerId} = ${me} AND ${newestBlocks.after(page.cursor)}
    ORDER BY ${newestBlocks.orderBy}
    LIMIT ${page.limit + 1}`);
  const { data, nextCursor } = newestBlocks.page(rows, page.limit);
  return { data: data.map((r) => ({ user: toCard(r), blockedAt: isoAt(r.createdAt) })), nextCursor };
}
