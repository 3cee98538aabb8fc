import { env } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import { NOTICE_FLUSH_MS } from "../../src/modules/conversations/chat-room-notices";
import { clientId } from "../support/conversations";
import { get, patch, post } from "../support/http";
import { createUser, registerUser, type TestUser } from "../support/users";
import { eventually, TestSocket } from "../support/ws";

/**
 * A busy group must not flood the notify queue: 1,000 messages into a 256-member group where only the 25
 * senders are online. Every away member ends with ONE unread notice whose count is what they missed, the
 * queue carries at most one notice per away member per flush (and flushes happen at most every
 * NOTICE_FLUSH_MS), mentions still arrive one by one, a muted member hears nothing, a member who reads
 * midway has that notice settled and a new one counting only what came after, and the server keeps
 * answering sockets and HTTP during the flood.
 */
const MEMBERS = 256;
const SENDERS = 25;
const PER_SENDER = 40; // under the 50 messages a minute a member may send
const MESSAGES = SENDERS * PER_SENDER;
const MENTIONS = 5;

type Member = { id: string; username: string };

async function inChunks<T>(n: number, make: () => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < n; i += 32) {
    out.push(...(await Promise.all(Array.from({ length: Math.min(32, n - i) }, make))));
  }
  return out;
}

/** Set-up, not behaviour under test: the admin is connected to everyone, so all join at once. */
async function connectAll(admin: Member, others: Member[]): Promise<void> {
  const now = Date.now();
  const rows = others.flatMap((u, i) => {
    const id = `conn-${now.toString(36)}-${i}`;
    return [
      env.DB.prepare("INSERT INTO connections (id, user_id, other_id, created_at) VALUES (?, ?, ?, ?)").bind(
        id,
        admin.id,
        u.id,
        now,
      ),
      env.DB.prepare("INSERT INTO connections (id, user_id, other_id, created_at) VALUES (?, ?, ?, ?)").bind(
        id,
        u.id,
        admin.id,
        now,
      ),
    ];
  });
  await env.DB.batch(rows);
}

interface QueueOps {
  /** Producer calls (send or sendBatch) that carried message notices, and the notices they carried. */
  calls: number;
  notices: number;
}

const isMessageNotice = (body: unknown) =>
  (body as { body?: { type?: unknown } } | null)?.body?.type === "message";

