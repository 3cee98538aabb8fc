import { describe, expect, it } from "vitest";
import { newId } from "../../src/platform/ids";
import { acceptInvitation, clientId, groupConversation, history, sendHttp } from "../support/conversations";
import { block, connect } from "../support/graph";
import { del, env, get, patch, post } from "../support/http";
import { setUserStatus } from "../support/profiles";
import { createUsers, type TestUser, uniqueName } from "../support/users";
import { socketsClosedAfterEach } from "../support/ws";

/**
 * Nobody is put into a group without consent: an admin adds their connections at once; anyone else is
 * invited and becomes a member (and sees anything of the group) only by accepting.
 */
const base = (id: string) => `/api/v1/conversations/${id}`;
const create = (user: TestUser, memberIds: string[], name = "فريق") =>
  post("/api/v1/conversations", { memberIds, name }, { token: user.token });
const add = (actor: TestUser, id: string, userIds: string[]) =>
  post(`${base(id)}/members`, { userIds }, { token: actor.token });
const invitationsOf = async (user: TestUser) => {
  const res = await get("/api/v1/conversations/invitations", { token: user.token });
  expect(res.status).toBe(200);
  return res.body.data as any[];
};
const decline = (user: TestUser, id: string) =>
  post(`${base(id)}/invitation/decline`, undefined, { token: user.token });

const opened = socketsClosedAfterEach();
const socket = (user: TestUser) => opened(user.token);

/** Members written straight to D1 (set-up for limits that need many people). */
async function strangers(n: number): Promise<string[]> {
  const now = Date.now();
  const ids = Array.from({ length: n }, () => newId());
  await env.DB.batch(
    ids.map((id) => {
      const username = uniqueName("inv");
      return env.DB.prepare(
        `INSERT INTO users (id, username, email, email_verified_at, password_hash, display_name, created_at, updated_at)
        VALUES (?, ?, ?, ?, 'not-a-hash', ?, ?, ?)`,
      ).bind(id, username, `${username}@example.com`, now, `Stranger ${username}`, now, now);
    }),
  );
  return ids;
}

describe("creating a group", () => {
  it("adds the creator's connections at once and invites everyone else, who see nothing until they accept", async () => {
    const [admin, friend, stranger] = await createUsers(3);
    await connect(admin!, friend!);
    const [sFriend, sStranger] = [await socket(friend!), await socket(stranger!)];
    const res = await create(admin!, [friend!.id, stranger!.id], "مجلس الإدارة");
    expect(res.status).toBe(201);
    const id = res.body.conversation.id;
    expect(res.body.invited).toEqual([stranger!.id]);
    expect(res.body.conversation.memberCount).toBe(2);
    expect(res.body.conversation.members.map((m: any) => m.user.id).sort()).toEqual(
      [admin!.id, friend!.id].sort(),
    );
    expect(await sFriend.next("conversation.updated")).toMatchObject({
      conversationId: id,
      change: "created",
      userIds: [friend!.id],
    });
    expect(await sStranger.next("conversation.invitation")).toEqual({
      type: "conversation.invitation",
      conversationId: id,
      actorId: admin!.id,
    });

    // Invited is not a member: nothing of the group reaches or answers them.
    await sendHttp(admin!, id, "before the stranger accepted");
    for (const res of [
      await get(base(id), { token: stranger!.token }),
      await get(`${base(id)}/messages`, { token: stranger!.token }),
      await post(`${base(id)}/messages`, { clientId: clientId(), text: "hi" }, { token: stranger!.token }),
    ]) {
      expect(res.status).toBe(404);
    }
    const list = await get("/api/v1/conversations", { token: stranger!.token });
    expect(list.body.data.map((c: any) => c.id)).not.toContain(id);
    const resumed = await sStranger.request({ type: "resume", conversations: { [id]: 0 } });
    expect(resumed.conversations).toEqual([{ conversationId: id, seq: null, error: "NOT_FOUND" }]);
    await sStranger.expectNone("message", 200);
    expect(JSON.stringify(sStranger.received)).not.toContain("before the stranger accepted");

    // What they see: the invitation (the group's name, who invited them, until when), no members.
    const [invitation] = await invitationsOf(stranger!);
    expect(invitation).toMatchObject({
      conversationId: id,
      name: "مجلس الإدارة",
      avatarMediaId: null,
      invitedBy: { id: admin!.id, username: admin!.username },
    });
    expect(Date.parse(invitation.expiresAt) - Date.parse(invitation.invitedAt)).toBe(30 * 86_400_000);
    expect(Object.keys(invitation).sort()).toEqual(
      ["avatarMediaId", "conversationId", "expiresAt", "invitedAt", "invitedBy", "name"].sort(),
    );

    // Accepting: a member from now on, told to the others, seeing only what comes after.
    const sAdmin = await socket(admin!);
    const accepted = await acceptInvitation(stranger!, id);
    expect(accepted.status).toBe(200);
    expect(accepted.body.conversation).toMatchObject({ id, memberCount: 3, role: "MEMBER" });
    expect(await sAdmin.next("conversation.updated")).toMatchObject({
      change: "member_joined",
      actorId: stranger!.id,
      userIds: [stranger!.id],
    });
    expect((await history(stranger!, id)).data).toEqual([]);
    await sendHttp(friend!, id, "welcome");
    expect((await sStranger.next("message")).message.text).toBe("welcome");
    expect(await invitationsOf(stranger!)).toEqual([]);
    expect((await acceptInvitation(stranger!, id)).status).toBe(404);
    // And they can leave again.
    expect((await post(`${base(id)}/leave`, undefined, { token: stranger!.token })).status).toBe(204);
    expect((await get(base(id), { token: stranger!.token })).status).toBe(404);
  });

  it("creates a group of the creator alone when nobody is a connection", async () => {
    const [admin, a, b] = await createUsers(3);
    const res = await create(admin!, [a!.id, b!.id]);
    expect(res.status).toBe(201);
    expect(res.body.invited).toEqual([a!.id, b!.id]);
    expect(res.body.conversation).toMatchObject({ memberCount: 1, role: "ADMIN" });
    expect((await invitationsOf(a!)).map((i) => i.conversationId)).toEqual([res.body.conversation.id]);
  });

  it("still refuses people whose allowMessages refuses the creator, connection or not", async () => {
    const [admin, closed, friendsOnly, closedFriend] = await createUsers(4);
    await connect(admin!, closedFriend!);
    for (const [user, allowMessages] of [
      [closed!, "NONE"],
      [friendsOnly!, "CONNECTIONS"],
      [closedFriend!, "NONE"],
    ] as const) {
      const set = await patch("/api/v1/profiles/me", { privacy: { allowMessages } }, { token: user.token });
      expect(set.status).toBe(200);
      const res = await create(admin!, [user.id]);
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe("MESSAGES_NOT_ALLOWED");
      expect(await invitationsOf(user)).toEqual([]);
    }
  });
});

