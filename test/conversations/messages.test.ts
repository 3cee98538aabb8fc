import { describe, expect, it } from "vitest";
import { advanceClockForTests, MINUTE } from "../../src/platform/clock";
import { newId } from "../../src/platform/ids";
import { startOfFreshWindow } from "../support/clock";
import {
  clientId,
  conversationOf,
  directConversation,
  groupConversation,
  history,
  sendHttp,
} from "../support/conversations";
import { block } from "../support/graph";
import { del, env, get, patch, post, put } from "../support/http";
import { createUser, createUsers, type TestUser } from "../support/users";
import { eventually } from "../support/ws";

const messagesOf = (id: string) => `/api/v1/conversations/${id}/messages`;
const send = (user: TestUser, id: string, body: unknown) => post(messagesOf(id), body, { token: user.token });

async function mediaRow(owner: TestUser, status = "READY", kind = "POST_IMAGE"): Promise<string> {
  const id = newId();
  await env.DB.prepare(
    `INSERT INTO media (id, owner_id, kind, status, mime_type, size, alt_text, width, height, created_at, updated_at)
    VALUES (?, ?, ?, ?, 'image/webp', 2048, 'صورة', 800, 600, ?, ?)`,
  )
    .bind(id, owner.id, kind, status, Date.now(), Date.now())
    .run();
  return id;
}

