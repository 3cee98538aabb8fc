/**
 * In-memory twins of access rules written in SQL (./members.ts), for code that holds the facts in memory
 * and must decide without a D1 round trip: the chat room Durable Object caches its members' account
 * status and the block pairs among them, and answers every message from that cache. Each twin must give
 * the answer its SQL rule gives for the same rows; test/access/twins.test.ts builds the cases in D1 and
 * compares the two row by row. Change a rule and its twin together.
 */

/** A row of `blocks`: [blocker_id, blocked_id]. */
export type BlockPair = readonly [blocker: string, blocked: string];

/** Twin of `blockedEitherWaySql(a, b)`: a block row exists from `a` to `b` or from `b` to `a`. */
export function blockedEitherWay(blocks: Iterable<BlockPair>, a: string, b: string): boolean {
  for (const [blocker, blocked] of blocks) {
    if ((blocker === a && blocked === b) || (blocker === b && blocked === a)) return true;
  }
  return false;
}

/**
 * Twin of `blockedEitherWaySql` for everyone at once: member -> the members a block in either direction
 * hides from them (both sides of every pair). A member with no block has no entry.
 */
export function hiddenByBlocks(blocks: Iterable<BlockPair>): Map<string, Set<string>> {
  const hidden = new Map<string, Set<string>>();
  for (const [blocker, blocked] of blocks) hideEachOther(hidden, blocker, blocked);
  return hidden;
}

/** Adds one block pair to a `hiddenByBlocks` index (a block learnt after the index was built). */
export function hideEachOther(hidden: Map<string, Set<string>>, a: string, b: string): void {
  for (const [x, y] of [
    [a, b],
    [b, a],
  ] as const) {
    const set = hidden.get(x);
    if (set) set.add(y);
    else hidden.set(x, new Set([y]));
  }
}

/** Twin of `activeUserSql`: the account's `users.status` admits it (suspended and deleted are hidden). */
export function isActiveStatus(status: string | null | undefined): boolean {
  return status === "ACTIVE";
}

/**
 * Twin of `contentAuthorVisibleSql(author, viewer)`: the author is active, and a shadowbanned author's
 * content is shown to the author alone (viewer undefined: an anonymous reader).
 */
export function contentAuthorVisible(
  author: { id: string; status: string | null | undefined; shadowbanned: boolean },
  viewerId: string | undefined,
): boolean {
  return isActiveStatus(author.status) && (!author.shadowbanned || author.id === viewerId);
}
