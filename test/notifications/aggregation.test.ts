import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { advanceClockForTests, HOUR } from "../../src/platform/clock";
import { get, post } from "../support/http";
import {
  event,
  listNotifications,
  runNotify,
  signInAgain,
  unreadCount,
  waitForNotifications,
} from "../support/notifications";
import { comment, createPost } from "../support/posts";
import { createUser, createUsers } from "../support/users";

const reactionTo = (postId: string, actorId: string, recipientId: string) =>
  event({
    type: "reaction",
    actorId,
    recipientId,
    target: { type: "post", id: postId },
    data: { reaction: "LIKE" },
  });

describe("aggregation", () => {
  it("15 members reacting at once through the API make one notification: 'X and 14 others'", async () => {
    const owner = await createUser();
    const fans = await createUsers(15);
    const p = await createPost(owner);
    const answers = await Promise.all(
      fans.map((f) => post(`/api/v1/posts/${p.id}/react`, { type: "LIKE" }, { token: f.token })),
    );
    for (const a of answers) expect([200, 201]).toContain(a.status);
    const [n] = await waitForNotifications(owner, (l) => l.length === 1 && l[0]!.actorCount === 15, 20_000);
    expect(n).toMatchObject({
      type: "reaction",
      actorCount: 15,
      eventCount: 15,
      target: { type: "post", id: p.id },
    });
    expect(n!.actors).toHaveLength(3);
    expect(n!.text).toBe(`${n!.actors[0]!.displayName} and 14 others reacted to your post`);
    const ar = await get("/api/v1/notifications", { token: owner.token, lang: "ar" });
    expect(ar.body.data[0].text).toBe(
      `تفاعلات جديدة من ${n!.actors[0]!.displayName} و14 شخصاً آخر على منشورك`,
    );
    expect(await unreadCount(owner)).toBe(1);
    const rows = await env.DB.prepare("SELECT COUNT(*) AS n FROM notifications WHERE user_id = ?")
      .bind(owner.id)
      .first<{ n: number }>();
    expect(rows!.n).toBe(1);
  });

  it("is exact when many queue messages for the same target are consumed concurrently", async () => {
    const owner = await createUser();
    const actors = await createUsers(12);
    const p = await createPost(owner);
    // Each actor's event in its own batch, all batches at once, each delivered twice (redelivery).
    const messages = actors.map((a) => reactionTo(p.id, a.id, owner.id));
    await Promise.all([...messages, ...messages].map((m) => runNotify([m])));
    const list = await listNotifications(owner);
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ actorCount: 12, eventCount: 12 });
    const actorRows = await env.DB.prepare(
      "SELECT COUNT(*) AS n FROM notification_actors WHERE notification_id = ?",
    )
      .bind(list[0]!.id)
      .first<{ n: number }>();
    expect(actorRows!.n).toBe(12);
  });

  it("counts distinct actors and all events; the latest actor is named first", async () => {
    const [owner, sara, omar] = await createUsers(3);
    const p = await createPost(owner!);
    const comment = (actor: string) =>
      event({ type: "comment", actorId: actor, recipientId: owner!.id, target: { type: "post", id: p.id } });
    await runNotify([comment(sara!.id)]);
    await runNotify([comment(omar!.id)]);
    await runNotify([comment(sara!.id)]);
    const [n] = await listNotifications(owner!);
    expect(n).toMatchObject({ type: "comment", actorCount: 2, eventCount: 3 });
    expect(n!.actors.map((a) => a.id)).toEqual([sara!.id, omar!.id]);
    expect(n!.text).toBe(`${sara!.displayName} and ${omar!.displayName} commented on your post`);
  });

  it("different targets and different types stay apart", async () => {
    const [owner, sara] = await createUsers(2);
    const p1 = await createPost(owner!);
    const p2 = await createPost(owner!);
    await runNotify([
      reactionTo(p1.id, sara!.id, owner!.id),
      reactionTo(p2.id, sara!.id, owner!.id),
      event({
        type: "repost",
        actorId: sara!.id,
        recipientId: owner!.id,
        target: { type: "post", id: p1.id },
      }),
      event({
        type: "mention",
        actorId: sara!.id,
        recipientId: owner!.id,
        target: { type: "post", id: p1.id },
      }),
      event({
        type: "mention",
        actorId: sara!.id,
        recipientId: owner!.id,
        target: { type: "post", id: p2.id },
      }),
    ]);
    const list = await listNotifications(owner!);
    expect(list).toHaveLength(5);
    expect(list.filter((n) => n.type === "mention")).toHaveLength(2);
  });

  it("reading a notification closes it: the next event starts a new one", async () => {
    const [owner, a, b] = await createUsers(3);
    const p = await createPost(owner!);
    await runNotify([reactionTo(p.id, a!.id, owner!.id)]);
    const [first] = await listNotifications(owner!);
    expect(
      (await post(`/api/v1/notifications/${first!.id}/read`, undefined, { token: owner!.token })).status,
    ).toBe(200);
    await runNotify([reactionTo(p.id, b!.id, owner!.id)]);
    const list = await listNotifications(owner!);
    expect(list).toHaveLength(2);
    expect(list[0]).toMatchObject({ read: false, actorCount: 1 });
    expect(list[0]!.actors[0]!.id).toBe(b!.id);
    expect(list[1]).toMatchObject({ id: first!.id, read: true, actorCount: 1 });
  });

  it("the window is 24 hours: a later event starts a new notification", async () => {
    const [owner, a, b, c] = await createUsers(4);
    const p = await createPost(owner!);
    await runNotify([reactionTo(p.id, a!.id, owner!.id)]);
    advanceClockForTests(23 * HOUR);
    await runNotify([reactionTo(p.id, b!.id, owner!.id)]);
    expect(await listNotifications(await signInAgain(owner!))).toHaveLength(1);
    advanceClockForTests(2 * HOUR);
    await runNotify([reactionTo(p.id, c!.id, owner!.id)]);
    const list = await listNotifications(await signInAgain(owner!));
    expect(list.map((n) => n.actorCount)).toEqual([1, 2]);
  });

  it("an updated notification moves to the top of the list", async () => {
    const [owner, a, b] = await createUsers(3);
    const p = await createPost(owner!);
    await runNotify([reactionTo(p.id, a!.id, owner!.id)]);
    advanceClockForTests(1000);
    await runNotify([event({ type: "follow", actorId: b!.id, recipientId: owner!.id })]);
    expect((await listNotifications(owner!)).map((n) => n.type)).toEqual(["follow", "reaction"]);
    advanceClockForTests(1000);
    await runNotify([reactionTo(p.id, b!.id, owner!.id)]);
    expect((await listNotifications(owner!)).map((n) => n.type)).toEqual(["reaction", "follow"]);
  });

  it("replies aggregate by the comment replied to; follows and profile views per member", async () => {
    const [owner, a, b] = await createUsers(3);
    const p = await createPost(owner!);
    const c = await comment(owner!, p.id, "first");
    const reply = (actor: string, id: string) =>
      event({
        type: "reply",
        actorId: actor,
        recipientId: owner!.id,
        target: { type: "comment", id },
        data: { parentId: c.id, postId: p.id },
      });
    await runNotify([
      reply(a!.id, "r1"),
      reply(b!.id, "r2"),
      event({ type: "follow", actorId: a!.id, recipientId: owner!.id }),
      event({ type: "follow", actorId: b!.id, recipientId: owner!.id }),
      event({ type: "profile_view", actorId: a!.id, recipientId: owner!.id }),
      event({ type: "profile_view", actorId: b!.id, recipientId: owner!.id }),
    ]);
    const byType = Object.fromEntries((await listNotifications(owner!)).map((n) => [n.type, n]));
    expect(Object.keys(byType).sort()).toEqual(["follow", "profile_view", "reply"]);
    for (const n of Object.values(byType)) expect(n.actorCount).toBe(2);
    expect(byType.follow!.text).toBe(`${b!.displayName} and ${a!.displayName} started following you`);
    expect(byType.reply).toMatchObject({
      target: { type: "comment", id: c.id },
      link: `/posts/${p.id}?comment=${c.id}`,
    });
    expect(byType.reply!.text).toBe(`${b!.displayName} and ${a!.displayName} replied to your comment`);
  });

  it("Arabic counts use the right plural forms", async () => {
    const owner = await createUser();
    const actors = await createUsers(4);
    const p = await createPost(owner);
    await runNotify([reactionTo(p.id, actors[0]!.id, owner.id)]);
    const arText = async () =>
      (await get("/api/v1/notifications", { token: owner.token, lang: "ar" })).body.data[0].text as string;
    expect(await arText()).toBe(`تفاعل جديد من ${actors[0]!.displayName} على منشورك`);
    await runNotify([reactionTo(p.id, actors[1]!.id, owner.id)]);
    expect(await arText()).toBe(
      `تفاعلات جديدة من ${actors[1]!.displayName} و${actors[0]!.displayName} على منشورك`,
    );
    await runNotify([reactionTo(p.id, actors[2]!.id, owner.id)]);
    expect(await arText()).toBe(`تفاعلات جديدة من ${actors[2]!.displayName} وشخصين آخرين على منشورك`);
    await runNotify([reactionTo(p.id, actors[3]!.id, owner.id)]);
    expect(await arText()).toBe(`تفاعلات جديدة من ${actors[3]!.displayName} و3 أشخاص آخرين على منشورك`);
  });
});
