import { describe, expect, it } from "vitest";
import { call, del, get, post } from "../support/http";
import { event, listNotifications, runNotify, unreadCount } from "../support/notifications";
import { createPost, deletePost } from "../support/posts";
import { createUser, createUsers, type TestUser } from "../support/users";
import { TestSocket } from "../support/ws";

/** `owner` gets one notification from each of `n` fresh members (follows, one row each: distinct mentions). */
async function withNotifications(n: number): Promise<{ owner: TestUser; others: TestUser[] }> {
  const owner = await createUser();
  const others = await createUsers(n);
  const p = await createPost(owner);
  for (const o of others) {
    await runNotify([
      event({ type: "mention", actorId: o.id, recipientId: owner.id, target: { type: "post", id: p.id } }),
    ]);
  }
  return { owner, others };
}

describe("notification routes", () => {
  it("lists with a cursor, newest first, without gaps or repeats", async () => {
    const { owner, others } = await withNotifications(5);
    const first = await get("/api/v1/notifications?limit=2", { token: owner.token });
    expect(first.status).toBe(200);
    expect(first.body.data).toHaveLength(2);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await get(`/api/v1/notifications?limit=2&cursor=${first.body.nextCursor}`, {
      token: owner.token,
    });
    const third = await get(`/api/v1/notifications?limit=2&cursor=${second.body.nextCursor}`, {
      token: owner.token,
    });
    expect(third.body.nextCursor).toBeNull();
    const actors = [...first.body.data, ...second.body.data, ...third.body.data].map(
      (n: any) => n.actors[0].id,
    );
    expect(actors).toEqual(others.map((o) => o.id).reverse());
  });

  it("filters unread, marks one read, then all; the unread count follows", async () => {
    const { owner } = await withNotifications(3);
    expect(await unreadCount(owner)).toBe(3);
    const [newest] = await listNotifications(owner);
    const read = await post(`/api/v1/notifications/${newest!.id}/read`, undefined, { token: owner.token });
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ notification: { id: newest!.id, read: true }, unreadCount: 2 });
    expect(read.body.notification.readAt).toEqual(expect.any(String));
    // Marking again is harmless and keeps the first read time.
    const again = await post(`/api/v1/notifications/${newest!.id}/read`, undefined, { token: owner.token });
    expect(again.body.notification.readAt).toBe(read.body.notification.readAt);
    expect(await unreadCount(owner)).toBe(2);
    const unread = await get("/api/v1/notifications?unread=true", { token: owner.token });
    expect(unread.body.data.map((n: any) => n.id)).not.toContain(newest!.id);
    expect(unread.body.data).toHaveLength(2);

    const all = await post("/api/v1/notifications/read-all", undefined, { token: owner.token });
    expect(all.status).toBe(200);
    expect(all.body).toEqual({ updated: 2, unreadCount: 0 });
    expect(await unreadCount(owner)).toBe(0);
    expect((await listNotifications(owner)).every((n) => n.read)).toBe(true);
  });

  it("read state reaches the member's other devices", async () => {
    const { owner } = await withNotifications(2);
    const socket = await TestSocket.open(owner.token);
    try {
      const [n] = await listNotifications(owner);
      await post(`/api/v1/notifications/${n!.id}/read`, undefined, { token: owner.token });
      const one = await socket.next("notification.read");
      expect(one).toMatchObject({ ids: [n!.id], unreadCount: 1 });
      await post("/api/v1/notifications/read-all", undefined, { token: owner.token });
      expect(await socket.next("notification.read")).toMatchObject({ ids: null, unreadCount: 0 });
    } finally {
      socket.ws.close();
    }
  });

  it("deletes one notification", async () => {
    const { owner } = await withNotifications(2);
    const [n] = await listNotifications(owner);
    const res = await del(`/api/v1/notifications/${n!.id}`, undefined, { token: owner.token });
    expect(res.status).toBe(204);
    expect((await listNotifications(owner)).map((x) => x.id)).not.toContain(n!.id);
    expect(await unreadCount(owner)).toBe(1);
    expect((await del(`/api/v1/notifications/${n!.id}`, undefined, { token: owner.token })).status).toBe(404);
  });

  it("another member's notification is 404 for read and delete, and stays untouched", async () => {
    const { owner } = await withNotifications(1);
    const stranger = await createUser();
    const [n] = await listNotifications(owner);
    const read = await post(`/api/v1/notifications/${n!.id}/read`, undefined, { token: stranger.token });
    expect(read.status).toBe(404);
    expect(read.body.error.code).toBe("NOT_FOUND");
    expect((await del(`/api/v1/notifications/${n!.id}`, undefined, { token: stranger.token })).status).toBe(
      404,
    );
    const [still] = await listNotifications(owner);
    expect(still).toMatchObject({ id: n!.id, read: false, actorCount: 1 });
    expect(
      (await post("/api/v1/notifications/read-all", undefined, { token: stranger.token })).body.updated,
    ).toBe(0);
    expect(await unreadCount(owner)).toBe(1);
  });

  it("a notification about a deleted post disappears", async () => {
    const [owner, sara] = await createUsers(2);
    const p = await createPost(owner!);
    await runNotify([
      event({
        type: "reaction",
        actorId: sara!.id,
        recipientId: owner!.id,
        target: { type: "post", id: p.id },
      }),
    ]);
    expect(await listNotifications(owner!)).toHaveLength(1);
    await deletePost(owner!, p.id);
    expect(await listNotifications(owner!)).toHaveLength(0);
    expect(await unreadCount(owner!)).toBe(0);
  });

  it("rejects bad input with 400", async () => {
    const owner = await createUser();
    for (const query of ["?limit=0", "?limit=101", "?limit=abc", "?cursor=not-a-cursor", "?unread=yes"]) {
      const res = await get(`/api/v1/notifications${query}`, { token: owner.token });
      expect(res.status, query).toBe(400);
    }
    // A well-formed cursor whose fields are missing or of the wrong type is refused, not read as a position.
    const b64 = (v: unknown) =>
      btoa(JSON.stringify(v)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
    for (const cursor of [b64({ u: "soon", id: "x" }), b64({ u: 1, id: 2 }), b64({ id: "x" })]) {
      const res = await get(`/api/v1/notifications?cursor=${cursor}`, { token: owner.token });
      expect(res.status, cursor).toBe(400);
      expect(res.body.error.code).toBe("INVALID_CURSOR");
    }
    const long = "x".repeat(65);
    expect((await post(`/api/v1/notifications/${long}/read`, undefined, { token: owner.token })).status).toBe(
      400,
    );
    expect((await post("/api/v1/notifications/nope/read", undefined, { token: owner.token })).status).toBe(
      404,
    );
  });

  it("requires a valid token on every member route", async () => {
    const owner = await createUser();
    const routes: [string, string][] = [
      ["GET", "/api/v1/notifications"],
      ["GET", "/api/v1/notifications/unread-count"],
      ["POST", "/api/v1/notifications/read-all"],
      ["POST", "/api/v1/notifications/01ABC/read"],
      ["DELETE", "/api/v1/notifications/01ABC"],
      ["GET", "/api/v1/notifications/preferences"],
      ["PATCH", "/api/v1/notifications/preferences"],
      ["POST", "/api/v1/push/register"],
      ["DELETE", "/api/v1/push/unregister"],
    ];
    for (const [method, path] of routes) {
      const body = method === "GET" ? undefined : {};
      const none = await call(method, path, { body });
      expect(none.status, `${method} ${path}`).toBe(401);
      expect(none.body.error.code).toBe("UNAUTHENTICATED");
      const garbage = await call(method, path, { token: "garbage.token.value", body });
      expect(garbage.status, `${method} ${path}`).toBe(401);
    }
    expect((await get("/api/v1/notifications", { token: owner.token })).status).toBe(200);
  });

  it("is documented in the OpenAPI document", async () => {
    const doc = (await get("/openapi.json")).body;
    for (const path of [
      "/api/v1/notifications",
      "/api/v1/notifications/unread-count",
      "/api/v1/notifications/read-all",
      "/api/v1/notifications/{id}/read",
      "/api/v1/notifications/{id}",
      "/api/v1/notifications/preferences",
      "/api/v1/notifications/unsubscribe",
      "/api/v1/push/register",
      "/api/v1/push/unregister",
      "/api/v1/push/vapid-public-key",
    ]) {
      expect(doc.paths[path], path).toBeDefined();
    }
  });
});
