import { type SQL, sql } from "drizzle-orm";
import {
  activeUserSql,
  blockedEitherWaySql,
  connectedSql,
  notBlocked,
  pairKey,
} from "../../core/access/members";
import { type CardRow, cardColumnsSql, toCard } from "../../core/cards";
import type { Deps } from "../../core/deps";
import { publishEvents } from "../../core/events";
import { DAY, isoAt } from "../../platform/clock";
import { changed, runBatch } from "../../platform/db/batch";
import { AppError } from "../../platform/errors";
import { newId } from "../../platform/ids";
import { decodeCursor, toPage } from "../../platform/pagination";
import { readNetworkList } from "./network";
import { addConnection, addUserFollow, removeConnection } from "./writes";

export const REQUEST_TTL_MS = 30 * DAY;

/**
 * A request is "open" while it is PENDING or IGNORED and not past expires_at. IGNORED is only visible to
 * the addressee: to the requester it still looks pending until it expires, so ignoring is silent and the
 * requester cannot ask again in the meantime. Expired rows are treated as gone everywhere, before the
 * maintenance task marks them EXPIRED.
 */
function openSql(alias: string, now: number): SQL {
  return sql`${sql.raw(alias)}.status IN ('PENDING', 'IGNORED') AND ${sql.raw(alias)}.expires_at > ${now}`;
}

interface RequestRow extends CardRow {
  requestId: string;
  note: string | null;
  createdAt: number;
  expiresAt: number;
}

function toRequest(
  row: RequestRow,
  direction: "INCOMING" | "OUTGOING",
  status: "PENDING" | "ACCEPTED" = "PENDING",
) {
  return {
    id: row.requestId,
    direction,
    user: toCard(row),
    note: row.note,
    status,
    createdAt: isoAt(row.createdAt),
    expiresAt: isoAt(row.expiresAt),
  };
}

const cardOf = (userId: string) =>
  sql`SELECT ${cardColumnsSql} FROM users u LEFT JOIN profiles p ON p.user_id = u.id WHERE u.id = ${userId}`;

/**
 * `me` asks `other` to connect. When `other` already asked `me`, this accepts their request instead
 * (A→B and B→A are one pair) and answers `accepted: true`.
 */
export async function sendRequest(
  deps: Deps,
  me: string,
  other: string,
  note: string | undefined,
  attempt = 0,
) {
  if (me === other) throw new AppError("CANNOT_TARGET_SELF");
  const { db, now } = deps;
  const pk = pairKey(me, other);
  const state = await db.get<{
    active: number;
    blocked: number;
    connected: number;
    theirRequestId: string | null;
    mineOpen: number;
  }>(sql`SELECT ${activeUserSql(other)} AS active, ${blockedEitherWaySql(me, other)} AS blocked,
      ${connectedSql(me, other)} AS connected,
      (SELECT id FROM connection_requests r WHERE pair_key = ${pk} AND requester_id = ${other} AND ${openSql("r", now)}
        ORDER BY id DESC LIMIT 1) AS theirRequestId,
      EXISTS (SELECT 1 FROM connection_requests r WHERE pair_key = ${pk} AND requester_id = ${me} AND ${openSql("r", now)}) AS mineOpen`);
  if (!state?.active || state.blocked) throw new AppError("NOT_FOUND");
  if (state.connected) throw new AppError("ALREADY_CONNECTED");
  if (state.theirRequestId) {
    try {
      return { accepted: true, ...(await acceptRequest(deps, me, state.theirRequestId)) };
    } catch (err) {
      // Their request was withdrawn a moment ago: ask as if it had never existed.
      if (!(err instanceof AppError && err.code === "NOT_FOUND") || attempt >= 2) throw err;
      return sendRequest(deps, me, other, note, attempt + 1);
    }
  }
  if (state.mineOpen) throw new AppError("REQUEST_PENDING");

  const id = newId(now);
  const expiresAt = now + REQUEST_TTL_MS;
  const [, inserted, card] = await runBatch(db, [
    // An expired PENDING row would still hold the pair's unique index: retire it first.
    db.run(sql`UPDATE connection_requests SET status = 'EXPIRED'
      WHERE pair_key = ${pk} AND status = 'PENDING' AND expires_at <= ${now}`),
    db.run(sql`INSERT INTO connection_requests (id, requester_id, addressee_id, pair_key, note, status, created_at, expires_at)
      SELECT ${id}, ${me}, ${other}, ${pk}, ${note ?? null}, 'PENDING', ${now}, ${expiresAt}
      WHERE ${activeUserSql(other)} AND NOT ${blockedEitherWaySql(me, other)} AND NOT ${connectedSql(me, other)}
        AND NOT EXISTS (SELECT 1 FROM connection_requests r WHERE r.pair_key = ${pk} AND ${openSql("r", now)})
      ON CONFLICT DO NOTHING`),
    db.get<CardRow>(cardOf(other)),
  ]);
  if (changed(inserted) === 0) {
    // Something changed between the read and the write (a block, a crossing request): decide again.
    if (attempt >= 2) throw new AppError("CONFLICT");
    return sendRequest(deps, me, other, note, attempt + 1);
  }
  deps.waitUntil(
    publishEvents(deps.env, [
      {
        key: `connection_request:${id}`,
        event: {
          type: "connection_request",
          actorId: me,
          recipientId: other,
          target: { type: "connection_request", id },
          at: now,
        },
      },
    ]),
  );
  const request = toRequest(
    { ...(card as CardRow), requestId: id, note: note ?? null, createdAt: now, expiresAt },
    "OUTGOING",
  );
  return { accepted: false, request, connection: null };
}

