import { describe, expect, it } from "vitest";
import { clientId, conversationOf, groupConversation, history, sendHttp } from "../support/conversations";
import { block, connect } from "../support/graph";
import { del, get, patch, post, put } from "../support/http";
import { drainQueues } from "../support/queues";
import { createUsers, type TestUser } from "../support/users";
import { type Event, eventually, socketsClosedAfterEach } from "../support/ws";

/**
 * What a member may see of a group's log is decided once per reader and message: after they joined,
 * not deleted for them, and nothing of a member hidden by a block either way. A reply's preview, a
 * message's reactions and every live or replayed event follow the same rule as the message itself.
 */
const base = (id: string) => `/api/v1/conversations/${id}`;
const opened = socketsClosedAfterEach();
const socket = (user: TestUser) => opened(user.token);

/** Every log event of one conversation a fresh socket of `user` receives when resuming from 0. */
async function replayFor(user: TestUser, id: string): Promise<Event[]> {
  const s = await socket(user);
  const ack = await s.request({ type: "resume", conversations: { [id]: 0 } });
  expect(ack.type).toBe("ack");
  return s.received.filter(
    (e) => e.conversationId === id && typeof e.seq === "number" && e.type.startsWith("message"),
  );
}

const reply = (user: TestUser, id: string, replyTo: number, text = "a reply") =>
  post(`${base(id)}/messages`, { clientId: clientId(), text, replyTo }, { token: user.token });

describe("reply previews follow the reader's rights", () => {
  it("never shows a member added later a message from before they joined, live, in history or on resume", async () => {
    const [admin, member, newcomer] = await createUsers(3);
    const id = await groupConversation(admin!, [member!]);
    const old = await sendHttp(member!, id, "secret from before you joined");
    await connect(admin!, newcomer!);
    expect(
      (await post(`${base(id)}/members`, { userIds: [newcomer!.id] }, { token: admin!.token })).status,
    ).toBe(200);
    const sn = await socket(newcomer!);

    // Someone who could see it answers it: the newcomer gets the answer without the quote.
    const answer = await reply(member!, id, old.seq, "about that");
    expect(answer.status).toBe(201);
    expect(answer.body.message.replyTo).toMatchObject({
      seq: old.seq,
      preview: "secret from before you joined",
    });
    const live = await sn.next("message");
    expect(live.message).toMatchObject({ text: "about that", replyTo: null });
    expect((await history(newcomer!, id)).data).toMatchObject([{ text: "about that", replyTo: null }]);
    expect((await history(admin!, id)).data[1].replyTo.preview).toBe("secret from before you joined");
    const replayed = await replayFor(newcomer!, id);
    expect(replayed.map((e) => e.message.replyTo)).toEqual([null]);

    // A reaction to the old message is not the newcomer's business either.
    await put(`${base(id)}/messages/${old.seq}/reaction`, { emoji: "👍" }, { token: admin!.token });
    await sn.expectNone("message.updated", 300);
    expect(JSON.stringify(sn.received)).not.toContain("secret from before");
    expect(JSON.stringify(await replayFor(newcomer!, id))).not.toContain("secret from before");

    // Replying to it answers exactly what replying to a message that does not exist answers.
    const hidden = await reply(newcomer!, id, old.seq);
    const missing = await reply(newcomer!, id, 999_999);
    expect(hidden.status).toBe(404);
    expect(hidden.body).toEqual(missing.body);
    const overSocket = await sn.request({
      type: "send",
      conversationId: id,
      clientId: clientId(),
      text: "x",
      replyTo: old.seq,
    });
    const missingOverSocket = await sn.request({
      type: "send",
      conversationId: id,
      clientId: clientId(),
      text: "x",
      replyTo: 999_999,
    });
    expect(overSocket).toMatchObject({ type: "error", code: "NOT_FOUND" });
    expect({ ...overSocket, ref: null }).toEqual({ ...missingOverSocket, ref: null });
  });

  it("hides a blocked member's text from reply previews, both ways, and refuses replies to it", async () => {
    const [admin, blocked, blocker] = await createUsers(3);
    const id = await groupConversation(admin!, [blocked!, blocker!]);
    const theirs = await sendHttp(blocked!, id, "words of the blocked member");
    const mine = await sendHttp(blocker!, id, "words of the blocker");
    await block(blocker!, blocked!);
    const [sBlocker, sBlocked] = [await socket(blocker!), await socket(blocked!)];

    await reply(admin!, id, theirs.seq, "answering the blocked one");
    await reply(admin!, id, mine.seq, "answering the blocker");
    expect((await sBlocker.next("message")).message).toMatchObject({
      text: "answering the blocked one",
      replyTo: null,
    });
    expect((await sBlocker.next("message")).message.replyTo).toMatchObject({
      preview: "words of the blocker",
    });
    expect((await sBlocked.next("message")).message.replyTo).toMatchObject({
      preview: "words of the blocked member",
    });
    expect((await sBlocked.next("message")).message).toMatchObject({
      text: "answering the blocker",
      replyTo: null,
    });

    const seen = (await history(blocker!, id)).data.map((m) => [m.text, m.replyTo?.preview ?? null]);
    expect(seen).toEqual([
      ["words of the blocker", null],
      ["answering the blocked one", null],
      ["answering the blocker", "words of the blocker"],
    ]);
    const replayed = JSON.stringify(await replayFor(blocker!, id));
    expect(replayed).not.toContain("words of the blocked member");
    expect(JSON.stringify(await replayFor(blocked!, id))).not.toContain("words of the blocker");
    expect(JSON.stringify((await history(blocked!, id)).data)).not.toContain("words of the blocker");

    // Acting on a hidden message answers like a message that does not exist.
    const react = (seq: number) =>
      put(`${base(id)}/messages/${seq}/reaction`, { emoji: "👍" }, { token: blocker!.token });
    for (const [hidden, missing] of [
      [await reply(blocker!, id, theirs.seq), await reply(blocker!, id, 999_999)],
      [await react(theirs.seq), await react(999_999)],
    ]) {
      expect(hidden!.status).toBe(404);
      expect(hidden!.body).toEqual(missing!.body);
    }
  });

  it("applies deleted-for-me and deleted-for-everyone to the quoted message too", async () => {
    const [admin, a, b] = await createUsers(3);
    const id = await groupConversation(admin!, [a!, b!]);
    const hiddenForB = await sendHttp(a!, id, "b deleted this for themselves");
    const gone = await sendHttp(a!, id, "deleted for everyone");
    expect(
      (await del(`${base(id)}/messages/${hiddenForB.seq}?scope=me`, undefined, { token: b!.token })).status,
    ).toBe(204);
    expect(
      (await del(`${base(id)}/messages/${gone.seq}?scope=everyone`, undefined, { token: a!.token })).status,
    ).toBe(204);
    // The offline notices b got for those messages (sent while b had no socket) are delivered before b
    // connects: this test is about the chat frames b receives from now on.
    await drainQueues();
    const sb = await socket(b!);
    await reply(admin!, id, hiddenForB.seq, "re: hidden");
    await reply(admin!, id, gone.seq, "re: gone");
    expect((await sb.next("message")).message.replyTo).toBeNull();
    expect((await sb.next("message")).message.replyTo).toEqual({
      seq: gone.seq,
      senderId: a!.id,
      preview: null,
      state: "DELETED",
    });
    // An edit of the message b deleted for themselves is not sent to b either.
    await post(`${base(id)}/messages`, { clientId: clientId(), text: "tick" }, { token: admin!.token });
    await sb.next("message");
    await put(`${base(id)}/messages/${hiddenForB.seq}/reaction`, { emoji: "🔥" }, { token: admin!.token });
    await sb.expectNone("message.updated", 300);
    expect(JSON.stringify(sb.received)).not.toContain("b deleted this");
    const fromHistory = (await history(b!, id)).data.map((m) => [m.text, m.replyTo]);
    expect(fromHistory[1]).toEqual(["re: hidden", null]);
    expect(fromHistory[2]![1]).toMatchObject({ preview: null, state: "DELETED" });
    expect(JSON.stringify(await replayFor(b!, id))).not.toContain("b deleted this");
  });
});

