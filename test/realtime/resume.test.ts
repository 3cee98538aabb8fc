import { abortAllDurableObjects } from "cloudflare:test";
import { afterEach, describe, expect, it } from "vitest";
import {
  clientId,
  conversationOf,
  directConversation,
  groupConversation,
  sendHttp,
} from "../support/conversations";
import { connect } from "../support/graph";
import { del, patch, post } from "../support/http";
import { createUsers } from "../support/users";
import { type Event, eventually, TestSocket } from "../support/ws";

const open: TestSocket[] = [];
/**
 * Every socket below that sends `resume` opens with ?resume=1, as docs/REALTIME.md §1 tells clients: a
 * socket without it may get the live fan-out of a message sent just before it connected and then the
 * same message again in the replay (the requests are fast enough now for that race to show).
 */
async function socket(token: string, opts: { resume?: boolean } = {}) {
  const s = await TestSocket.open(token, opts);
  open.push(s);
  return s;
}
afterEach(() => {
  for (const s of open.splice(0)) s.close();
});

/** Log events of one conversation received by a socket, in arrival order. */
const logEvents = (s: TestSocket, id: string) =>
  s.received.filter(
    (e) => e.conversationId === id && typeof e.seq === "number" && e.type.startsWith("message"),
  );

async function resume(s: TestSocket, conversations: Record<string, number>): Promise<Event> {
  const ack = await s.request({ type: "resume", conversations });
  expect(ack.type).toBe("ack");
  return ack;
}