/**
 * The addressee accepts: both connection rows, both connection counts, the request's status and the
 * mutual follows (connecting makes each follow the other, as on LinkedIn) in one batch. Every statement
 * after the first is guarded on the connection id created by this batch, so a concurrent second accept
 * changes nothing.
 */
export async function acceptRequest(deps: Deps, me: string, requestId: string, attempt = 0) {
  const { db, now } = deps;
  const req = await db.get<
    | (RequestRow & {
        requesterId: string;
        status: string;
        open: number;
        active: number;
        blocked: number;
        connected: number;
      })
    | undefined
  >(sql`SELECT ${cardColumnsSql}, r.id AS requestId, r.requester_id AS requesterId, r.note AS note, r.status AS status,
      r.created_at AS createdAt, r.expires_at AS expiresAt, ${openSql("r", now)} AS open,
      ${activeUserSql(sql`r.requester_id`)} AS active, ${blockedEitherWaySql(me, sql`r.requester_id`)} AS blocked,
      ${connectedSql(me, sql`r.requester_id`)} AS connected
    FROM connection_requests r JOIN users u ON u.id = r.requester_id LEFT JOIN profiles p ON p.user_id = u.id
    WHERE r.id = ${requestId} AND r.addressee_id = ${me}`);
  if (!req?.active || req.blocked) throw new AppError("NOT_FOUND");
  if (req.connected) throw new AppError("ALREADY_CONNECTED");
  if (!req.open) throw new AppError("NOT_FOUND");

  const requester = req.requesterId;
  const connectionId = newId(now);
  const connectionMade = sql`EXISTS (SELECT 1 FROM connections WHERE user_id = ${requester} AND other_id = ${me} AND id = ${connectionId})`;
  const [inserted] = await runBatch(db, [
    ...addConnection(
      db,
      { id: connectionId, a: requester, b: me, now },
      sql`EXISTS (SELECT 1 FROM connection_requests r WHERE r.id = ${requestId} AND r.addressee_id = ${me} AND ${openSql("r", now)})
        AND ${activeUserSql(requester)} AND NOT ${blockedEitherWaySql(me, requester)}`,
    ),
    db.run(sql`UPDATE connection_requests SET status = 'ACCEPTED', responded_at = ${now}
      WHERE id = ${requestId} AND ${connectionMade}`),
    ...addUserFollow(db, { id: newId(now), followerId: me, targetId: requester, now }, connectionMade),
    ...addUserFollow(db, { id: newId(now), followerId: requester, targetId: me, now }, connectionMade),
  ]);
  if (changed(inserted) === 0) {
    if (attempt >= 2) throw new AppError("CONFLICT");
    return acceptRequest(deps, me, requestId, attempt + 1);
  }
  deps.waitUntil(
    publishEvents(deps.env, [
      {
        key: `connection_accepted:${requestId}`,
        event: {
          type: "connection_accepted",
          actorId: me,
          recipientId: requester,
          target: { type: "user", id: me },
          at: now,
        },
      },
    ]),
  );
  return {
    request: toRequest(req, "INCOMING", "ACCEPTED"),
    connection: { user: toCard(req), connectedAt: isoAt(now) },
  };
}

