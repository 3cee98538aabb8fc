import { env } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import { domainEventSchema } from "../../src/core/events";
import { enqueueBatch } from "../../src/platform/queue";
import { groupConversation, sendHttp } from "../support/conversations";
import { connect } from "../support/graph";
import { get, post } from "../support/http";
import { event, listNotifications, runNotify, unreadCount } from "../support/notifications";
import { createUsers } from "../support/users";
import { eventually, TestSocket } from "../support/ws";

/**
 * The coalesced "new messages" notice: one per away member and conversation while unread, counting every
 * message it stands for; reading the conversation settles it and the next message starts a new one; the
 * consumer applies each coalesced event once, whatever the order or the number of deliveries.
 */
afterEach(() => {
  vi.restoreAllMocks();
});

type Row = { id: string; event_count: number; read_at: number | null; agg_key: string | null };
const messageRows = (userId: string, conversationId: string) =>
  env.DB.prepare(
    "SELECT id, event_count, read_at, agg_key FROM notifications WHERE type = 'message' AND user_id = ? AND target_id = ? ORDER BY created_at",
  )
    .bind(userId, conversationId)
    .all<Row>()
    .then((r) => r.results);

describe("message notices", () => {
  it("an away member gets one notice counting the messages; reading settles it; the next message starts a new one", async () => {
    const [sara, omar, lina] = await createUsers(3);
    await connect(sara!, omar!);
    await connect(sara!, lina!);
    const id = await groupConversation(sara!, [omar!, lina!]);
    // Omar is online, Lina is away.
    const omarSocket = await TestSocket.open(omar!.token);
    try {
      for (const text of ["one", "two", "three"]) await sendHttp(sara!, id, text);
      await sendHttp(omar!, id, "four");
      const [row] = await eventually(async () => {
        const rows = await messageRows(lina!.id, id);
        return rows[0]?.event_count === 4 ? rows : null;
      }, 20_000);
      expect(await messageRows(omar!.id, id)).toEqual([]);
      const [listed] = await listNotifications(lina!);
      expect(listed).toMatchObject({ id: row!.id, type: "message", eventCount: 4, actorCount: 2 });
      expect(listed!.text).toBe(`${omar!.displayName} and ${sara!.displayName}: 4 new messages`);
      expect(listed!.data).toMatchObject({ preview: "four" });
      const ar = await get("/api/v1/notifications", { token: lina!.token, lang: "ar" });
      expect(ar.body.data[0].text).toBe(`${omar!.displayName} و${sara!.displayName}: 4 رسائل جديدة`);

      // Lina reads the conversation (on another device): the notice is marked read, the badge drops.
      const unread = await unreadCount(lina!);
      const linaSocket = await TestSocket.open(lina!.token);
      try {
        const read = await post(`/api/v1/conversations/${id}/read`, { seq: 4 }, { token: lina!.token });
        expect(read.status).toBe(200);
        const settled = await linaSocket.next("notification.read", undefined, 10_000);
        expect(settled).toMatchObject({ ids: [row!.id], unreadCount: unread - 1 });
      } finally {
        linaSocket.close();
      }
      expect(await messageRows(lina!.id, id)).toMatchObject([{ id: row!.id, agg_key: null }]);
      expect((await messageRows(lina!.id, id))[0]!.read_at).not.toBeNull();
      expect(await unreadCount(lina!)).toBe(unread - 1);

      // The next message starts a new notice.
      await sendHttp(sara!, id, "five");
      const rows = await eventually(async () => {
        const all = await messageRows(lina!.id, id);
        return all.length === 2 ? all : null;
      }, 20_000);
      expect(rows.map((r) => [r.event_count, r.read_at === null])).toEqual([
        [4, false],
        [1, true],
      ]);
      const [fresh] = await listNotifications(lina!);
      expect(fresh!.text).toBe(`${sara!.displayName}: 1 new message`);
    } finally {
      omarSocket.close();
    }
  });

  it("a coalesced event counts once however often it is delivered, in any order; the latest message's data wins", async () => {
    const [sara, omar, lina] = await createUsers(3);
    const target = { type: "conversation", id: `c-${lina!.id}` };
    const later = event(
      {
        type: "message",
        actorId: omar!.id,
        recipientId: lina!.id,
        target,
        data: { seq: 9, preview: "nine" },
        count: 5,
        actors: [
          { id: sara!.id, at: 1_000 },
          { id: omar!.id, at: 2_000 },
        ],
      },
      `message:${target.id}:${lina!.id}:9`,
    );
    const earlier = event(
      {
        type: "message",
        actorId: sara!.id,
        recipientId: lina!.id,
        target,
        data: { seq: 4, preview: "four" },
        count: 4,
        actors: [{ id: sara!.id, at: 500 }],
      },
      `message:${target.id}:${lina!.id}:4`,
    );
    await runNotify([later, later]);
    await runNotify([earlier, later, earlier]);
    const [n, ...others] = await listNotifications(lina!);
    expect(others).toEqual([]);
    expect(n).toMatchObject({ eventCount: 9, actorCount: 2, data: { seq: 9, preview: "nine" } });
    expect(n!.actors.map((a) => a.id)).toEqual([omar!.id, sara!.id]);
  });

  it("a notice already read when it arrives is not created; settling twice changes nothing", async () => {
    const [sara, lina] = await createUsers(2);
    await connect(sara!, lina!);
    const id = await groupConversation(sara!, [lina!]);
    await sendHttp(sara!, id, "hello");
    await eventually(async () => (await messageRows(lina!.id, id)).length === 1, 20_000);
    await post(`/api/v1/conversations/${id}/read`, { seq: 1 }, { token: lina!.token });
    await eventually(async () => (await messageRows(lina!.id, id))[0]?.read_at !== null, 20_000);
    const settle = {
      key: `test-settle-${lina!.id}`,
      body: {
        type: "notices.read",
        recipientId: lina!.id,
        noticeType: "message",
        target: { type: "conversation", id },
        upToSeq: 1,
        at: Date.now(),
      },
    };
    const before = await messageRows(lina!.id, id);
    const unread = await unreadCount(lina!);
    await runNotify([settle, settle]);
    expect(await messageRows(lina!.id, id)).toEqual(before);
    // A late notice about what Lina has read (a replayed flush) creates nothing.
    await runNotify([
      event(
        {
          type: "message",
          actorId: sara!.id,
          recipientId: lina!.id,
          target: { type: "conversation", id },
          data: { seq: 1, preview: "hello" },
        },
        `late:${lina!.id}`,
      ),
    ]);
    expect(await messageRows(lina!.id, id)).toEqual(before);
    expect(await unreadCount(lina!)).toBe(unread);
  });
});

describe("enqueueBatch", () => {
  it("sends up to 100 messages per sendBatch call and validates every body before sending any", async () => {
    const proto = Object.getPrototypeOf(env.NOTIFY_QUEUE) as Queue<unknown>;
    const sizes: number[] = [];
    const original = proto.sendBatch;
    vi.spyOn(proto, "sendBatch").mockImplementation(function (this: Queue<unknown>, ...args) {
      sizes.push([...args[0]].length);
      return original.apply(this, args);
    });
    const [sara, omar] = await createUsers(2);
    const items = Array.from({ length: 250 }, (_, i) => ({
      key: `batch-${sara!.id}-${i}`,
      body: { type: "profile_view", actorId: sara!.id, recipientId: omar!.id, at: Date.now() },
    }));
    expect(await enqueueBatch(env.NOTIFY_QUEUE, domainEventSchema, items)).toBe(3);
    expect(sizes).toEqual([100, 100, 50]);
    sizes.length = 0;
    const bad = [...items.slice(0, 150), { key: "bad", body: { type: "no-such-type" } as never }];
    await expect(enqueueBatch(env.NOTIFY_QUEUE, domainEventSchema, bad)).rejects.toThrow();
    expect(sizes).toEqual([]);
  });
});