describe("reactions follow the reader's rights", () => {
  it("leaves blocked members out of reactions[].userIds, live, in history and on resume", async () => {
    const [admin, blocked, blocker] = await createUsers(3);
    const id = await groupConversation(admin!, [blocked!, blocker!]);
    const m = await sendHttp(admin!, id, "react to me");
    await block(blocker!, blocked!);
    const sBlocker = await socket(blocker!);
    const react = (u: TestUser, emoji: string) =>
      put(`${base(id)}/messages/${m.seq}/reaction`, { emoji }, { token: u.token });
    expect((await react(blocked!, "👍")).body.message.reactions).toEqual([
      { emoji: "👍", count: 1, userIds: [blocked!.id] },
    ]);
    const afterAdmin = await react(admin!, "👍");
    expect(afterAdmin.body.message.reactions).toEqual([
      { emoji: "👍", count: 2, userIds: [blocked!.id, admin!.id] },
    ]);
    const live = await sBlocker.next("message.updated");
    expect(live).toMatchObject({ actorId: admin!.id, reaction: { userId: admin!.id } });
    expect(live.message.reactions).toEqual([{ emoji: "👍", count: 1, userIds: [admin!.id] }]);
    const own = await react(blocker!, "❤️");
    expect(own.body.message.reactions).toEqual([
      { emoji: "👍", count: 1, userIds: [admin!.id] },
      { emoji: "❤️", count: 1, userIds: [blocker!.id] },
    ]);
    expect((await history(blocker!, id)).data[0].reactions).toEqual(own.body.message.reactions);
    const replayed = await replayFor(blocker!, id);
    expect(JSON.stringify(replayed)).not.toContain(blocked!.id);
    expect(replayed.at(-1)!.message.reactions).toEqual(own.body.message.reactions);
    // And the other way round.
    const fromBlocked = (await history(blocked!, id)).data[0].reactions;
    expect(JSON.stringify(fromBlocked)).not.toContain(blocker!.id);
    expect(JSON.stringify(await replayFor(blocked!, id))).not.toContain(blocker!.id);
  });
});