/** Idempotent for the addressee: ignoring an ignored request again is fine; anything else is 404. */
export async function ignoreRequest(deps: Deps, me: string, requestId: string): Promise<void> {
  const { db, now } = deps;
  const [, found] = await runBatch(db, [
    db.run(sql`UPDATE connection_requests SET status = 'IGNORED', responded_at = ${now}
      WHERE id = ${requestId} AND addressee_id = ${me} AND status = 'PENDING' AND expires_at > ${now}`),
    db.get(
      sql`SELECT status, expires_at AS expiresAt FROM connection_requests WHERE id = ${requestId} AND addressee_id = ${me}`,
    ),
  ]);
  const row = found as { status: string; expiresAt: number } | undefined;
  if (row?.status !== "IGNORED" || row.expiresAt <= now) throw new AppError("NOT_FOUND");
}

/** Idempotent for the requester: withdrawing a withdrawn request again is fine; anything else is 404. */
export async function withdrawRequest(deps: Deps, me: string, requestId: string): Promise<void> {
  const { db, now } = deps;
  const [, found] = await runBatch(db, [
    db.run(sql`UPDATE connection_requests SET status = 'WITHDRAWN', responded_at = ${now}
      WHERE id = ${requestId} AND requester_id = ${me} AND status IN ('PENDING', 'IGNORED') AND expires_at > ${now}`),
    db.get(sql`SELECT status FROM connection_requests WHERE id = ${requestId} AND requester_id = ${me}`),
  ]);
  if ((found as { status: string } | undefined)?.status !== "WITHDRAWN") throw new AppError("NOT_FOUND");
}

export async function listRequests(
  deps: Deps,
  me: string,
  direction: "incoming" | "outgoing",
  page: { cursor?: string | undefined; limit: number },
) {
  const { db, now } = deps;
  const after = decodeCursor(page.cursor, ["id"] as const);
  const incoming = direction === "incoming";
  const [mine, theirs] = incoming ? ["addressee_id", "requester_id"] : ["requester_id", "addressee_id"];
  const other = sql.raw(`r.${theirs}`);
  const rows = await db.all<RequestRow>(sql`
    SELECT ${cardColumnsSql}, r.id AS requestId, r.note AS note, r.created_at AS createdAt, r.expires_at AS expiresAt
    FROM connection_requests r
    JOIN users u ON u.id = ${other} AND u.status = 'ACTIVE'
    LEFT JOIN profiles p ON p.user_id = u.id
    WHERE ${sql.raw(`r.${mine}`)} = ${me}
      AND ${incoming ? sql`r.status = 'PENDING' AND r.expires_at > ${now}` : openSql("r", now)}
      ${after ? sql`AND r.id < ${String(after.id)}` : sql``}
      AND ${notBlocked(me, other)}
    ORDER BY r.id DESC
    LIMIT ${page.limit + 1}`);
  const { data, nextCursor } = toPage(rows, page.limit, (last) => ({ id: last.requestId }));
  return { data: data.map((r) => toRequest(r, incoming ? "INCOMING" : "OUTGOING")), nextCursor };
}

interface ConnectionRow extends CardRow {
  connectionId: string;
  createdAt: number;
}

export async function listConnections(
  deps: Deps,
  viewerId: string,
  ownerId: string,
  page: { cursor?: string | undefined; limit: number },
) {
  const { db } = deps;
  const after = decodeCursor(page.cursor, ["id"] as const);
  const list = db.all<ConnectionRow>(sql`
    SELECT ${cardColumnsSql}, c.id AS connectionId, c.created_at AS createdAt
    FROM connections c
    JOIN users u ON u.id = c.other_id AND u.status = 'ACTIVE'
    LEFT JOIN profiles p ON p.user_id = u.id
    WHERE c.user_id = ${ownerId}
      ${after ? sql`AND c.id < ${String(after.id)}` : sql``}
      AND ${notBlocked(viewerId, sql`c.other_id`)}
    ORDER BY c.id DESC
    LIMIT ${page.limit + 1}`);
  const rows = await readNetworkList<ConnectionRow>(db, viewerId, ownerId, list);
  const { data, nextCursor } = toPage(rows, page.limit, (last) => ({ id: last.connectionId }));
  return { data: data.map((r) => ({ user: toCard(r), connectedAt: isoAt(r.createdAt) })), nextCursor };
}

/** Idempotent: removing a connection that does not exist changes nothing. Follows are kept. */
export async function removeConnectionWith(deps: Deps, me: string, other: string): Promise<void> {
  if (me === other) throw new AppError("CANNOT_TARGET_SELF");
  await runBatch(deps.db, removeConnection(deps.db, me, other));
}
