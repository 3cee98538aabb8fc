import { sql } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { purgeMessagingOf } from "../../src/modules/conversations/maintenance";
import { refreshAfterBlock } from "../../src/modules/conversations/service";
import { newId } from "../../src/platform/ids";
import {
  conversationOf,
  directConversation,
  groupConversation,
  history,
  sendHttp,
} from "../support/conversations";
import { block, connect } from "../support/graph";
import { del, env, get, patch, post } from "../support/http";
import { readyMedia } from "../support/posts";
import { createUser, createUsers, type TestUser } from "../support/users";
import { TestSocket } from "../support/ws";

const base = (id: string) => `/api/v1/conversations/${id}`;
const add = (actor: TestUser, id: string, users: TestUser[]) =>
  post(`${base(id)}/members`, { userIds: users.map((u) => u.id) }, { token: actor.token });
const roles = (conversation: any) =>
  Object.fromEntries(conversation.members.map((m: any) => [m.user.id, m.role]));

const open: TestSocket[] = [];
afterEach(() => {
  for (const s of open.splice(0)) s.close();
});

describe("group membership", () => {
  it("lets admins add their connections, who are told and see only what comes after", async () => {
    const [admin, member, newcomer] = await createUsers(3);
    const id = await groupConversation(admin!, [member!]);
    await connect(admin!, newcomer!);
    await sendHttp(member!, id, "history before");
    const sn = await TestSocket.open(newcomer!.token);
    open.push(sn);
    const res = await add(admin!, id, [newcomer!]);
    expect(res.status).toBe(200);
    expect(res.body.conversation.memberCount).toBe(3);
    expect(await sn.next("conversation.updated")).toMatchObject({
      conversationId: id,
      change: "members_added",
      actorId: admin!.id,
      userIds: [newcomer!.id],
    });
    expect((await history(newcomer!, id)).data).toEqual([]);
    await sendHttp(member!, id, "hello newcomer");
    expect((await sn.next("message")).message.text).toBe("hello newcomer");
    expect((await conversationOf(newcomer!, id)).unreadCount).toBeLessThanOrEqual(1);
    // Adding someone already there changes nothing.
    expect((await add(admin!, id, [newcomer!])).body.conversation.memberCount).toBe(3);
  });

  it("refuses adds by members, of blocked or unknown people, and beyond 256 members", async () => {
    const [admin, member, blocker, someone] = await createUsers(4);
    const id = await groupConversation(admin!, [member!]);
    const byMember = await add(member!, id, [someone!]);
    expect(byMember.status).toBe(403);
    expect(byMember.body.error.code).toBe("FORBIDDEN");
    await block(blocker!, admin!);
    expect((await add(admin!, id, [blocker!])).status).toBe(404);
    expect(
      (
        await post(
          `${base(id)}/members`,
          { userIds: ["01ARZ3NDEKTSV4RRFFQ69G5FAV"] },
          { token: admin!.token },
        )
      ).status,
    ).toBe(404);
    expect((await post(`${base(id)}/members`, { userIds: [] }, { token: admin!.token })).status).toBe(400);
    expect((await add(someone!, id, [someone!])).status).toBe(404);

    // Fill the group to 256 with rows written directly (set-up), then one more is refused.
    const filler = Array.from({ length: 254 }, () => newId());
    await env.DB.batch(
      filler.map((uid) =>
        env.DB.prepare(
          "INSERT INTO conversation_members (conversation_id, user_id, role, joined_at, archived, pinned) VALUES (?, ?, 'MEMBER', 0, 0, 0)",
        ).bind(id, uid),
      ),
    );
    await env.DB.prepare("UPDATE conversations SET member_count = 256 WHERE id = ?").bind(id).run();
    const full = await add(admin!, id, [someone!]);
    expect(full.status).toBe(409);
    expect(full.body.error.code).toBe("GROUP_FULL");
  });

  it("lets an admin remove a member, who is told and loses access", async () => {
    const [admin, member, other] = await createUsers(3);
    const id = await groupConversation(admin!, [member!, other!]);
    const sm = await TestSocket.open(member!.token);
    open.push(sm);
    expect((await del(`${base(id)}/members/${admin!.id}`, undefined, { token: other!.token })).status).toBe(
      403,
    );
    expect((await del(`${base(id)}/members/${member!.id}`, undefined, { token: admin!.token })).status).toBe(
      204,
    );
    expect(await sm.next("conversation.removed")).toMatchObject({ conversationId: id, reason: "removed" });
    await sendHttp(admin!, id, "after removal");
    await sm.expectNone("message");
    expect((await get(base(id), { token: member!.token })).status).toBe(404);
    expect((await get(`${base(id)}/messages`, { token: member!.token })).status).toBe(404);
    const send = await post(
      `${base(id)}/messages`,
      { clientId: "x1", text: "still here?" },
      { token: member!.token },
    );
    expect(send.status).toBe(404);
    expect((await del(`${base(id)}/members/${member!.id}`, undefined, { token: admin!.token })).status).toBe(
      404,
    );
  });

  it("hands the group to the longest-standing member when its only admin leaves", async () => {
    const [admin, first, second] = await createUsers(3);
    const id = await groupConversation(admin!, [first!, second!]);
    expect((await post(`${base(id)}/leave`, undefined, { token: admin!.token })).status).toBe(204);
    const after = await conversationOf(first!, id);
    expect(after.memberCount).toBe(2);
    expect(Object.values(roles(after)).filter((r) => r === "ADMIN")).toHaveLength(1);
    expect(roles(after)[admin!.id]).toBeUndefined();
    expect((await get(base(id), { token: admin!.token })).status).toBe(404);
  });

  it("promotes and demotes, but never leaves a group without an admin", async () => {
    const [admin, member] = await createUsers(2);
    const id = await groupConversation(admin!, [member!]);
    const selfDemote = await patch(
      `${base(id)}/members/${admin!.id}`,
      { role: "MEMBER" },
      { token: admin!.token },
    );
    expect(selfDemote.status).toBe(409);
    expect(selfDemote.body.error.code).toBe("LAST_ADMIN");
    expect(
      (await patch(`${base(id)}/members/${admin!.id}`, { role: "MEMBER" }, { token: member!.token })).status,
    ).toBe(403);
    // Hand over: promote the member, then step down.
    const promoted = await patch(
      `${base(id)}/members/${member!.id}`,
      { role: "ADMIN" },
      { token: admin!.token },
    );
    expect(roles(promoted.body.conversation)[member!.id]).toBe("ADMIN");
    const stepped = await patch(
      `${base(id)}/members/${admin!.id}`,
      { role: "MEMBER" },
      { token: admin!.token },
    );
    expect(roles(stepped.body.conversation)).toEqual({ [admin!.id]: "MEMBER", [member!.id]: "ADMIN" });
    expect((await add(admin!, id, [await createUser()])).status).toBe(403);
    expect(
      (await patch(`${base(id)}/members/${member!.id}`, { role: "OWNER" }, { token: member!.token })).status,
    ).toBe(400);
    expect(
      (
        await patch(
          `${base(id)}/members/01ARZ3NDEKTSV4RRFFQ69G5FAV`,
          { role: "ADMIN" },
          { token: member!.token },
        )
      ).status,
    ).toBe(404);
  });

  it("lets admins rename a group; 1:1s have no name and cannot be left", async () => {
    const [admin, member] = await createUsers(2);
    const id = await groupConversation(admin!, [member!]);
    const renamed = await patch(base(id), { name: "الفريق" }, { token: admin!.token });
    expect(renamed.status).toBe(200);
    expect(renamed.body.conversation.name).toBe("الفريق");
    expect((await patch(base(id), { name: "mine" }, { token: member!.token })).status).toBe(403);
    expect((await patch(base(id), {}, { token: admin!.token })).status).toBe(400);
    expect(
      (await patch(base(id), { avatarMediaId: "01ARZ3NDEKTSV4RRFFQ69G5FAV" }, { token: admin!.token }))
        .status,
    ).toBe(400);
    // An image of the admin's own: only the avatar changes, the name stays.
    const image = await readyMedia(admin!);
    const pictured = await patch(base(id), { avatarMediaId: image }, { token: admin!.token });
    expect(pictured.status).toBe(200);
    expect(pictured.body.conversation.avatarMediaId).toBe(image);
    expect(pictured.body.conversation.name).toBe("الفريق");
    expect(
      (await patch(base(id), { avatarMediaId: await readyMedia(member!) }, { token: admin!.token })).status,
    ).toBe(400);
    const cleared = await patch(base(id), { avatarMediaId: null }, { token: admin!.token });
    expect(cleared.body.conversation.avatarMediaId).toBeNull();
    expect(cleared.body.conversation.name).toBe("الفريق");
    const direct = await directConversation(admin!, member!);
    const renameDirect = await patch(base(direct), { name: "x" }, { token: admin!.token });
    expect(renameDirect.body.error.code).toBe("NOT_A_GROUP");
    expect((await post(`${base(direct)}/leave`, undefined, { token: admin!.token })).body.error.code).toBe(
      "NOT_A_GROUP",
    );
    expect((await add(admin!, direct, [await createUser()])).body.error.code).toBe("NOT_A_GROUP");
  });

  it("hides the messages of a member you blocked inside a group", async () => {
    const [admin, a, b] = await createUsers(3);
    const id = await groupConversation(admin!, [a!, b!]);
    await sendHttp(a!, id, "from a");
    await block(b!, a!);
    await sendHttp(admin!, id, "from admin");
    expect((await history(b!, id)).data.map((m) => m.text)).toEqual(["from admin"]);
    expect((await history(admin!, id)).data.map((m) => m.text)).toEqual(["from a", "from admin"]);
    expect((await conversationOf(b!, id)).members.map((m: any) => m.user.id)).not.toContain(a!.id);
  });

  it("stops live delivery between group members as soon as one blocks the other", async () => {
    const [admin, a, b] = await createUsers(3);
    const id = await groupConversation(admin!, [a!, b!]);
    const sb = await TestSocket.open(b!.token);
    open.push(sb);
    await sendHttp(a!, id, "warm up");
    await sb.next("message");
    await block(b!, a!);
    await refreshAfterBlock({ env }, b!.id, a!.id);
    await sendHttp(a!, id, "you should not see this");
    await sendHttp(admin!, id, "but this");
    expect((await sb.next("message")).message.text).toBe("but this");
    expect(sb.received.some((e) => e.message?.text === "you should not see this")).toBe(false);
  });

  it("purges a deleted account's memberships, keeping an admin and exact counts", async () => {
    const [admin, first, second] = await createUsers(3);
    const id = await groupConversation(admin!, [first!, second!]);
    const cutoff = Date.now();
    const doomed = sql`SELECT id FROM users WHERE status = 'DELETED' AND deleted_at < ${cutoff}`;
    await env.DB.prepare("UPDATE users SET status = 'DELETED', deleted_at = ? WHERE id = ?")
      .bind(cutoff - 1, admin!.id)
      .run();
    await env.DB.batch(purgeMessagingOf(env.DB, doomed));
    const row = await env.DB.prepare(
      "SELECT member_count AS n, (SELECT count(*) FROM conversation_members WHERE conversation_id = ?1 AND role = 'ADMIN') AS admins FROM conversations WHERE id = ?1",
    )
      .bind(id)
      .first<{ n: number; admins: number }>();
    expect(row).toEqual({ n: 2, admins: 1 });
  });
});