describe("adding members", () => {
  it("adds a connection at once but only invites anyone else, telling the members nothing until they accept", async () => {
    const [admin, member, stranger] = await createUsers(3);
    const id = await groupConversation(admin!, [member!]);
    const sMember = await socket(member!);
    const res = await add(admin!, id, [stranger!.id]);
    expect(res.status).toBe(200);
    expect(res.body.invited).toEqual([stranger!.id]);
    expect(res.body.conversation.memberCount).toBe(2);
    await sMember.expectNone("conversation.updated", 300);
    // Asking again changes nothing and sends no second invitation.
    expect((await add(admin!, id, [stranger!.id])).body.invited).toEqual([stranger!.id]);
    expect(await invitationsOf(stranger!)).toHaveLength(1);
    // Removing someone invited withdraws the invitation.
    expect(
      (await del(`${base(id)}/members/${stranger!.id}`, undefined, { token: admin!.token })).status,
    ).toBe(204);
    expect(await invitationsOf(stranger!)).toEqual([]);
    expect((await acceptInvitation(stranger!, id)).status).toBe(404);
  });

  it("lets the invitee decline silently: the group cannot invite them again for 30 days", async () => {
    const [admin, member, stranger] = await createUsers(3);
    const id = await groupConversation(admin!, [member!]);
    await add(admin!, id, [stranger!.id]);
    expect((await decline(stranger!, id)).status).toBe(204);
    expect((await decline(stranger!, id)).status).toBe(404);
    expect((await acceptInvitation(stranger!, id)).status).toBe(404);
    // The admin cannot tell a declined invitation from a pending one, and nothing reaches the invitee.
    const again = await add(admin!, id, [stranger!.id]);
    expect(again.status).toBe(200);
    expect(again.body.invited).toEqual([stranger!.id]);
    expect(await invitationsOf(stranger!)).toEqual([]);
    // Thirty days later the group may ask again (time moved by rewriting the row: set-up).
    await env.DB.prepare(
      "UPDATE conversation_invitations SET updated_at = updated_at - 31 * 86400000, created_at = created_at - 31 * 86400000 WHERE conversation_id = ?",
    )
      .bind(id)
      .run();
    await add(admin!, id, [stranger!.id]);
    expect((await invitationsOf(stranger!)).map((i) => i.conversationId)).toEqual([id]);
  });

  it("drops an invitation when the invitee blocks the inviter, or the inviter leaves the group", async () => {
    const [admin, other, blocker, orphan] = await createUsers(4);
    const id = await groupConversation(admin!, [other!]);
    await add(admin!, id, [blocker!.id, orphan!.id]);
    await block(blocker!, admin!);
    expect(await invitationsOf(blocker!)).toEqual([]);
    expect((await acceptInvitation(blocker!, id)).status).toBe(404);
    expect((await post(`${base(id)}/leave`, undefined, { token: admin!.token })).status).toBe(204);
    expect(await invitationsOf(orphan!)).toEqual([]);
    expect((await acceptInvitation(orphan!, id)).status).toBe(404);
  });

  it("lets an invitation lapse after 30 days, while its inviter is suspended, and when the inviter blocks the invitee", async () => {
    const [admin, member, late, blocked] = await createUsers(4);
    const id = await groupConversation(admin!, [member!]);
    await add(admin!, id, [late!.id, blocked!.id]);
    // Thirty-one days pass for one of them (time moved by rewriting the row: set-up).
    await env.DB.prepare(
      "UPDATE conversation_invitations SET updated_at = updated_at - 31 * 86400000, created_at = created_at - 31 * 86400000 WHERE conversation_id = ? AND user_id = ?",
    )
      .bind(id, late!.id)
      .run();
    expect(await invitationsOf(late!)).toEqual([]);
    expect((await decline(late!, id)).status).toBe(404);
    expect((await acceptInvitation(late!, id)).status).toBe(404);
    await block(admin!, blocked!);
    expect(await invitationsOf(blocked!)).toEqual([]);
    expect((await decline(blocked!, id)).status).toBe(404);
    expect((await acceptInvitation(blocked!, id)).status).toBe(404);

    const [inviter, colleague, invitee] = await createUsers(3);
    const other = await groupConversation(inviter!, [colleague!]);
    await add(inviter!, other, [invitee!.id]);
    await setUserStatus(inviter!, "SUSPENDED");
    expect(await invitationsOf(invitee!)).toEqual([]);
    expect((await acceptInvitation(invitee!, other)).status).toBe(404);
    // The invitation itself was never changed: it holds again once the inviter is active.
    await setUserStatus(inviter!, "ACTIVE");
    expect((await invitationsOf(invitee!)).map((i) => i.conversationId)).toEqual([other]);
    expect((await acceptInvitation(invitee!, other)).status).toBe(200);
  });

  it("invites a member who accepted and left again, as a new invitation", async () => {
    const [admin, member, invitee] = await createUsers(3);
    const id = await groupConversation(admin!, [member!]);
    expect((await add(admin!, id, [invitee!.id])).body.invited).toEqual([invitee!.id]);
    expect((await acceptInvitation(invitee!, id)).status).toBe(200);
    expect(await invitationsOf(invitee!)).toEqual([]);
    expect((await post(`${base(id)}/leave`, undefined, { token: invitee!.token })).status).toBe(204);
    expect((await add(admin!, id, [invitee!.id])).body.invited).toEqual([invitee!.id]);
    expect((await invitationsOf(invitee!)).map((i) => i.conversationId)).toEqual([id]);
    const rejoined = await acceptInvitation(invitee!, id);
    expect(rejoined.status).toBe(200);
    expect(rejoined.body.conversation.memberCount).toBe(3);
  });

  it("counts pending invitations towards the 256 places of a group", async () => {
    const [admin, member] = await createUsers(2);
    const id = await groupConversation(admin!, [member!]);
    const [first, second] = await strangers(2);
    // 255 members (set-up: the count alone decides), so one place is left.
    await env.DB.prepare("UPDATE conversations SET member_count = 255 WHERE id = ?").bind(id).run();
    expect((await add(admin!, id, [first!])).body.invited).toEqual([first]);
    const full = await add(admin!, id, [second!]);
    expect(full.status).toBe(409);
    expect(full.body.error.code).toBe("GROUP_FULL");
  });
});