describe("POST /api/v1/conversations/{id}/messages", () => {
  it("stores the message with its seq, clientId, sender, text, state and timestamps", async () => {
    const [a, b] = await createUsers(2);
    const id = await directConversation(a!, b!);
    const res = await send(a!, id, { clientId: "first-1", text: "  السلام عليكم \u0000" });
    expect(res.status).toBe(201);
    expect(res.body.duplicate).toBe(false);
    expect(res.body.message).toMatchObject({
      conversationId: id,
      seq: 1,
      clientId: "first-1",
      senderId: a!.id,
      state: "SENT",
      text: "السلام عليكم",
      attachments: [],
      replyTo: null,
      reactions: [],
      editedAt: null,
      deletedAt: null,
    });
    expect(Date.parse(res.body.message.createdAt)).toBeGreaterThan(0);
    const second = await send(b!, id, { clientId: "first-1", text: "same clientId, other sender" });
    expect(second.body.message.seq).toBe(2);
    expect((await history(b!, id)).data.map((m) => m.text)).toEqual([
      "السلام عليكم",
      "same clientId, other sender",
    ]);
  });

  it("never stores a retried send twice: the same clientId answers the first message", async () => {
    const [a, b] = await createUsers(2);
    const id = await directConversation(a!, b!);
    const body = { clientId: "retry-me", text: "once" };
    const results = await Promise.all([send(a!, id, body), send(a!, id, body), send(a!, id, body)]);
    expect(results.map((r) => r.body.message.seq)).toEqual([1, 1, 1]);
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    expect(results.filter((r) => r.status === 200 && r.body.duplicate === true)).toHaveLength(2);
    expect((await history(a!, id)).data).toHaveLength(1);
  });

  it.each([
    ["no text and no attachments", { clientId: "c1" }],
    ["only control characters", { clientId: "c1", text: "\u202E\u0000 " }],
    ["text over 5,000 characters", { clientId: "c1", text: "ا".repeat(5001) }],
    ["a missing clientId", { text: "hi" }],
    ["a clientId with spaces", { clientId: "a b", text: "hi" }],
    ["a clientId of 65 characters", { clientId: "x".repeat(65), text: "hi" }],
    ["text that is a number", { clientId: "c1", text: 42 }],
    ["eleven attachments", { clientId: "c1", attachments: Array.from({ length: 11 }, (_, i) => `m${i}`) }],
    ["a repeated attachment", { clientId: "c1", attachments: ["m1", "m1"] }],
    ["replyTo that is not a number", { clientId: "c1", text: "hi", replyTo: "one" }],
  ])("answers 400 for %s", async (_label, body) => {
    const [a, b] = await createUsers(2);
    const id = await directConversation(a!, b!);
    const res = await send(a!, id, body);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("VALIDATION_ERROR");
  });

  it("accepts exactly 5,000 characters", async () => {
    const [a, b] = await createUsers(2);
    const id = await directConversation(a!, b!);
    const res = await send(a!, id, { clientId: clientId(), text: "ب".repeat(5000) });
    expect(res.status).toBe(201);
    expect(res.body.message.text).toHaveLength(5000);
  });

  it("attaches only the sender's own READY media", async () => {
    const [a, b] = await createUsers(2);
    const id = await directConversation(a!, b!);
    const mine = await mediaRow(a!);
    const processing = await mediaRow(a!, "PROCESSING");
    const theirs = await mediaRow(b!);
    const ok = await send(a!, id, { clientId: clientId(), attachments: [mine] });
    expect(ok.status).toBe(201);
    expect(ok.body.message.text).toBeNull();
    expect(ok.body.message.attachments).toEqual([
      {
        id: mine,
        kind: "POST_IMAGE",
        mimeType: "image/webp",
        size: 2048,
        width: 800,
        height: 600,
        altText: "صورة",
      },
    ]);
    for (const bad of [processing, theirs, "01ARZ3NDEKTSV4RRFFQ69G5FAV"]) {
      const res = await send(a!, id, { clientId: clientId(), text: "x", attachments: [mine, bad] });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe("INVALID_MEDIA");
    }
    expect((await history(b!, id)).data).toHaveLength(1);
  });

  it("links a reply to the message it answers and mentions to members", async () => {
    const [a, b, c, outsider] = await createUsers(4);
    const id = await groupConversation(a!, [b!, c!]);
    const first = await sendHttp(b!, id, "Who reviews this?");
    const reply = await send(a!, id, {
      clientId: clientId(),
      text: `@${c!.username.toUpperCase()} and @${outsider!.username}, please look (cc @${a!.username})`,
      replyTo: first.seq,
    });
    expect(reply.status).toBe(201);
    expect(reply.body.message.replyTo).toEqual({
      seq: first.seq,
      senderId: b!.id,
      preview: "Who reviews this?",
      state: "SENT",
    });
    expect(reply.body.message.mentions).toEqual([c!.id]);
    const missing = await send(a!, id, { clientId: clientId(), text: "x", replyTo: 999 });
    expect(missing.status).toBe(404);
  });

  it("answers 404 to non-members and to a member blocked in a 1:1, and 401 without a token", async () => {
    const [a, b, outsider] = await createUsers(3);
    const id = await directConversation(a!, b!);
    await sendHttp(a!, id, "before the block");
    expect((await send(outsider!, id, { clientId: clientId(), text: "hi" })).status).toBe(404);
    expect((await send(a!, "01ARZ3NDEKTSV4RRFFQ69G5FAV", { clientId: clientId(), text: "hi" })).status).toBe(
      404,
    );
    expect((await post(messagesOf(id), { clientId: clientId(), text: "hi" })).status).toBe(401);
    await block(b!, a!);
    const refused = await send(a!, id, { clientId: clientId(), text: "after the block" });
    expect(refused.status).toBe(404);
    expect((await send(b!, id, { clientId: clientId(), text: "blocker writes" })).status).toBe(404);
    expect((await get(messagesOf(id), { token: a!.token })).status).toBe(404);
    expect((await get(messagesOf(id), { token: b!.token })).status).toBe(404);
  });

  it("needs a verified email to send", async () => {
    const admin = await createUser();
    const unverified = await createUser({ verified: false });
    const id = await groupConversation(admin, [unverified]);
    const refused = await send(unverified, id, { clientId: clientId(), text: "hi" });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe("EMAIL_NOT_VERIFIED");
    expect((await history(admin, id)).data).toHaveLength(0);
  });

  it("allows 50 messages a minute per member, then answers 429 with Retry-After", async () => {
    const [a, b] = await createUsers(2);
    const id = await directConversation(a!, b!);
    startOfFreshWindow(MINUTE);
    for (let i = 0; i < 50; i++) {
      const res = await send(a!, id, { clientId: `burst-${i}`, text: `${i}` });
      expect(res.status).toBe(201);
    }
    const refused = await send(a!, id, { clientId: "burst-50", text: "one too many" });
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe("RATE_LIMITED");
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await history(a!, id, "?limit=100")).data).toHaveLength(50);
  });
});