/** Counts the queue producer calls of this isolate (the rooms run here too) that carry message notices. */
function countQueueOps(): QueueOps {
  const ops: QueueOps = { calls: 0, notices: 0 };
  const proto = Object.getPrototypeOf(env.NOTIFY_QUEUE) as Queue<unknown>;
  const send = proto.send;
  const sendBatch = proto.sendBatch;
  vi.spyOn(proto, "send").mockImplementation(function (this: Queue<unknown>, ...args) {
    if (isMessageNotice(args[0])) {
      ops.calls++;
      ops.notices++;
    }
    return send.apply(this, args);
  });
  vi.spyOn(proto, "sendBatch").mockImplementation(function (this: Queue<unknown>, ...args) {
    const n = [...args[0]].filter((m) => isMessageNotice(m.body)).length;
    if (n > 0) {
      ops.calls++;
      ops.notices += n;
    }
    return sendBatch.apply(this, args);
  });
  return ops;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("offline notices of a busy group", () => {
  it("coalesce into one notice per away member, bounded queue traffic, while the server keeps answering", async () => {
    const t0 = Date.now();
    // Signed in: the senders and the members the test acts as; the other away members only registered
    // (they never call the API, and without a verified email they owe no email deliveries).
    const signedIn = await inChunks(SENDERS + 5, () => createUser());
    const [admin, muted, reader, watcher, outsider] = signedIn.splice(0, 5) as TestUser[];
    const senders = signedIn;
    const quiet: Member[] = await inChunks(MEMBERS - SENDERS - 4, () => registerUser());
    const setupMs = Date.now() - t0;
    const mentioned = quiet[0]!;
    const rest: Member[] = [...senders, muted!, reader!, watcher!, ...quiet];
    await connectAll(admin!, rest);
    const created = await post(
      "/api/v1/conversations",
      { memberIds: rest.map((u) => u.id), name: "الحي" },
      { token: admin!.token },
    );
    expect(created.status).toBe(201);
    expect(created.body.invited).toEqual([]);
    const id = created.body.conversation.id as string;

    const away: Member[] = [admin!, muted!, reader!, watcher!, ...quiet];
    expect(
      (await patch(`/api/v1/conversations/${id}/settings`, { muted: true }, { token: muted!.token })).status,
    ).toBe(200);
    const sockets = await Promise.all(senders.map((s) => TestSocket.open(s.token)));

    const ops = countQueueOps();
    const started = Date.now();
    let sent = 0;
    const midway = { readSeq: -1, socket: false, http: 0 };
    // Each sender sends PER_SENDER messages over its socket, one after another; all senders at once.
    await Promise.all(
      sockets.map(async (socket, s) => {
        for (let i = 0; i < PER_SENDER; i++) {
          const mention = s === 0 && i < MENTIONS ? ` @${mentioned.username}` : "";
          const ack = await socket.request(
            { type: "send", conversationId: id, clientId: clientId(), text: `رسالة ${s}/${i}${mention}` },
            30_000,
          );
          expect(ack.type).toBe("ack");
          sent++;
          if (s === 1 && i === PER_SENDER / 2) {
            // Midway: a member reads everything so far, and the server still takes a new socket and a read.
            const read = await post(
              `/api/v1/conversations/${id}/read`,
              { seq: 1_000_000 },
              { token: reader!.token },
            );
            expect(read.status).toBe(200);
            midway.readSeq = read.body.readSeq;
            const ws = await TestSocket.open(outsider!.token);
            midway.socket = ws.ready.type === "ready";
            ws.close();
            midway.http = (await get("/api/v1/conversations", { token: senders[2]!.token })).status;
          }
        }
      }),
    );
    expect(sent).toBe(MESSAGES);
    const sendsMs = Date.now() - started;
    expect(midway).toMatchObject({ socket: true, http: 200 });
    const readAt = midway.readSeq;
    expect(readAt).toBeGreaterThan(0);
    const lastSeq = MESSAGES; // the log holds only these messages

    const plain = away.filter((u) => u !== muted && u !== mentioned && u !== reader);
    expect(plain).toContain(watcher);
    type Row = { user_id: string; event_count: number; read_at: number | null; id: string };
    const unreadRows = async () =>
      (
        await env.DB.prepare(
          "SELECT id, user_id, event_count, read_at FROM notifications WHERE type = 'message' AND target_id = ?",
        )
          .bind(id)
          .all<Row>()
      ).results;
    const unreadOf = (userId: string) =>
      env.DB.prepare(
        "SELECT COALESCE(SUM(event_count), 0) AS count FROM notifications WHERE type = 'message' AND user_id = ? AND target_id = ? AND read_at IS NULL",
      )
        .bind(userId, id)
        .first<{ count: number }>()
        .then((r) => r ?? { count: 0 });
    // Every notice the rooms sent has been consumed (a receipt each; some change nothing, e.g. the reader's).
    const noticeReceipts = async () =>
      (
        await env.DB.prepare("SELECT key FROM queue_receipts WHERE key LIKE ?")
          .bind(`majlis-notify:message:${id}:%`)
          .all<{ key: string }>()
      ).results.map((r) => r.key);
    await eventually(async () => {
      if (ops.notices === 0) return false;
      const [done, { count }] = [await noticeReceipts(), await unreadOf(mentioned.id)];
      // The last flush follows the last message: it is sent once the mentioned member's count is complete.
      return count === MESSAGES - MENTIONS && done.length === ops.notices;
    }, 120_000).catch(async (err) => {
      const counts = new Map<number, number>();
      for (const r of await unreadRows()) counts.set(r.event_count, (counts.get(r.event_count) ?? 0) + 1);
      const done = (await noticeReceipts()).length;
      throw new Error(`${err}; ${JSON.stringify({ ops, done, counts: [...counts] })}`);
    });
    const floodEnded = Date.now();
    const elapsed = Date.now() - started;
    for (const s of sockets) s.close();

    const receipts = await noticeReceipts();
    const flushes = new Set(receipts.map((k) => k.split(":")[3])).size;
    console.log(
      JSON.stringify({
        messages: MESSAGES,
        away: away.length,
        setupMs,
        sendsMs,
        countedMs: floodEnded - started,
        elapsedMs: elapsed,
        flushes,
        noticeQueueMessages: receipts.length,
        queueCalls: ops,
      }),
    );
    const rows = await unreadRows();
    const byUser = new Map<string, Row[]>();
    for (const r of rows) byUser.set(r.user_id, [...(byUser.get(r.user_id) ?? []), r]);
    // One notice per away member, counting what they missed; nothing for the senders or the muted member.
    for (const u of plain)
      expect(byUser.get(u.id)?.map((r) => [r.event_count, r.read_at])).toEqual([[MESSAGES, null]]);
    for (const s of senders) expect(byUser.get(s.id)).toBeUndefined();
    expect(byUser.get(muted!.id)).toBeUndefined();
    // Mentions: one notice each, and the coalesced notice counts the other messages.
    expect(byUser.get(mentioned.id)?.map((r) => [r.event_count, r.read_at])).toEqual([
      [MESSAGES - MENTIONS, null],
    ]);
    const mentionRows = await env.DB.prepare(
      "SELECT COUNT(*) AS n FROM notifications WHERE type = 'mention' AND user_id = ? AND target_id = ?",
    )
      .bind(mentioned.id, id)
      .first<{ n: number }>();
    expect(mentionRows!.n).toBe(MENTIONS);
    // The reader: whatever was noticed before the read is settled (read); one open notice for the rest.
    const readerRows = byUser.get(reader!.id) ?? [];
    expect(readerRows.filter((r) => r.read_at === null).map((r) => r.event_count)).toEqual([
      lastSeq - readAt,
    ]);
    expect(readerRows.filter((r) => r.read_at !== null).length).toBeLessThanOrEqual(1);

    // What the member sees: "<latest sender> and 24 others: 1000 new messages".
    const listed = await get("/api/v1/notifications", { token: watcher!.token });
    const notice = listed.body.data.find((n: { type: string }) => n.type === "message");
    expect(notice).toMatchObject({ eventCount: MESSAGES, actorCount: SENDERS, link: `/messages/${id}` });
    expect(notice.text).toMatch(new RegExp(`and ${SENDERS - 1} others: ${MESSAGES} new messages$`));

    // Queue traffic: notices went out in flushes (at most one per NOTICE_FLUSH_MS), each at most one
    // message per away member, in sendBatch calls of up to 100.
    expect(flushes).toBeLessThanOrEqual(Math.floor(elapsed / NOTICE_FLUSH_MS) + 1);
    expect(receipts.length).toBeLessThanOrEqual(away.length * flushes);
    expect(ops.notices).toBe(receipts.length);
    expect(ops.calls).toBeLessThanOrEqual(Math.ceil(away.length / 100) * flushes);
  }, 290_000);
});
