import { type SQL, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import {
  activeUserSql,
  blockedEitherWaySql,
  connectedSql,
  notBlocked,
  pairKey,
} from "../../core/access/members";
import { type CardRow, cardColumnsSql, cardProfile, cardUser, toCard } from "../../core/cards";
import type { Deps } from "../../core/deps";
import { publishEvents } from "../../core/events";
import { connectionRequests, connections, profiles, users } from "../../db/schema";
import { DAY, isoAt } from "../../platform/clock";
import { changed, runBatch } from "../../platform/db/batch";
import { keyset } from "../../platform/db/keyset";
import { name } from "../../platform/db/statements";
import { AppError } from "../../platform/errors";
import { newId } from "../../platform/ids";
import { readNetworkList } from "./network";
import { addConnection, addUserFollow, removeConnection } from "./writes";

export const REQUEST_TTL_MS = 30 * DAY;

/**
 * A request is "open" while it is PENDING or IGNORED and not past expires_at. IGNORED is only visible to
 * the addressee: to the requester it still looks pending until it expires, so ignoring is silent and the
 * requester cannot ask again in the meantime. Expired rows are treated as gone everywhere, before the
 * maintenance task marks them EXPIRED.
 */
function openSql(r: typeof req, now: number): SQL {
  return sql`${r.status} IN ('PENDING', 'IGNORED') AND ${r.expiresAt} > ${now}`;
}

/** The request row of queries below (`FROM ${connectionRequests} ${req}`), and the members shown as cards. */
const req = alias(connectionRequests, "r");
const u = cardUser;
const p = cardProfile;

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
  sql`SELECT ${cardColumnsSql} FROM ${users} ${u} LEFT JOIN ${profiles} ${p} ON ${p.userId} = ${u.id} WHERE ${u.id} = ${userId}`;

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
      (SELECT ${req.id} FROM ${connectionRequests} ${req} WHERE ${req.pairKey} = ${pk} AND ${req.requesterId} = ${other}
        AND ${openSql(req, now)} ORDER BY ${req.id} DESC LIMIT 1) AS theirRequestId,
      EXISTS (SELECT 1 FROM ${connectionRequests} ${req} WHERE ${req.pairKey} = ${pk} AND ${req.requesterId} = ${me}
        AND ${openSql(req, now)}) AS mineOpen`);
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
    db.run(sql`UPDATE ${connectionRequests} SET ${name(connectionRequests.status)} = 'EXPIRED'
      WHERE ${connectionRequests.pairKey} = ${pk} AND ${connectionRequests.status} = 'PENDING'
        AND ${connectionRequests.expiresAt} <= ${now}`),
    db.run(sql`INSERT INTO ${connectionRequests} (${name(connectionRequests.id)}, ${name(connectionRequests.requesterId)},
        ${name(connectionRequests.addresseeId)}, ${name(connectionRequests.pairKey)}, ${name(connectionRequests.note)},
        ${name(connectionRequests.status)}, ${name(connectionRequests.createdAt)}, ${name(connectionRequests.expiresAt)})
      SELECT ${id}, ${me}, ${other}, ${pk}, ${note ?? null}, 'PENDING', ${now}, ${expiresAt}
      WHERE ${activeUserSql(other)} AND NOT ${blockedEitherWaySql(me, other)} AND NOT ${connectedSql(me, other)}
        AND NOT EXISTS (SELECT 1 FROM ${connectionRequests} ${req} WHERE ${req.pairKey} = ${pk} AND ${openSql(req, now)})
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
  const request = await db.get<
    | (RequestRow & {
        requesterId: string;
        status: string;
        open: number;
        active: number;
        blocked: number;
        connected: number;
      })
    | undefined
  >(sql`SELECT ${cardColumnsSql}, ${req.id} AS requestId, ${req.requesterId} AS requesterId, ${req.note} AS note,
      ${req.status} AS status, ${req.createdAt} AS createdAt, ${req.expiresAt} AS expiresAt, ${openSql(req, now)} AS open,
      ${activeUserSql(req.requesterId)} AS active, ${blockedEitherWaySql(me, req.requesterId)} AS blocked,
      ${connectedSql(me, req.requesterId)} AS connected
    FROM ${connectionRequests} ${req} JOIN ${users} ${u} ON ${u.id} = ${req.requesterId}
    LEFT JOIN ${profiles} ${p} ON ${p.userId} = ${u.id}
    WHERE ${req.id} = ${requestId} AND ${req.addresseeId} = ${me}`);
  if (!request?.active || request.blocked) throw new AppError("NOT_FOUND");
  if (request.connected) throw new AppError("ALREADY_CONNECTED");
  if (!request.open) throw new AppError("NOT_FOUND");

  const requester = request.requesterId;
  const connectionId = newId(now);
  const connectionMade = sql`EXISTS (SELECT 1 FROM ${connections} WHERE ${connections.userId} = ${requester}
    AND ${connections.otherId} = ${me} AND ${connections.id} = ${connectionId})`;
  const [inserted] = await runBatch(db, [
    ...addConnection(
      db,
      { id: connectionId, a: requester, b: me, now },
      sql`EXISTS (SELECT 1 FROM ${connectionRequests} ${req} WHERE ${req.id} = ${requestId} AND ${req.addresseeId} = ${me}
          AND ${openSql(req, now)})
        AND ${activeUserSql(requester)} AND NOT ${blockedEitherWaySql(me, requester)}`,
    ),
    db.run(sql`UPDATE ${connectionRequests} SET ${name(connectionRequests.status)} = 'ACCEPTED',
        ${name(connectionRequests.respondedAt)} = ${now}
      WHERE ${connectionRequests.id} = ${requestId} AND ${connectionMade}`),
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
    request: toRequest(request, "INCOMING", "ACCEPTED"),
    connection: { user: toCard(request), connectedAt: isoAt(now) },
  };
}

/** Idempotent for the addressee: ignoring an ignored request again is fine; anything else is 404. */
export async function ignoreRequest(deps: Deps, me: string, requestId: string): Promise<void> {
  const { db, now } = deps;
  const [, found] = await runBatch(db, [
    db.run(sql`UPDATE ${connectionRequests} SET ${name(connectionRequests.status)} = 'IGNORED',
        ${name(connectionRequests.respondedAt)} = ${now}
      WHERE ${connectionRequests.id} = ${requestId} AND ${connectionRequests.addresseeId} = ${me}
        AND ${connectionRequests.status} = 'PENDING' AND ${connectionRequests.expiresAt} > ${now}`),
    db.get(
      sql`SELECT ${connectionRequests.status} AS status, ${connectionRequests.expiresAt} AS expiresAt FROM ${connectionRequests}
        WHERE ${connectionRequests.id} = ${requestId} AND ${connectionRequests.addresseeId} = ${me}`,
    ),
  ]);
  const row = found as { status: string; expiresAt: number } | undefined;
  if (row?.status !== "IGNORED" || row.expiresAt <= now) throw new AppError("NOT_FOUND");
}

/** Idempotent for the requester: withdrawing a withdrawn request again is fine; anything else is 404. */
export async function withdrawRequest(deps: Deps, me: string, requestId: string): Promise<void> {
  const { db, now } = deps;
  const [, found] = await runBatch(db, [
    db.run(sql`UPDATE ${connectionRequests} SET ${name(connectionRequests.status)} = 'WITHDRAWN',
        ${name(connectionRequests.respondedAt)} = ${now}
      WHERE ${connectionRequests.id} = ${requestId} AND ${connectionRequests.requesterId} = ${me}
        AND ${connectionRequests.status} IN ('PENDING', 'IGNORED') AND ${connectionRequests.expiresAt} > ${now}`),
    db.get(sql`SELECT ${connectionRequests.status} AS status FROM ${connectionRequests}
      WHERE ${connectionRequests.id} = ${requestId} AND ${connectionRequests.requesterId} = ${me}`),
  ]);
  if ((found as { status: string } | undefined)?.status !== "WITHDRAWN") throw new AppError("NOT_FOUND");
}

/** Request lists page by the request's id (time-sortable), newest first. */
const requestsByNewest = keyset("desc", {
  id: { column: req.id, type: "string", of: (r: RequestRow) => r.requestId },
});

export async function listRequests(
  deps: Deps,
  me: string,
  direction: "incoming" | "outgoing",
  page: { cursor?: string | undefined; limit: number },
) {
  const { db, now } = deps;
  const incoming = direction === "incoming";
  const [mine, other] = incoming ? [req.addresseeId, req.requesterId] : [req.requesterId, req.addresseeId];
  const rows = await db.all<RequestRow>(sql`
    SELECT ${cardColumnsSql}, ${req.id} AS requestId, ${req.note} AS note, ${req.createdAt} AS createdAt,
      ${req.expiresAt} AS expiresAt
    FROM ${connectionRequests} ${req}
    JOIN ${users} ${u} ON ${u.id} = ${other} AND ${u.status} = 'ACTIVE'
    LEFT JOIN ${profiles} ${p} ON ${p.userId} = ${u.id}
    WHERE ${mine} = ${me}
      AND ${incoming ? sql`${req.status} = 'PENDING' AND ${req.expiresAt} > ${now}` : openSql(req, now)}
      AND ${requestsByNewest.after(page.cursor)}
      AND ${notBlocked(me, other)}
    ORDER BY ${requestsByNewest.orderBy}
    LIMIT ${page.limit + 1}`);
  const { data, nextCursor } = requestsByNewest.page(rows, page.limit);
  return { data: data.map((r) => toRequest(r, incoming ? "INCOMING" : "OUTGOING")), nextCursor };
}

interface ConnectionRow extends CardRow {
  connectionId: string;
  createdAt: number;
}

/** Connection lists page by the connection's id (time-sortable), newest first. */
const conn = alias(connections, "c");
const connectionsByNewest = keyset("desc", {
  id: { column: conn.id, type: "string", of: (r: ConnectionRow) => r.connectionId },
});

export async function listConnections(
  deps: Deps,
  viewerId: string,
  ownerId: string,
  page: { cursor?: string | undefined; limit: number },
) {
  const { db } = deps;
  const list = db.all<ConnectionRow>(sql`
    SELECT ${cardColumnsSql}, ${conn.id} AS connectionId, ${conn.createdAt} AS createdAt
    FROM ${connections} ${conn}
    JOIN ${users} ${u} ON ${u.id} = ${conn.otherId} AND ${u.status} = 'ACTIVE'
    LEFT JOIN ${profiles} ${p} ON ${p.userId} = ${u.id}
    WHERE ${conn.userId} = ${ownerId}
      AND ${connectionsByNewest.after(page.cursor)}
      AND ${notBlocked(viewerId, conn.otherId)}
    ORDER BY ${connectionsByNewest.orderBy}
    LIMIT ${page.limit + 1}`);
  const rows = await readNetworkList<ConnectionRow>(db, viewerId, ownerId, list);
  const { data, nextCursor } = connectionsByNewest.page(rows, page.limit);
  return { data: data.map((r) => ({ user: toCard(r), connectedAt: isoAt(r.createdAt) })), nextCursor };
}

/** Idempotent: removing a connection that does not exist changes nothing. Follows are kept. */
export async function removeConnectionWith(deps: Deps, me: string, other: string): Promise<void> {
  if (me === other) throw new AppError("CANNOT_TARGET_SELF");
  await runBatch(deps.db, removeConnection(deps.db, me, other));
}