describe("GET /api/v1/conversations/{id}/messages", () => {
  it("pages by seq: latest, before and after, always in ascending order", async () => {
    const [a, b] = await createUsers(2);
    const id = await directConversation(a!, b!);
    for (let i = 1; i <= 7; i++) await sendHttp(i % 2 ? a! : b!, id, `m${i}`);
    const latest = await history(b!, id, "?limit=3");
    expect(latest.data.map((m) => m.seq)).toEqual([5, 6, 7]);
    expect(latest).toMatchObject({ hasMore: true, lastSeq: 7 });
    const older = await history(b!, id, "?limit=3&before=5");
    expect(older.data.map((m) => m.seq)).toEqual([2, 3, 4]);
    const oldest = await history(b!, id, "?limit=3&before=2");
    expect(oldest.data.map((m) => m.seq)).toEqual([1]);
    expect(oldest.hasMore).toBe(false);
    const newer = await history(b!, id, "?after=4&limit=2");
    expect(newer.data.map((m) => m.seq)).toEqual([5, 6]);
    expect(newer.hasMore).toBe(true);
    for (const q of ["?limit=0", "?limit=101", "?before=abc", "?after=-1"]) {
      const res = await get(`${messagesOf(id)}${q}`, { token: a!.token });
      expect(res.status).toBe(400);
    }
  });
});

