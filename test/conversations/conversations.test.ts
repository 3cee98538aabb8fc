import { describe, expect, it } from "vitest";
import { directConversation, groupConversation, sendHttp } from "../support/conversations";
import { block, connect } from "../support/graph";
import { env, get, patch, post } from "../support/http";
import { createUser, createUsers, type TestUser } from "../support/users";
import { eventually } from "../support/ws";

const create = (user: TestUser, body: unknown) => post("/api/v1/conversations", body, { token: user.token });
const list = (user: TestUser, query = "") => get(`/api/v1/conversations${query}`, { token: user.token });
const setPrivacy = async (user: TestUser, privacy: object) => {
  const res = await patch("/api/v1/profiles/me", { privacy }, { token: user.token });
  expect(res.status).toBe(200);
};

describe("POST /api/v1/conversations", () => {
  it("starts a 1:1 once per pair: asking again, from either side, answers the same conversation", async () => {
    const [a, b] = await createUsers(2);
    const first = await create(a!, { memberIds: [b!.id] });
    expect(first.status).toBe(201);
    const conversation = first.body.conversation;
    expect(conversation).toMatchObject({
      type: "DIRECT",
      name: null,
      memberCount: 2,
      unreadCount: 0,
      lastMessage: null,
    });
    expect(conversation.peer).toMatchObject({ id: b!.id, username: b!.username });
    expect(conversation.members.map((m: any) => m.user.id).sort()).toEqual([a!.id, b!.id].sort());

    const again = await create(a!, { memberIds: [b!.id] });
    expect(again.status).toBe(200);
    expect(again.body.conversation.id).toBe(conversation.id);
    const reverse = await create(b!, { memberIds: [a!.id] });
    expect(reverse.status).toBe(200);
    expect(reverse.body.conversation.id).toBe(conversation.id);
    expect(reverse.body.conversation.peer.id).toBe(a!.id);
  });

  it("creates exactly one 1:1 when both members start it at the same moment", async () => {
    const [a, b] = await createUsers(2);
    const results = await Promise.all([
      create(a!, { memberIds: [b!.id] }),
      create(b!, { memberIds: [a!.id] }),
      create(a!, { memberIds: [b!.id] }),
    ]);
    const ids = new Set(results.map((r) => r.body.conversation.id));
    expect(ids.size).toBe(1);
    const rows = await env.DB.prepare(
      "SELECT count(*) AS n FROM conversation_members WHERE conversation_id = ?",
    )
      .bind([...ids][0])
      .first<{ n: number }>();
    expect(rows!.n).toBe(2);
  });

  it("creates a group with a name: the creator is its admin, their connections its members", async () => {
    const [a, b, c] = await createUsers(3);
    await connect(a!, b!);
    await connect(c!, a!);
    const res = await create(a!, { memberIds: [b!.id, c!.id, a!.id], name: "  فريق التصميم\u202E " });
    expect(res.status).toBe(201);
    const g = res.body.conversation;
    expect(g).toMatchObject({
      type: "GROUP",
      name: "فريق التصميم",
      memberCount: 3,
      role: "ADMIN",
      peer: null,
    });
    expect(res.body.invited).toEqual([]);
    const roles = Object.fromEntries(g.members.map((m: any) => [m.user.id, m.role]));
    expect(roles).toEqual({ [a!.id]: "ADMIN", [b!.id]: "MEMBER", [c!.id]: "MEMBER" });
  });

  it("makes a named conversation with one other member a group of two", async () => {
    const [a, b] = await createUsers(2);
    await connect(a!, b!);
    const res = await create(a!, { memberIds: [b!.id], name: "Project" });
    expect(res.status).toBe(201);
    expect(res.body.conversation).toMatchObject({ type: "GROUP", memberCount: 2 });
  });

  it.each([
    ["no members", { memberIds: [] }],
    ["a repeated member", { memberIds: ["01ARZ3NDEKTSV4RRFFQ69G5FAV", "01ARZ3NDEKTSV4RRFFQ69G5FAV"] }],
    ["a name that is too long", { memberIds: ["01ARZ3NDEKTSV4RRFFQ69G5FAV"], name: "x".repeat(101) }],
    [
      "a name of only control characters",
      { memberIds: ["01ARZ3NDEKTSV4RRFFQ69G5FAV"], name: " \u202E\u0000 " },
    ],
    ["members that are not a list", { memberIds: "01ARZ3NDEKTSV4RRFFQ69G5FAV" }],
    [
      "more than 255 other members",
      { memberIds: Array.from({ length: 256 }, (_, i) => `u${i}`), name: "big" },
    ],
  ])("answers 400 for %s", async (_label, body) => {
    const a = await createUser();
    const res = await create(a, body);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("VALIDATION_ERROR");
  });

  it("refuses a conversation with only yourself", async () => {
    const a = await createUser();
    const res = await create(a, { memberIds: [a.id] });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("CANNOT_TARGET_SELF");
  });

  it("answers 404 for an unknown member, a deleted one, and a blocked one in either direction", async () => {
    const [a, b, c, d] = await createUsers(4);
    expect((await create(a!, { memberIds: ["01ARZ3NDEKTSV4RRFFQ69G5FAV"] })).status).toBe(404);
    await block(b!, a!);
    expect((await create(a!, { memberIds: [b!.id] })).status).toBe(404);
    await block(a!, c!);
    expect((await create(a!, { memberIds: [c!.id] })).status).toBe(404);
    const group = await create(a!, { memberIds: [d!.id, c!.id], name: "g" });
    expect(group.status).toBe(404);
    expect(group.body.error.details).toEqual([{ path: "memberIds.1", message: "not found" }]);
    await env.DB.prepare("UPDATE users SET status = 'SUSPENDED' WHERE id = ?").bind(d!.id).run();
    expect((await create(a!, { memberIds: [d!.id] })).status).toBe(404);
  });

  it("respects allowMessages: NONE refuses everyone, CONNECTIONS only admits connections", async () => {
    const [a, b, c] = await createUsers(3);
    await setPrivacy(b!, { allowMessages: "NONE" });
    const refused = await create(a!, { memberIds: [b!.id] });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe("MESSAGES_NOT_ALLOWED");
    expect((await create(a!, { memberIds: [b!.id, c!.id], name: "g" })).status).toBe(403);

    await setPrivacy(c!, { allowMessages: "CONNECTIONS" });
    expect((await create(a!, { memberIds: [c!.id] })).status).toBe(403);
    await connect(a!, c!);
    expect((await create(a!, { memberIds: [c!.id] })).status).toBe(201);
  });

  it("requires a verified email and a valid token", async () => {
    const [a, b] = await createUsers(2);
    const unverified = await createUser({ verified: false });
    const res = await create(unverified, { memberIds: [b!.id] });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe("EMAIL_NOT_VERIFIED");
    expect((await post("/api/v1/conversations", { memberIds: [b!.id] })).status).toBe(401);
    expect(
      (await post("/api/v1/conversations", { memberIds: [b!.id] }, { token: "garbage.token.here" })).status,
    ).toBe(401);
    expect((await get("/api/v1/conversations", { token: `${a!.token}x` })).status).toBe(401);
  });
});