describe("membership as a member is told it", () => {
  it("counts only the members the reader can see, and tells nobody about members hidden from them", async () => {
    const [admin, blocked, blocker, newcomer] = await createUsers(4);
    const id = await groupConversation(admin!, [blocked!, blocker!]);
    await block(blocker!, blocked!);
    expect((await conversationOf(admin!, id)).memberCount).toBe(3);
    expect((await conversationOf(blocker!, id)).memberCount).toBe(2);
    expect((await conversationOf(blocked!, id)).memberCount).toBe(2);
    const listed = await get("/api/v1/conversations", { token: blocker!.token });
    expect(listed.body.data.find((c: any) => c.id === id).memberCount).toBe(2);

    const [sAdmin, sBlocker] = [await socket(admin!), await socket(blocker!)];
    // The blocked member's role change, removal, return and leaving are not the blocker's business.
    const role = await patch(
      `${base(id)}/members/${blocked!.id}`,
      { role: "ADMIN" },
      { token: admin!.token },
    );
    expect(role.status).toBe(200);
    expect(await sAdmin.next("conversation.updated")).toMatchObject({
      change: "role_changed",
      userIds: [blocked!.id],
    });
    expect((await del(`${base(id)}/members/${blocked!.id}`, undefined, { token: admin!.token })).status).toBe(
      204,
    );
    expect(await sAdmin.next("conversation.updated")).toMatchObject({ change: "member_removed" });
    await connect(admin!, newcomer!);
    await connect(admin!, blocked!);
    const added = await post(
      `${base(id)}/members`,
      { userIds: [blocked!.id, newcomer!.id] },
      { token: admin!.token },
    );
    expect(added.status).toBe(200);
    expect((await sAdmin.next("conversation.updated")).userIds).toEqual([blocked!.id, newcomer!.id]);
    // The blocker hears only about the newcomer.
    const told = await sBlocker.next("conversation.updated");
    expect(told).toMatchObject({ change: "members_added", userIds: [newcomer!.id] });
    await sBlocker.expectNone("conversation.updated", 300);
    expect(JSON.stringify(sBlocker.received)).not.toContain(blocked!.id);
    await eventually(async () => (await conversationOf(admin!, id)).memberCount === 4);
    expect((await conversationOf(blocker!, id)).memberCount).toBe(3);
    // A hidden member leaving is not announced to the blocker either.
    expect((await post(`${base(id)}/leave`, undefined, { token: blocked!.token })).status).toBe(204);
    expect(await sAdmin.next("conversation.updated")).toMatchObject({ change: "member_left" });
    await sBlocker.expectNone("conversation.updated", 300);
  });

  it("names the actor of a change only to members who can see them", async () => {
    const [admin, blocker, other] = await createUsers(3);
    const id = await groupConversation(admin!, [blocker!, other!]);
    await block(blocker!, admin!);
    const [sBlocker, sOther] = [await socket(blocker!), await socket(other!)];
    expect((await patch(base(id), { name: "renamed" }, { token: admin!.token })).status).toBe(200);
    expect(await sOther.next("conversation.updated")).toMatchObject({
      change: "details",
      actorId: admin!.id,
    });
    expect(await sBlocker.next("conversation.updated")).toMatchObject({ change: "details", actorId: null });
  });
});

describe("a block hides a former member too", () => {
  it("keeps the messages and reactions of a member who left hidden from the member they blocked", async () => {
    const [admin, blocker, blocked] = await createUsers(3);
    const id = await groupConversation(admin!, [blocker!, blocked!]);
    const left = await sendHttp(blocker!, id, "from the one who blocks, before leaving");
    const kept = await sendHttp(admin!, id, "from the admin");
    expect(
      (await put(`${base(id)}/messages/${kept.seq}/reaction`, { emoji: "👍" }, { token: blocker!.token }))
        .status,
    ).toBe(200);
    await block(blocker!, blocked!);
    expect((await post(`${base(id)}/leave`, undefined, { token: blocker!.token })).status).toBe(204);

    const seen = (await history(blocked!, id)).data;
    expect(seen.map((m: { seq: number }) => m.seq)).toEqual([kept.seq]);
    expect(JSON.stringify(seen)).not.toContain(blocker!.id);
    const replayed = await replayFor(blocked!, id);
    expect(replayed.map((e) => e.message.seq)).not.toContain(left.seq);
    expect(JSON.stringify(replayed)).not.toContain(blocker!.id);
    // The admin, who blocked nobody, still sees both.
    expect((await history(admin!, id)).data.map((m: { seq: number }) => m.seq)).toEqual([left.seq, kept.seq]);
  });
});
