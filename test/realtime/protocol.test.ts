import { env, runDurableObjectAlarm, SELF } from "cloudflare:test";
import { afterEach, describe, expect, it } from "vitest";
import { disconnectUser, pushToUser } from "../../src/core/live";
import { advanceClockForTests, MINUTE } from "../../src/platform/clock";
import { startOfFreshWindow } from "../support/clock";
import { clientId, directConversation, groupConversation, history, sendHttp } from "../support/conversations";
import { block, waitForDomainEvent } from "../support/graph";
import { patch, post } from "../support/http";
import { createUser, createUsers, type TestUser } from "../support/users";
import { TestSocket, upgrade } from "../support/ws";

const open: TestSocket[] = [];
async function socket(token: string, opts?: Parameters<typeof TestSocket.open>[1]) {
  const s = await TestSocket.open(token, opts);
  open.push(s);
  return s;
}
async function setPrivacy(user: TestUser, privacy: object) {
  const res = await patch("/api/v1/profiles/me", { privacy }, { token: user.token });
  expect(res.status).toBe(200);
}
afterEach(() => {
  for (const s of open.splice(0)) s.close();
});

describe("GET /api/v1/realtime", () => {
  it("authenticates with ?access_token=, a bearer subprotocol or an Authorization header", async () => {
    const user = await createUser();
    for (const via of ["query", "protocol", "header"] as const) {
      const s = await socket(user.token, { via });
      expect(s.ready).toMatchObject({
        type: "ready",
        protocol: "majlis.v1",
        userId: user.id,
        heartbeatMs: 30_000,
      });
    }
    const res = await upgrade(user.token, { via: "protocol" });
    expect(res.status).toBe(101);
    // The answer names majlis.v1, never the token.
    expect(res.headers.get("sec-websocket-protocol")).toBe("majlis.v1");
    res.webSocket!.accept();
    res.webSocket!.close();
  });

  it("refuses a missing, garbage or revoked token with 401 and a plain GET with 426", async () => {
    const user = await createUser();
    for (const res of [
      await upgrade(null),
      await upgrade("garbage.token.value"),
      await upgrade(`${user.token}x`),
    ]) {
      expect(res.status).toBe(401);
      expect((await res.json<any>()).error.code).toMatch(/UNAUTHENTICATED|INVALID_TOKEN/);
    }
    const plain = await SELF.fetch(`http://majlis.test/api/v1/realtime?access_token=${user.token}`);
    expect(plain.status).toBe(426);
    expect((await plain.json<any>()).error.code).toBe("UPGRADE_REQUIRED");
    await post("/api/v1/auth/logout", undefined, { token: user.token });
    expect((await upgrade(user.token)).status).toBe(401);
  });

  it("answers pings, and bad frames with an error that echoes the ref", async () => {
    const user = await createUser();
    const s = await socket(user.token, { lang: "ar" });
    s.send('{"type":"ping"}');
    await s.next("pong");
    s.send({ type: "ping", ref: "p1" });
    expect((await s.next("pong")).ref).toBe("p1");
    s.send("{not json");
    expect((await s.next("error")).code).toBe("MALFORMED_JSON");
    const unknown = await s.request({ type: "shout" });
    expect(unknown).toMatchObject({ type: "error", code: "VALIDATION_ERROR" });
    expect(unknown.message).toBe("الطلب غير صالح.");
    const long = await s.request({
      type: "send",
      conversationId: "x",
      clientId: "c",
      text: "a".repeat(5001),
    });
    expect(long.code).toBe("VALIDATION_ERROR");
    // A frame over 64 KB is not parsed at all, so its error cannot carry the ref.
    s.send({ type: "send", ref: "big", conversationId: "x", clientId: "c", text: "a".repeat(70_000) });
    expect(await s.next("error")).toMatchObject({ code: "PAYLOAD_TOO_LARGE" });
    const empty = await s.request({ type: "send", conversationId: "x", clientId: "c" });
    expect(empty.code).toBe("VALIDATION_ERROR");
  });
});