describe("edit, delete, react, read", () => {
  it("edits your own message within 15 minutes, never someone else's", async () => {
    const [a, b] = await createUsers(2);
    const id = await directConversation(a!, b!);
    const m = await sendHttp(a!, id, "helo");
    const edited = await patch(`${messagesOf(id)}/${m.seq}`, { text: "hello" }, { token: a!.token });
    expect(edited.status).toBe(200);
    expect(edited.body.message).toMatchObject({ seq: m.seq, text: "hello", state: "EDITED" });
    expect(edited.body.message.editedAt).not.toBeNull();
    const notMine = await patch(`${messagesOf(id)}/${m.seq}`, { text: "hijack" }, { token: b!.token });
    expect(notMine.status).toBe(403);
    expect((await patch(`${messagesOf(id)}/${m.seq}`, { text: "" }, { token: a!.token })).status).toBe(400);
    expect((await patch(`${messagesOf(id)}/999`, { text: "x" }, { token: a!.token })).status).toBe(404);
    advanceClockForTests(15 * 60_000 + 1_000);
    // Access tokens expired with the clock move (they live 15 minutes): refresh them.
    const fresh = await post("/api/v1/auth/refresh", { refreshToken: a!.refreshToken }, { ip: a!.ip });
    expect(fresh.status).toBe(200);
    const late = await patch(
      `${messagesOf(id)}/${m.seq}`,
      { text: "too late" },
      { token: fresh.body.accessToken },
    );
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe("EDIT_WINDOW_CLOSED");
    const freshB = await post("/api/v1/auth/refresh", { refreshToken: b!.refreshToken }, { ip: b!.ip });
    expect((await history({ ...b!, token: freshB.body.accessToken }, id)).data[0].text).toBe("hello");
  });

  it("deletes for me (only my view) or for everyone (a tombstone for all)", async () => {
    const [a, b] = await createUsers(2);
    const id = await directConversation(a!, b!);
    const m1 = await sendHttp(a!, id, "keep for b");
    const m2 = await sendHttp(a!, id, "secret");
    expect((await del(`${messagesOf(id)}/${m1.seq}?scope=me`, undefined, { token: a!.token })).status).toBe(
      204,
    );
    expect((await history(a!, id)).data.map((m) => m.seq)).toEqual([m2.seq]);
    expect((await history(b!, id)).data.map((m) => m.seq)).toEqual([m1.seq, m2.seq]);

    expect(
      (await del(`${messagesOf(id)}/${m2.seq}?scope=everyone`, undefined, { token: b!.token })).status,
    ).toBe(403);
    expect(
      (await del(`${messagesOf(id)}/${m2.seq}?scope=everyone`, undefined, { token: a!.token })).status,
    ).toBe(204);
    const seen = (await history(b!, id)).data.find((m) => m.seq === m2.seq);
    expect(seen).toMatchObject({ state: "DELETED", text: null, attachments: [], reactions: [] });
    expect(JSON.stringify(await history(b!, id))).not.toContain("secret");
    expect(
      (await del(`${messagesOf(id)}/${m2.seq}?scope=everyone`, undefined, { token: a!.token })).status,
    ).toBe(204);
    expect((await del(`${messagesOf(id)}/${m2.seq}?scope=all`, undefined, { token: a!.token })).status).toBe(
      400,
    );
    const editDeleted = await patch(`${messagesOf(id)}/${m2.seq}`, { text: "back" }, { token: a!.token });
    expect(editDeleted.body.error.code).toBe("MESSAGE_DELETED");
    await eventually(async () => (await conversationOf(b!, id)).lastMessage?.preview === null);
  });

  it("lets a group admin delete anyone's message for everyone", async () => {
    const [admin, member, other] = await createUsers(3);
    const id = await groupConversation(admin!, [member!, other!]);
    const m = await sendHttp(member!, id, "spam");
    expect(
      (await del(`${messagesOf(id)}/${m.seq}?scope=everyone`, undefined, { token: other!.token })).status,
    ).toBe(403);
    expect(
      (await del(`${messagesOf(id)}/${m.seq}?scope=everyone`, undefined, { token: admin!.token })).status,
    ).toBe(204);
    expect((await history(other!, id)).data[0].state).toBe("DELETED");
  });

  it("keeps one reaction per member, changeable and removable", async () => {
    const [a, b, c] = await createUsers(3);
    const id = await groupConversation(a!, [b!, c!]);
    const m = await sendHttp(a!, id, "ship it?");
    const url = `${messagesOf(id)}/${m.seq}/reaction`;
    expect((await put(url, { emoji: "👍" }, { token: b!.token })).status).toBe(200);
    await put(url, { emoji: "👍🏽" }, { token: c!.token });
    const changed = await put(url, { emoji: "🎉" }, { token: b!.token });
    expect(changed.body.message.reactions).toEqual([
      { emoji: "👍🏽", count: 1, userIds: [c!.id] },
      { emoji: "🎉", count: 1, userIds: [b!.id] },
    ]);
    const removed = await del(url, undefined, { token: b!.token });
    expect(removed.body.message.reactions).toEqual([{ emoji: "👍🏽", count: 1, userIds: [c!.id] }]);
    for (const emoji of ["abc", "", "1", "👍 x", "👍".repeat(20)]) {
      expect((await put(url, { emoji }, { token: b!.token })).status).toBe(400);
    }
    expect((await put(`${messagesOf(id)}/404/reaction`, { emoji: "👍" }, { token: b!.token })).status).toBe(
      404,
    );
  });

  it("marks read up to a seq: unread count drops and members see the receipt", async () => {
    const [a, b] = await createUsers(2);
    const id = await directConversation(a!, b!);
    await sendHttp(a!, id, "1");
    await sendHttp(a!, id, "2");
    const m3 = await sendHttp(a!, id, "3");
    await eventually(async () => (await conversationOf(b!, id)).unreadCount === 3);
    const read = await post(`/api/v1/conversations/${id}/read`, { seq: 2 }, { token: b!.token });
    expect(read.body).toEqual({ readSeq: 2 });
    expect((await conversationOf(b!, id)).unreadCount).toBe(1);
    // Reading backwards changes nothing; reading past the end stops at the last seq.
    expect((await post(`/api/v1/conversations/${id}/read`, { seq: 1 }, { token: b!.token })).body).toEqual({
      readSeq: 2,
    });
    expect((await post(`/api/v1/conversations/${id}/read`, { seq: 99 }, { token: b!.token })).body).toEqual({
      readSeq: m3.seq,
    });
    const seenByA = await conversationOf(a!, id);
    expect(seenByA.members.find((m: any) => m.user.id === b!.id).readSeq).toBe(m3.seq);
    expect((await conversationOf(b!, id)).unreadCount).toBe(0);
    expect((await post(`/api/v1/conversations/${id}/read`, { seq: 0 }, { token: b!.token })).status).toBe(
      400,
    );
  });

  it("does not count your own messages as unread", async () => {
    const [a, b] = await createUsers(2);
    const id = await directConversation(a!, b!);
    await sendHttp(b!, id, "question");
    await sendHttp(a!, id, "answer");
    await eventually(async () => (await conversationOf(a!, id)).lastSeq === 2);
    expect((await conversationOf(a!, id)).unreadCount).toBe(0);
    expect((await conversationOf(b!, id)).unreadCount).toBe(1);
  });
});