describe("the invitation quota", () => {
  it("allows 50 invitations a day per member; connections do not count", async () => {
    const [admin, friend, member] = await createUsers(3);
    await connect(admin!, friend!);
    await connect(admin!, member!);
    const invitees = await strangers(51);
    const first = await create(admin!, invitees.slice(0, 30));
    expect(first.status).toBe(201);
    const id = await groupConversation(admin!, [member!]);
    expect((await add(admin!, id, invitees.slice(30, 50))).body.invited).toHaveLength(20);
    const over = await add(admin!, id, [invitees[50]!]);
    expect(over.status).toBe(429);
    expect(over.body.error.code).toBe("RATE_LIMITED");
    expect(Number(over.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await create(admin!, [invitees[50]!])).status).toBe(429);
    // Adding a connection needs no invitation.
    const added = await add(admin!, id, [friend!.id]);
    expect(added.status).toBe(200);
    expect(added.body.invited).toEqual([]);
    expect(added.body.conversation.memberCount).toBe(3);
  });
});

describe("the invitations list", () => {
  it("pages newest first with a cursor, each invitation once", async () => {
    const [invitee, admin, other] = await createUsers(3);
    for (const name of ["أ", "ب", "ج"]) {
      expect((await create(admin!, [invitee!.id, other!.id], name)).status).toBe(201);
    }
    const all = (await invitationsOf(invitee!)).map((i) => i.conversationId);
    expect(all.length).toBe(3);
    const url = "/api/v1/conversations/invitations?limit=2";
    const page1 = await get(url, { token: invitee!.token });
    expect(page1.body.data.map((i: any) => i.conversationId)).toEqual(all.slice(0, 2));
    const page2 = await get(`${url}&cursor=${page1.body.nextCursor}`, { token: invitee!.token });
    expect(page2.body.data.map((i: any) => i.conversationId)).toEqual(all.slice(2));
    expect(page2.body.nextCursor).toBeNull();
    const bad = await get(`${url}&cursor=bm90LWEtY3Vyc29y`, { token: invitee!.token });
    expect(bad.body.error.code).toBe("INVALID_CURSOR");
  });
});
