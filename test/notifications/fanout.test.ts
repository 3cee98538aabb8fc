import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { publishSystemNotice } from "../../src/modules/notifications/system";
import { block, connect, follow } from "../support/graph";
import { get, post } from "../support/http";
import {
  event,
  listNotifications,
  runNotify,
  storedNotification,
  unreadCount,
  waitForNotifications,
} from "../support/notifications";
import { createPost } from "../support/posts";
import { drainQueues } from "../support/queues";
import { createUser, createUsers } from "../support/users";
import { TestSocket } from "../support/ws";

describe("notification fan-out", () => {
  it("a follow reaches the followee's list, unread count and open socket", async () => {
    const [sara, omar] = await createUsers(2);
    const socket = await TestSocket.open(omar!.token);
    try {
      await follow(sara!, omar!);
      const live = await socket.next("notification", undefined, 10_000);
      expect(live.notification).toMatchObject({ type: "follow", read: false, actorCount: 1 });
      expect(live.unreadCount).toBe(1);
      const [n] = await waitForNotifications(omar!, (l) => l.length === 1);
      expect(n).toMatchObject({ type: "follow", actorCount: 1, eventCount: 1, read: false });
      expect(n!.actors[0]).toMatchObject({
        id: sara!.id,
        username: sara!.username,
        displayName: sara!.displayName,
      });
      expect(n!.text).toBe(`${sara!.displayName} started following you`);
      expect(n!.link).toBe(`/u/${sara!.username}`);
      expect(live.notification.id).toBe(n!.id);
      expect(await unreadCount(omar!)).toBe(1);
      // The actor is not told about their own action.
      expect(await listNotifications(sara!)).toHaveLength(0);
    } finally {
      socket.ws.close();
    }
  });

  it("renders in the reader's language", async () => {
    const [sara, omar] = await createUsers(2);
    await follow(sara!, omar!);
    await waitForNotifications(omar!, (l) => l.length === 1);
    const res = await get("/api/v1/notifications", {
      token: omar!.token,
      lang: "ar",
    });
    expect(res.body.data[0].text).toBe(`متابع جديد: ${sara!.displayName}`);
  });

  it("a redelivered event has no second effect", async () => {
    const [sara, omar] = await createUsers(2);
    const p = await createPost(omar!);
    const message = event({
      type: "reaction",
      actorId: sara!.id,
      recipientId: omar!.id,
      target: { type: "post", id: p.id },
    });
    await runNotify([message]);
    await runNotify([message], 2);
    await runNotify([message, message], 3);
    const list = await listNotifications(omar!);
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ eventCount: 1, actorCount: 1 });
    expect(await unreadCount(omar!)).toBe(1);
  });

  it("never notifies the actor about themselves", async () => {
    const sara = await createUser();
    const p = await createPost(sara);
    await runNotify([
      event({ type: "reaction", actorId: sara.id, recipientId: sara.id, target: { type: "post", id: p.id } }),
    ]);
    expect(await listNotifications(sara)).toHaveLength(0);
  });

  it("never notifies across a block, and hides older notifications once blocked", async () => {
    const [sara, omar, lina] = await createUsers(3);
    const p = await createPost(omar!);
    await runNotify([
      event({
        type: "reaction",
        actorId: sara!.id,
        recipientId: omar!.id,
        target: { type: "post", id: p.id },
      }),
      event({ type: "follow", actorId: lina!.id, recipientId: omar!.id }),
    ]);
    expect(await listNotifications(omar!)).toHaveLength(2);
    await block(omar!, sara!);
    // Sara's existing notification disappears, Lina's stays.
    const after = await listNotifications(omar!);
    expect(after.map((n) => n.type)).toEqual(["follow"]);
    expect(await unreadCount(omar!)).toBe(1);
    // And nothing new arrives from Sara (nor from Omar to Sara, the block works both ways).
    const q = await createPost(sara!);
    await runNotify([
      event({
        type: "mention",
        actorId: sara!.id,
        recipientId: omar!.id,
        target: { type: "post", id: q.id },
      }),
      event({ type: "follow", actorId: omar!.id, recipientId: sara!.id }),
    ]);
    expect((await listNotifications(omar!)).map((n) => n.type)).toEqual(["follow"]);
    expect(await listNotifications(sara!)).toHaveLength(0);
    const rows = await env.DB.prepare(
      "SELECT COUNT(*) AS n FROM notifications WHERE user_id = ? AND type = 'mention'",
    )
      .bind(omar!.id)
      .first<{ n: number }>();
    expect(rows!.n).toBe(0);
  });

  it("in an aggregated notification a blocked actor is neither shown nor counted", async () => {
    const [owner, a, b, c] = await createUsers(4);
    const p = await createPost(owner!);
    for (const actor of [a!, b!, c!]) {
      await runNotify([
        event({
          type: "reaction",
          actorId: actor.id,
          recipientId: owner!.id,
          target: { type: "post", id: p.id },
        }),
      ]);
    }
    expect((await listNotifications(owner!))[0]!.actorCount).toBe(3);
    await block(c!, owner!);
    const [n] = await listNotifications(owner!);
    expect(n!.actorCount).toBe(2);
    expect(n!.actors.map((x) => x.id)).not.toContain(c!.id);
  });

  it("nothing from or to suspended or deleted members", async () => {
    const [active, suspended, deleted] = await createUsers(3);
    await env.DB.prepare("UPDATE users SET status = 'SUSPENDED' WHERE id = ?").bind(suspended!.id).run();
    await env.DB.prepare("UPDATE users SET status = 'DELETED', deleted_at = ? WHERE id = ?")
      .bind(Date.now(), deleted!.id)
      .run();
    await runNotify([
      event({ type: "follow", actorId: suspended!.id, recipientId: active!.id }),
      event({ type: "follow", actorId: deleted!.id, recipientId: active!.id }),
      event({ type: "follow", actorId: active!.id, recipientId: suspended!.id }),
    ]);
    expect(await listNotifications(active!)).toHaveLength(0);
    const rows = await env.DB.prepare("SELECT COUNT(*) AS n FROM notifications WHERE user_id IN (?, ?)")
      .bind(active!.id, suspended!.id)
      .first<{ n: number }>();
    expect(rows!.n).toBe(0);
  });

  it("a member suspended later disappears from notifications they caused", async () => {
    const [omar, sara] = await createUsers(2);
    await runNotify([event({ type: "follow", actorId: sara!.id, recipientId: omar!.id })]);
    expect(await listNotifications(omar!)).toHaveLength(1);
    await env.DB.prepare("UPDATE users SET status = 'SUSPENDED' WHERE id = ?").bind(sara!.id).run();
    expect(await listNotifications(omar!)).toHaveLength(0);
    expect(await unreadCount(omar!)).toBe(0);
  });

  it("respects conversation mutes for messages, but not for mentions", async () => {
    const [sara, omar] = await createUsers(2);
    const convo = await post("/api/v1/conversations", { memberIds: [omar!.id] }, { token: sara!.token });
    expect([200, 201]).toContain(convo.status);
    const conversationId = convo.body.id ?? convo.body.conversation?.id;
    await env.DB.prepare(
      "UPDATE conversation_members SET muted_until = ? WHERE conversation_id = ? AND user_id = ?",
    )
      .bind(Date.now() + 3_600_000, conversationId, omar!.id)
      .run();
    const target = { type: "conversation", id: conversationId };
    await runNotify([
      event({
        type: "message",
        actorId: sara!.id,
        recipientId: omar!.id,
        target,
        data: { seq: 1, preview: "hi" },
      }),
      event({ type: "mention", actorId: sara!.id, recipientId: omar!.id, target, data: { seq: 2 } }),
    ]);
    expect((await listNotifications(omar!)).map((n) => n.type)).toEqual(["mention"]);
    // Once the mute is over, messages notify again (aggregated per conversation).
    await env.DB.prepare(
      "UPDATE conversation_members SET muted_until = NULL WHERE conversation_id = ? AND user_id = ?",
    )
      .bind(conversationId, omar!.id)
      .run();
    await runNotify([
      event({
        type: "message",
        actorId: sara!.id,
        recipientId: omar!.id,
        target,
        data: { seq: 3, preview: "a" },
      }),
      event({
        type: "message",
        actorId: sara!.id,
        recipientId: omar!.id,
        target,
        data: { seq: 4, preview: "b" },
      }),
    ]);
    const message = (await listNotifications(omar!)).find((n) => n.type === "message");
    expect(message).toMatchObject({ eventCount: 2, actorCount: 1, link: `/messages/${conversationId}` });
    expect(message!.text).toBe(`${sara!.displayName}: 2 new messages`);
  });

  it("a message is not notified when the member came online after it was sent", async () => {
    const [sara, omar] = await createUsers(2);
    const sentAt = Date.now() - 5_000;
    await env.DB.prepare(
      "INSERT INTO presence (user_id, status, last_seen_at, updated_at) VALUES (?1, 'online', ?2, ?2) ON CONFLICT (user_id) DO UPDATE SET status = 'online', updated_at = ?2",
    )
      .bind(omar!.id, Date.now())
      .run();
    await runNotify([
      event({
        type: "message",
        actorId: sara!.id,
        recipientId: omar!.id,
        target: { type: "conversation", id: "c1" },
        at: sentAt,
      }),
    ]);
    expect(await listNotifications(omar!)).toHaveLength(0);
  });

  it("producers' events become notifications: connection request, acceptance, comment, reply, repost, mention, endorsement, profile view", async () => {
    const [sara, omar] = await createUsers(2);
    await connect(sara!, omar!);
    const requests = await waitForNotifications(omar!, (l) => l.some((n) => n.type === "connection_request"));
    expect(requests.find((n) => n.type === "connection_request")!.text).toBe(
      `${sara!.displayName} wants to connect with you`,
    );
    await waitForNotifications(sara!, (l) => l.some((n) => n.type === "connection_accepted"));

    const p = await createPost(omar!);
    const c = await post(
      `/api/v1/posts/${p.id}/comments`,
      { content: `hello @${omar!.username}` },
      { token: sara!.token },
    );
    expect(c.status).toBe(201);
    const list = await waitForNotifications(omar!, (l) => l.some((n) => n.type === "comment"));
    const commentNotice = list.find((n) => n.type === "comment")!;
    expect(commentNotice).toMatchObject({ target: { type: "post", id: p.id }, link: `/posts/${p.id}` });
    expect(commentNotice.text).toBe(`${sara!.displayName} commented on your post`);

    const reply = await post(
      `/api/v1/posts/${p.id}/comments`,
      { content: "reply", parentId: c.body.id },
      { token: omar!.token },
    );
    expect(reply.status).toBe(201);
    const sList = await waitForNotifications(sara!, (l) => l.some((n) => n.type === "reply"));
    expect(sList.find((n) => n.type === "reply")).toMatchObject({
      target: { type: "comment", id: c.body.id },
      data: expect.objectContaining({ sourceId: reply.body.id }),
    });

    const view = await get(`/api/v1/profiles/${omar!.username}`, {
      token: sara!.token,
    });
    expect(view.status).toBe(200);
    const views = await waitForNotifications(omar!, (l) => l.some((n) => n.type === "profile_view"));
    expect(views.find((n) => n.type === "profile_view")!.text).toBe(
      `${sara!.displayName} viewed your profile`,
    );
  });

  it("an event for an unknown recipient writes nothing but is acknowledged", async () => {
    const sara = await createUser();
    const result = await runNotify([
      event({ type: "follow", actorId: sara.id, recipientId: "01NOSUCHUSER0000000000000" }),
    ]);
    expect(result.explicitAcks).toHaveLength(1);
    expect(result.retryMessages).toHaveLength(0);
    const stored = await storedNotification("01NOSUCHUSER0000000000000");
    expect(stored).toBeNull();
  });
});

describe("system notices", () => {
  it("reach the member in their language, once per key, with no actor", async () => {
    const user = await createUser();
    const notice = {
      textAr: "تم تسجيل الدخول من جهاز جديد",
      textEn: "New sign-in from a new device",
      link: "/settings/security",
    };
    await publishSystemNotice(env, "signin-1", [user.id, user.id], notice, Date.now());
    await publishSystemNotice(env, "signin-1", [user.id], notice, Date.now());
    const [n] = await waitForNotifications(user, (l) => l.length === 1);
    expect(n).toMatchObject({
      type: "system",
      actors: [],
      actorCount: 0,
      text: notice.textEn,
      link: notice.link,
    });
    const ar = await get("/api/v1/notifications", { token: user.token, lang: "ar" });
    expect(ar.body.data[0].text).toBe(notice.textAr);
    // Whatever the three publications queued has been handled: still one notification.
    await drainQueues();
    expect(await listNotifications(user)).toHaveLength(1);
  });
});