describe("messaging over the socket", () => {
  it("delivers a 1:1 message to the other member and the sender's other tabs; the sending tab gets the ack", async () => {
    const [a, b] = await createUsers(2);
    const id = await directConversation(a!, b!);
    const aTab1 = await socket(a!.token);
    const aTab2 = await socket(a!.token);
    const bSock = await socket(b!.token);
    const ack = await aTab1.request({ type: "send", conversationId: id, clientId: "hello-1", text: "أهلاً" });
    expect(ack).toMatchObject({ type: "ack", conversationId: id, seq: 1, duplicate: false });
    expect(ack.message).toMatchObject({
      seq: 1,
      clientId: "hello-1",
      senderId: a!.id,
      text: "أهلاً",
      state: "SENT",
    });
    const got = await bSock.next("message");
    expect(got).toMatchObject({ conversationId: id, seq: 1, message: ack.message });
    expect((await aTab2.next("message")).seq).toBe(1);
    const delivered = await aTab1.next("delivered");
    expect(delivered).toMatchObject({ conversationId: id, seq: 1, userIds: [b!.id] });
    await aTab1.expectNone("message", 100);
  });

  it("fans a group message out to every member, with one delivery receipt to the sender", async () => {
    const [a, b, c] = await createUsers(3);
    const id = await groupConversation(a!, [b!, c!]);
    const [sa, sb, sc] = await Promise.all([socket(a!.token), socket(b!.token), socket(c!.token)]);
    const ack = await sb.request({ type: "send", conversationId: id, clientId: clientId(), text: "hi all" });
    expect(ack.seq).toBe(1);
    expect((await sa.next("message")).message.text).toBe("hi all");
    expect((await sc.next("message")).message.senderId).toBe(b!.id);
    const delivered = await sb.next("delivered");
    expect(delivered.userIds.sort()).toEqual([a!.id, c!.id].sort());
    const second = await sc.request({
      type: "send",
      conversationId: id,
      clientId: clientId(),
      text: "second",
    });
    expect(second.seq).toBe(2);
    expect((await sa.next("message")).seq).toBe(2);
    expect((await sb.next("message")).seq).toBe(2);
  });

  it("acks a retried send with the same seq and never delivers it twice", async () => {
    const [a, b] = await createUsers(2);
    const id = await directConversation(a!, b!);
    const [sa, sb] = await Promise.all([socket(a!.token), socket(b!.token)]);
    const frame = { type: "send", conversationId: id, clientId: "retry-1", text: "once" };
    const first = await sa.request(frame);
    const retry = await sa.request(frame);
    expect(retry).toMatchObject({ seq: first.seq, duplicate: true });
    await sb.next("message");
    await sb.expectNone("message");
    expect((await history(b!, id)).data).toHaveLength(1);
  });

  it("broadcasts edits, deletions and reactions as message.updated with the current message", async () => {
    const [a, b] = await createUsers(2);
    const id = await directConversation(a!, b!);
    const [sa, sb] = await Promise.all([socket(a!.token), socket(b!.token)]);
    const sent = await sa.request({
      type: "send",
      conversationId: id,
      clientId: clientId(),
      text: "teh plan",
    });
    await sb.next("message");
    const edit = await sa.request({ type: "edit", conversationId: id, seq: sent.seq, text: "the plan" });
    expect(edit.message.state).toBe("EDITED");
    const edited = await sb.next("message.updated");
    expect(edited).toMatchObject({
      change: "edited",
      actorId: a!.id,
      seq: sent.seq + 1,
      message: { seq: sent.seq, text: "the plan" },
    });
    const react = await sb.request({ type: "react", conversationId: id, seq: sent.seq, emoji: "❤️" });
    expect(react.message.reactions).toEqual([{ emoji: "❤️", count: 1, userIds: [b!.id] }]);
    expect(await sa.next("message.updated")).toMatchObject({
      change: "reaction",
      reaction: { userId: b!.id, emoji: "❤️" },
    });
    const wrong = await sb.request({ type: "edit", conversationId: id, seq: sent.seq, text: "mine now" });
    expect(wrong.code).toBe("FORBIDDEN");
    await sa.request({ type: "delete", conversationId: id, seq: sent.seq, scope: "everyone" });
    const deleted = await sb.next("message.updated");
    expect(deleted).toMatchObject({
      change: "deleted",
      message: { state: "DELETED", text: null, reactions: [] },
    });
    const hide = await sb.request({ type: "delete", conversationId: id, seq: sent.seq, scope: "me" });
    expect(hide.type).toBe("ack");
    await sa.expectNone("message.hidden", 100);
  });

  it("sends read receipts to the other members", async () => {
    const [a, b, c] = await createUsers(3);
    const id = await groupConversation(a!, [b!, c!]);
    const [sa, sb, sc] = await Promise.all([socket(a!.token), socket(b!.token), socket(c!.token)]);
    const m = await sa.request({ type: "send", conversationId: id, clientId: clientId(), text: "read me" });
    await sb.next("message");
    const read = await sb.request({ type: "read", conversationId: id, seq: m.seq });
    expect(read).toMatchObject({ type: "ack", readSeq: m.seq });
    expect(await sa.next("receipt")).toMatchObject({
      conversationId: id,
      userId: b!.id,
      readSeq: m.seq,
      deliveredSeq: m.seq,
    });
    expect((await sc.next("receipt")).userId).toBe(b!.id);
  });

  it("forwards typing, throttles repeats, and stops it by itself when it expires", async () => {
    const [a, b] = await createUsers(2);
    const id = await directConversation(a!, b!);
    const [sa, sb] = await Promise.all([socket(a!.token), socket(b!.token)]);
    sa.send({ type: "typing", conversationId: id, state: "start" });
    const start = await sb.next("typing");
    expect(start).toMatchObject({ conversationId: id, userId: a!.id, state: "start" });
    expect(Date.parse(start.expiresAt)).toBeGreaterThan(Date.now());
    sa.send({ type: "typing", conversationId: id, state: "start" });
    await sb.expectNone("typing", 200);
    sa.send({ type: "typing", conversationId: id, state: "stop" });
    expect((await sb.next("typing")).state).toBe("stop");

    advanceClockForTests(5_000);
    sa.send({ type: "typing", conversationId: id, state: "start" });
    expect((await sb.next("typing")).state).toBe("start");
    // No stop from the client: once the indicator has expired, the room's alarm ends it.
    advanceClockForTests(7_000);
    const room = env.CHAT_ROOM.get(env.CHAT_ROOM.idFromName(id));
    expect(await runDurableObjectAlarm(room)).toBe(true);
    expect(await sb.next("typing")).toMatchObject({ userId: a!.id, state: "stop", expiresAt: null });
    await sa.expectNone("typing", 50);
  });

  it("answers NOT_FOUND to a non-member and never tells them anything", async () => {
    const [a, b, outsider] = await createUsers(3);
    const id = await directConversation(a!, b!);
    const so = await socket(outsider!.token);
    const res = await so.request({
      type: "send",
      conversationId: id,
      clientId: clientId(),
      text: "let me in",
    });
    expect(res).toMatchObject({ type: "error", code: "NOT_FOUND" });
    expect((await so.request({ type: "read", conversationId: id, seq: 1 })).code).toBe("NOT_FOUND");
    so.send({ type: "typing", conversationId: id, state: "start" });
    await sendHttp(a!, id, "private");
    await so.expectNone("message");
    await so.expectNone("typing", 0);
  });

  it("stops a blocked member from continuing a 1:1: nothing new reaches either side", async () => {
    const [a, b] = await createUsers(2);
    const id = await directConversation(a!, b!);
    const [sa, sb] = await Promise.all([socket(a!.token), socket(b!.token)]);
    await sa.request({ type: "send", conversationId: id, clientId: clientId(), text: "before" });
    await sb.next("message");
    await block(b!, a!);
    const refused = await sa.request({
      type: "send",
      conversationId: id,
      clientId: clientId(),
      text: "after",
    });
    expect(refused.code).toBe("NOT_FOUND");
    expect(
      (await sb.request({ type: "send", conversationId: id, clientId: clientId(), text: "x" })).code,
    ).toBe("NOT_FOUND");
    sa.send({ type: "typing", conversationId: id, state: "start" });
    await sb.expectNone("message");
    await sb.expectNone("typing", 0);
  });

  it("lets a member who does not accept messages get replies once they wrote first", async () => {
    const [a, b, c] = await createUsers(3);
    const id = await directConversation(b!, a!);
    await sendHttp(b!, id, "I write first");
    await setPrivacy(b!, { allowMessages: "NONE" });
    const sa = await socket(a!.token);
    const reply = await sa.request({
      type: "send",
      conversationId: id,
      clientId: clientId(),
      text: "replying",
    });
    expect(reply.type).toBe("ack");
    // A 1:1 with someone who now accepts nobody and never wrote in it: refused.
    const id2 = await directConversation(a!, c!);
    await setPrivacy(c!, { allowMessages: "NONE" });
    const refused = await sa.request({
      type: "send",
      conversationId: id2,
      clientId: clientId(),
      text: "hi?",
    });
    expect(refused.code).toBe("MESSAGES_NOT_ALLOWED");
  });

  it("limits sends to 50 a minute per member across sockets", async () => {
    const [a, b] = await createUsers(2);
    const id = await directConversation(a!, b!);
    const [t1, t2] = await Promise.all([socket(a!.token), socket(a!.token)]);
    startOfFreshWindow(MINUTE);
    for (let i = 0; i < 50; i++) {
      const tab = i % 2 ? t1 : t2;
      expect(
        (await tab.request({ type: "send", conversationId: id, clientId: `r${i}`, text: "x" })).type,
      ).toBe("ack");
    }
    const refused = await t1.request({ type: "send", conversationId: id, clientId: "r50", text: "x" });
    expect(refused.code).toBe("RATE_LIMITED");
  });

  it("refuses actions once the access token expired, until a fresh token is presented", async () => {
    const [a, b] = await createUsers(2);
    const id = await directConversation(a!, b!);
    const sa = await socket(a!.token);
    advanceClockForTests(16 * 60_000);
    const expired = await sa.request({
      type: "send",
      conversationId: id,
      clientId: clientId(),
      text: "late",
    });
    expect(expired.code).toBe("TOKEN_EXPIRED");
    const login = await post(
      "/api/v1/auth/login",
      { identifier: a!.username, password: a!.password },
      { ip: a!.ip },
    );
    const auth = await sa.request({ type: "auth", token: login.body.accessToken });
    expect(auth.type).toBe("ack");
    const other = await sa.request({ type: "auth", token: b!.token });
    expect(other.type).toBe("error");
    const sent = await sa.request({ type: "send", conversationId: id, clientId: clientId(), text: "back" });
    expect(sent.type).toBe("ack");
  });

  it("publishes a message notice for offline members, none for online or muted ones (mentions always)", async () => {
    const [a, offline, muted, online] = await createUsers(4);
    const id = await groupConversation(a!, [offline!, muted!, online!]);
    await patch(`/api/v1/conversations/${id}/settings`, { muted: true }, { token: muted!.token });
    const so = await socket(online!.token);
    await sendHttp(a!, id, "news");
    await so.next("message");
    await waitForDomainEvent(`message:${id}:1:${offline!.id}`);
    const mention = await sendHttp(a!, id, `@${muted!.username} look`);
    await waitForDomainEvent(`mention:${id}:${mention.seq}:${muted!.id}`);
    await waitForDomainEvent(`message:${id}:${mention.seq}:${offline!.id}`);
    const keys = await env.DB.prepare("SELECT key FROM queue_receipts WHERE key LIKE ?")
      .bind(`%:${id}:%`)
      .all<{ key: string }>();
    const published = keys.results.map((r) => r.key.replace(`majlis-notify:`, "")).sort();
    expect(published).toEqual(
      [
        `message:${id}:1:${offline!.id}`,
        `message:${id}:2:${offline!.id}`,
        `mention:${id}:2:${muted!.id}`,
      ].sort(),
    );
  });

  it("pushes events from other modules to every open socket, and closes a session's sockets on sign-out", async () => {
    const user = await createUser();
    const second = await post(
      "/api/v1/auth/login",
      { identifier: user.username, password: user.password },
      { ip: user.ip },
    );
    const [tab1, tab2] = await Promise.all([socket(user.token), socket(second.body.accessToken)]);
    expect(await pushToUser(env, user.id, { type: "media_ready", mediaId: "m1" })).toBe(2);
    expect(await tab1.next("media_ready")).toEqual({ type: "media_ready", mediaId: "m1" });
    await tab2.next("media_ready");
    const sessionOf = (token: string) =>
      JSON.parse(atob(token.split(".")[1]!.replace(/-/g, "+").replace(/_/g, "/"))).sid;
    await disconnectUser(env, user.id, [sessionOf(user.token)]);
    expect(await tab1.closedWith()).toBe(4001);
    expect(tab2.closed).toBeNull();
    await disconnectUser(env, user.id);
    expect(await tab2.closedWith()).toBe(4001);
    expect(await pushToUser(env, user.id, { type: "media_ready", mediaId: "m2" })).toBe(0);
  });
});