describe("GET /api/v1/conversations", () => {
  it("lists newest activity first with previews and unread counts, paging with a cursor", async () => {
    const [me, x, y, z] = await createUsers(4);
    const c1 = await directConversation(x!, me!);
    const c2 = await groupConversation(y!, [me!, z!], "group");
    const c3 = await directConversation(z!, me!);
    await sendHttp(x!, c1, "one");
    await sendHttp(y!, c2, "two");
    await sendHttp(z!, c3, "three");
    await sendHttp(z!, c3, "four ".repeat(40));

    const page1 = await eventually(async () => {
      const res = await list(me!, "?limit=2");
      return res.body.data[0]?.lastMessage?.seq === 2 ? res : null;
    });
    expect(page1.status).toBe(200);
    expect(page1.body.data.map((c: any) => c.id)).toEqual([c3, c2]);
    const first = page1.body.data[0];
    expect(first).toMatchObject({ type: "DIRECT", unreadCount: 2, lastSeq: 2 });
    expect(first.lastMessage.preview.length).toBe(120);
    expect(first.lastMessage.preview.endsWith("…")).toBe(true);
    expect(first.peer.id).toBe(z!.id);
    const page2 = await list(me!, `?limit=2&cursor=${page1.body.nextCursor}`);
    expect(page2.body.data.map((c: any) => c.id)).toEqual([c1]);
    expect(page2.body.nextCursor).toBeNull();
  });

  it("shows a 1:1 to the other member only once a message was sent in it", async () => {
    const [a, b] = await createUsers(2);
    const id = await directConversation(a!, b!);
    expect((await list(a!)).body.data.map((c: any) => c.id)).toEqual([id]);
    expect((await list(b!)).body.data).toEqual([]);
    await sendHttp(a!, id, "hello");
    await eventually(async () => (await list(b!)).body.data[0]?.id === id);
  });

  it("puts pinned conversations first and keeps archived ones in their own list", async () => {
    const [me, x, y, z] = await createUsers(4);
    const cx = await groupConversation(x!, [me!], "x");
    const cy = await groupConversation(y!, [me!], "y");
    const cz = await groupConversation(z!, [me!], "z");
    const pin = await patch(`/api/v1/conversations/${cx}/settings`, { pinned: true }, { token: me!.token });
    expect(pin.status).toBe(200);
    expect(pin.body.conversation.pinned).toBe(true);
    await patch(`/api/v1/conversations/${cy}/settings`, { archived: true }, { token: me!.token });
    expect((await list(me!)).body.data.map((c: any) => c.id)).toEqual([cx, cz]);
    // Paging crosses from the pinned conversations to the others without skipping or repeating one.
    const first = await list(me!, "?limit=1");
    expect(first.body.data.map((c: any) => c.id)).toEqual([cx]);
    const second = await list(me!, `?limit=1&cursor=${first.body.nextCursor}`);
    expect(second.body.data.map((c: any) => c.id)).toEqual([cz]);
    expect(second.body.nextCursor).toBeNull();
    const wrongType = btoa(JSON.stringify({ p: "1", t: 0, id: cx }))
      .replace(/\+/g, "-")
      .replace(/\//g, "_")
      .replace(/=+$/, "");
    expect((await list(me!, `?cursor=${wrongType}`)).body.error.code).toBe("INVALID_CURSOR");
    const archived = await list(me!, "?archived=true");
    expect(archived.body.data.map((c: any) => c.id)).toEqual([cy]);
    expect(archived.body.data[0].archived).toBe(true);
    expect((await list(me!, "?archived=maybe")).status).toBe(400);
    expect((await list(me!, "?cursor=bm90LWEtY3Vyc29y")).body.error.code).toBe("INVALID_CURSOR");
  });

  it("hides a 1:1 with a member who blocked you or whom you blocked", async () => {
    const [a, b] = await createUsers(2);
    const id = await directConversation(a!, b!);
    await sendHttp(a!, id, "hi");
    await block(b!, a!);
    expect((await list(a!)).body.data).toEqual([]);
    expect((await list(b!)).body.data).toEqual([]);
    expect((await get(`/api/v1/conversations/${id}`, { token: a!.token })).status).toBe(404);
    expect((await get(`/api/v1/conversations/${id}`, { token: b!.token })).status).toBe(404);
  });
});

describe("GET /api/v1/conversations/{id} and settings", () => {
  it("answers 404 to a member of nothing, for unknown ids and malformed ids", async () => {
    const [a, b, outsider] = await createUsers(3);
    const id = await directConversation(a!, b!);
    expect((await get(`/api/v1/conversations/${id}`, { token: outsider!.token })).status).toBe(404);
    expect((await get("/api/v1/conversations/01ARZ3NDEKTSV4RRFFQ69G5FAV", { token: a!.token })).status).toBe(
      404,
    );
    expect((await get("/api/v1/conversations/not-an-id", { token: a!.token })).status).toBe(404);
    expect((await get(`/api/v1/conversations/${id}`)).status).toBe(401);
  });

  it("mutes until a time or until unmuted", async () => {
    const [a, b] = await createUsers(2);
    const id = await directConversation(a!, b!);
    const until = new Date(Date.now() + 3_600_000).toISOString();
    const muted = await patch(
      `/api/v1/conversations/${id}/settings`,
      { muted: true, mutedUntil: until },
      { token: a!.token },
    );
    expect(muted.body.conversation).toMatchObject({ muted: true, mutedUntil: until });
    const forever = await patch(`/api/v1/conversations/${id}/settings`, { muted: true }, { token: a!.token });
    expect(forever.body.conversation).toMatchObject({ muted: true, mutedUntil: null });
    const unmuted = await patch(
      `/api/v1/conversations/${id}/settings`,
      { muted: false },
      { token: a!.token },
    );
    expect(unmuted.body.conversation).toMatchObject({ muted: false, mutedUntil: null });
    const past = await patch(
      `/api/v1/conversations/${id}/settings`,
      { muted: true, mutedUntil: "2000-01-01T00:00:00Z" },
      { token: a!.token },
    );
    expect(past.status).toBe(400);
    expect((await patch(`/api/v1/conversations/${id}/settings`, {}, { token: a!.token })).status).toBe(400);
    expect(
      (await patch(`/api/v1/conversations/${id}/settings`, { pinned: "yes" }, { token: a!.token })).status,
    ).toBe(400);
    const outsider = await createUser();
    expect(
      (await patch(`/api/v1/conversations/${id}/settings`, { pinned: true }, { token: outsider.token }))
        .status,
    ).toBe(404);
  });
});