describe("resume", () => {
  it("replays exactly what a reconnecting member missed, in order", async () => {
    const [a, b] = await createUsers(2);
    const id = await directConversation(a!, b!);
    for (const text of ["one", "two", "three"]) await sendHttp(a!, id, text);

    // A socket that will resume says so (?resume=1, docs/REALTIME.md §1): otherwise the live fan-out of
    // "three", still on its way to b's hub, may reach the new socket before the replay and again in it.
    const first = await socket(b!.token, { resume: true });
    const ack = await resume(first, { [id]: 0 });
    expect(ack.conversations).toEqual([{ conversationId: id, seq: 3 }]);
    expect(logEvents(first, id).map((e) => [e.type, e.seq, e.message.text])).toEqual([
      ["message", 1, "one"],
      ["message", 2, "two"],
      ["message", 3, "three"],
    ]);
    expect(first.received.find((e) => e.type === "resumed")).toMatchObject({ conversationId: id, seq: 3 });
    first.close();

    await sendHttp(a!, id, "four");
    const again = await socket(b!.token, { resume: true });
    await resume(again, { [id]: 3 });
    expect(logEvents(again, id).map((e) => e.seq)).toEqual([4]);
    // Resuming marks the replayed messages delivered.
    await eventually(
      async () =>
        (await conversationOf(a!, id)).members.find((m: any) => m.user.id === b!.id).deliveredSeq === 4,
    );
  });

  it("?resume=1 holds live events until the first resume, so nothing overtakes or repeats the replay", async () => {
    const [a, b] = await createUsers(2);
    const id = await directConversation(a!, b!);
    await sendHttp(a!, id, "missed while offline");

    const plain = await socket(b!.token);
    const held = await socket(b!.token, { resume: true });
    // Sent after both sockets are open and before `held` resumes: the plain socket gets it live at once.
    await sendHttp(a!, id, "while reconnecting");
    await eventually(async () => logEvents(plain, id).length === 1);
    await held.expectNone("message", 300);

    await resume(held, { [id]: 0 });
    expect(logEvents(held, id).map((e) => [e.seq, e.message.text])).toEqual([
      [1, "missed while offline"],
      [2, "while reconnecting"],
    ]);
    await sendHttp(a!, id, "live again");
    await eventually(async () => logEvents(held, id).length === 3);
    expect(logEvents(held, id).map((e) => e.seq)).toEqual([1, 2, 3]);
  });

  it("a resume sent again on an open socket replays nothing that socket already received", async () => {
    const [a, b] = await createUsers(2);
    const id = await directConversation(a!, b!);
    await sendHttp(a!, id, "before");
    const s = await socket(b!.token, { resume: true });
    await resume(s, { [id]: 0 });
    await sendHttp(a!, id, "live");
    await eventually(async () => logEvents(s, id).length === 2);
    await sendHttp(a!, id, "missed by nobody");
    await eventually(async () => logEvents(s, id).length === 3);

    // A client that resumes again from an older seq (its answer crossed a live event, say) gets only
    // what this socket has not carried yet.
    await sendHttp(a!, id, "new");
    await eventually(async () => logEvents(s, id).length === 4);
    const ack = await resume(s, { [id]: 1 });
    expect(ack.conversations).toEqual([{ conversationId: id, seq: 4 }]);
    expect(logEvents(s, id).map((e) => e.seq)).toEqual([1, 2, 3, 4]);

    // A fresh socket has received nothing, so the same resume replays everything after the seq.
    const fresh = await socket(b!.token, { resume: true });
    await resume(fresh, { [id]: 1 });
    expect(logEvents(fresh, id).map((e) => e.seq)).toEqual([2, 3, 4]);
  });

  it("replays edits, deletions and reactions with the message as it is now (a deleted text never comes back)", async () => {
    const [a, b] = await createUsers(2);
    const id = await directConversation(a!, b!);
    const m1 = await sendHttp(a!, id, "teh draft");
    const m2 = await sendHttp(a!, id, "secret");
    const base = `/api/v1/conversations/${id}/messages`;
    await patch(`${base}/${m1.seq}`, { text: "the draft" }, { token: a!.token });
    await del(`${base}/${m2.seq}?scope=everyone`, undefined, { token: a!.token });
    await sendHttp(a!, id, "after");

    const s = await socket(b!.token, { resume: true });
    await resume(s, { [id]: 2 });
    const events = logEvents(s, id);
    expect(events.map((e) => [e.type, e.seq, e.change ?? null])).toEqual([
      ["message.updated", 3, "edited"],
      ["message.updated", 4, "deleted"],
      ["message", 5, null],
    ]);
    expect(events[0]!.message).toMatchObject({ seq: m1.seq, text: "the draft", state: "EDITED" });
    expect(events[1]!.message).toMatchObject({ seq: m2.seq, text: null, state: "DELETED" });

    const fromStart = await socket(b!.token, { resume: true });
    await resume(fromStart, { [id]: 0 });
    expect(JSON.stringify(fromStart.received)).not.toContain("secret");
    expect(logEvents(fromStart, id).map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
  });

  it("holds live messages during a replay: every seq arrives once, in order", async () => {
    const [a, b] = await createUsers(2);
    const id = await directConversation(a!, b!);
    for (let i = 0; i < 15; i++) await sendHttp(a!, id, `old ${i}`);
    const s = await socket(b!.token, { resume: true });
    const sender = await socket(a!.token);
    const burst = (async () => {
      for (let i = 0; i < 15; i++) {
        await sender.request({ type: "send", conversationId: id, clientId: clientId(), text: `live ${i}` });
      }
    })();
    await resume(s, { [id]: 0 });
    await burst;
    await s.next("message", (e) => e.seq === 30);
    const seqs = logEvents(s, id).map((e) => e.seq);
    expect(seqs).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
  });

  it("replays from the room's storage after the room was restarted, and keeps numbering after it", async () => {
    const [a, b, c] = await createUsers(3);
    const id = await groupConversation(a!, [b!, c!]);
    const before = await socket(a!.token);
    for (const text of ["alpha", "beta", "gamma"]) {
      await before.request({ type: "send", conversationId: id, clientId: clientId(), text });
    }
    await abortAllDurableObjects();

    const sb = await socket(b!.token, { resume: true });
    const ack = await resume(sb, { [id]: 1 });
    expect(ack.conversations).toEqual([{ conversationId: id, seq: 3 }]);
    expect(logEvents(sb, id).map((e) => [e.seq, e.message.text])).toEqual([
      [2, "beta"],
      [3, "gamma"],
    ]);
    const sa = await socket(a!.token);
    const next = await sa.request({ type: "send", conversationId: id, clientId: clientId(), text: "delta" });
    expect(next.seq).toBe(4);
    expect((await sb.next("message", (e) => e.seq === 4)).message.text).toBe("delta");
    await eventually(async () => (await conversationOf(c!, id)).lastSeq === 4);
    expect((await conversationOf(c!, id)).unreadCount).toBe(4);
  });

  it("replays a delete-for-me to the member's other devices only", async () => {
    const [a, b] = await createUsers(2);
    const id = await directConversation(a!, b!);
    const m = await sendHttp(a!, id, "hide me");
    const tab = await socket(b!.token);
    const hidden = await tab.request({ type: "delete", conversationId: id, seq: m.seq, scope: "me" });
    expect(hidden.type).toBe("ack");
    const otherDevice = await socket(b!.token, { resume: true });
    await resume(otherDevice, { [id]: m.seq });
    expect(logEvents(otherDevice, id)).toEqual([
      { type: "message.hidden", conversationId: id, seq: 2, messageSeq: m.seq },
    ]);
    const fromStart = await socket(b!.token, { resume: true });
    await resume(fromStart, { [id]: 0 });
    expect(logEvents(fromStart, id).map((e) => e.type)).toEqual(["message.hidden"]);
    const sender = await socket(a!.token, { resume: true });
    await resume(sender, { [id]: 0 });
    expect(logEvents(sender, id).map((e) => e.type)).toEqual(["message"]);
  });

  it("gives a member added later only what came after they joined", async () => {
    const [a, b, late] = await createUsers(3);
    const id = await groupConversation(a!, [b!]);
    await connect(a!, late!);
    await sendHttp(a!, id, "before you came");
    const added = await post(
      `/api/v1/conversations/${id}/members`,
      { userIds: [late!.id] },
      { token: a!.token },
    );
    expect(added.status).toBe(200);
    await sendHttp(b!, id, "welcome");
    const s = await socket(late!.token, { resume: true });
    await resume(s, { [id]: 0 });
    expect(logEvents(s, id).map((e) => e.message.text)).toEqual(["welcome"]);
  });

  it("a member the room skipped while they had no socket gets live events from their next connect, the rest through resume", async () => {
    const [a, b, c] = await createUsers(3);
    const id = await groupConversation(a!, [b!, c!]);
    // c has no socket: the first message tells the room so, and the room skips c from then on.
    await sendHttp(a!, id, "one");
    await sendHttp(a!, id, "two");
    await sendHttp(a!, id, "three");

    // A plain socket gets everything sent after it opened, live, without a resume.
    const live = await socket(c!.token);
    await sendHttp(a!, id, "four");
    expect((await live.next("message")).message.text).toBe("four");
    await sendHttp(b!, id, "five");
    expect((await live.next("message")).message.text).toBe("five");

    // What the room skipped comes through resume, once, in order.
    const resumed = await socket(c!.token, { resume: true });
    await resume(resumed, { [id]: 0 });
    expect(logEvents(resumed, id).map((e) => e.message.text)).toEqual([
      "one",
      "two",
      "three",
      "four",
      "five",
    ]);
    await sendHttp(a!, id, "six");
    await resumed.next("message", (e) => e.message.text === "six");
    expect(logEvents(resumed, id).map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    await live.next("message", (e) => e.message.text === "six");
    expect(logEvents(live, id).map((e) => e.message.text)).toEqual(["four", "five", "six"]);
  });

  it("skips a member whose sockets all closed, and reaches them again when they reconnect", async () => {
    const [a, b] = await createUsers(2);
    const id = await groupConversation(a!, [b!]);
    const first = await socket(b!.token);
    await sendHttp(a!, id, "while connected");
    expect((await first.next("message")).message.text).toBe("while connected");
    first.close();
    await first.closedWith();
    // Sent after the close: the room learns b has no socket and skips b.
    await sendHttp(a!, id, "while away 1");
    await sendHttp(a!, id, "while away 2");
    const back = await socket(b!.token, { resume: true });
    await resume(back, { [id]: 1 });
    await sendHttp(a!, id, "back again");
    await back.next("message", (e) => e.message.text === "back again");
    expect(logEvents(back, id).map((e) => [e.seq, e.message.text])).toEqual([
      [2, "while away 1"],
      [3, "while away 2"],
      [4, "back again"],
    ]);
  });

  it("answers an error per conversation it cannot resume", async () => {
    const [a, b, outsider] = await createUsers(3);
    const id = await directConversation(a!, b!);
    await sendHttp(a!, id, "private");
    const s = await socket(outsider!.token, { resume: true });
    const ack = await resume(s, { [id]: 0, "not-an-id": 0 });
    expect(ack.conversations).toEqual([
      { conversationId: id, seq: null, error: "NOT_FOUND" },
      { conversationId: "not-an-id", seq: null, error: "NOT_FOUND" },
    ]);
    expect(logEvents(s, id)).toEqual([]);
    const tooMany = Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`c${i}`, 0]));
    expect((await s.request({ type: "resume", conversations: tooMany })).code).toBe("VALIDATION_ERROR");
  });
});
