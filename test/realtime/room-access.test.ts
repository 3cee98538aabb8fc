import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { newId } from "../../src/platform/ids";
import { clientId, groupConversation, sendHttp } from "../support/conversations";
import { block } from "../support/graph";
import { del, get, post } from "../support/http";
import { createUsers, type TestUser } from "../support/users";
import { socketsClosedAfterEach } from "../support/ws";

const opened = socketsClosedAfterEach();
const socket = (user: TestUser) => opened(user.token);

/** The tables in a conversation's chat room storage (none: the room never stored anything). */
async function roomTables(conversationId: string): Promise<string[]> {
  const stub = env.CHAT_ROOM.get(env.CHAT_ROOM.idFromName(conversationId));
  return runInDurableObject(stub, (_room, state) =>
    state.storage.sql
      .exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table'")
      .toArray()
      .map((r) => r.name),
  );
}

describe("chat rooms of conversations that do not exist", () => {
  it("answer 404 over HTTP and leave no storage behind", async () => {
    const [member, other] = await createUsers(2);
    const real = await groupConversation(member!, [other!]);
    await sendHttp(member!, real, "a real room stores its log");
    const unknown = [newId(), newId(), newId()];
    const [history, send, read] = await Promise.all([
      get(`/api/v1/conversations/${unknown[0]}/messages`, { token: member!.token }),
      post(
        `/api/v1/conversations/${unknown[1]}/messages`,
        { clientId: clientId(), text: "hello?" },
        { token: member!.token },
      ),
      post(`/api/v1/conversations/${unknown[2]}/read`, { seq: 1 }, { token: member!.token }),
    ]);
    for (const res of [history, send, read]) {
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe("NOT_FOUND");
    }
    expect(
      (await del(`/api/v1/conversations/${unknown[0]}/messages/1`, undefined, { token: member!.token }))
        .status,
    ).toBe(404);
    for (const id of unknown) expect(await roomTables(id)).toEqual([]);
    expect(await roomTables(real)).toContain("log");
  });

  it("answer NOT_FOUND to socket frames and resume, and leave no storage behind", async () => {
    const [member, other] = await createUsers(2);
    const real = await groupConversation(member!, [other!]);
    const s = await socket(member!);
    const unknown = Array.from({ length: 20 }, () => newId());
    const ack = await s.request({
      type: "resume",
      conversations: Object.fromEntries([[real, 0], ...unknown.map((id) => [id, 0])]),
    });
    expect(ack.conversations[0]).toEqual({ conversationId: real, seq: 0 });
    expect(ack.conversations.slice(1)).toEqual(
      unknown.map((id) => ({ conversationId: id, seq: null, error: "NOT_FOUND" })),
    );
    const send = await s.request({
      type: "send",
      conversationId: unknown[0],
      clientId: clientId(),
      text: "x",
    });
    expect(send).toMatchObject({ type: "error", code: "NOT_FOUND" });
    s.send({ type: "typing", conversationId: unknown[1], state: "start" });
    expect((await s.request({ type: "read", conversationId: unknown[2], seq: 3 })).code).toBe("NOT_FOUND");
    for (const id of unknown) expect(await roomTables(id)).toEqual([]);
  });
});

describe("typing", () => {
  it("is forwarded only for members, and never between members hidden from each other", async () => {
    const [admin, member, blocker, removed, outsider] = await createUsers(5);
    const id = await groupConversation(admin!, [member!, blocker!, removed!]);
    expect(
      (await del(`/api/v1/conversations/${id}/members/${removed!.id}`, undefined, { token: admin!.token }))
        .status,
    ).toBe(204);
    await block(blocker!, member!);
    const [sAdmin, sMember, sBlocker, sRemoved, sOutsider] = [
      await socket(admin!),
      await socket(member!),
      await socket(blocker!),
      await socket(removed!),
      await socket(outsider!),
    ];

    // Neither someone who never was a member nor someone removed reaches the members.
    sOutsider.send({ type: "typing", conversationId: id, state: "start" });
    sRemoved.send({ type: "typing", conversationId: id, state: "start" });
    // A member the blocker blocked reaches the others but not the blocker.
    sMember.send({ type: "typing", conversationId: id, state: "start" });
    expect(await sAdmin.next("typing")).toMatchObject({
      conversationId: id,
      userId: member!.id,
      state: "start",
    });
    await sBlocker.expectNone("typing", 300);
    await sAdmin.expectNone("typing", 0);
    for (const s of [sMember, sRemoved, sOutsider]) await s.expectNone("typing", 0);

    // And the other way round: the blocker's typing reaches the admin only.
    sBlocker.send({ type: "typing", conversationId: id, state: "start" });
    expect((await sAdmin.next("typing")).userId).toBe(blocker!.id);
    await sMember.expectNone("typing", 300);
    for (const s of [sAdmin, sRemoved, sOutsider]) await s.expectNone("typing", 0);
    expect(sAdmin.received.filter((e) => e.type === "typing").map((e) => e.userId)).toEqual([
      member!.id,
      blocker!.id,
    ]);
  });
});
