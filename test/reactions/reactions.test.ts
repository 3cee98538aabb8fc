import { describe, expect, it } from "vitest";
import { block } from "../support/graph";
import { del, get, post } from "../support/http";
import { comment, createPost, react, repost } from "../support/posts";
import { createUser, createUsers } from "../support/users";

describe("POST/DELETE /api/v1/posts/:id/react", () => {
  it("adds, changes and removes a reaction, answering counts per type", async () => {
    const [author, reader] = await Promise.all([createUser(), createUser()]);
    const p = await createPost(author);
    const added = await post(`/api/v1/posts/${p.id}/react`, { type: "LIKE" }, { token: reader.token });
    expect(added.status).toBe(200);
    expect(added.body).toEqual({
      reacted: true,
      type: "LIKE",
      reactionCounts: { LIKE: 1, CELEBRATE: 0, SUPPORT: 0, LOVE: 0, INSIGHTFUL: 0, FUNNY: 0 },
    });
    const changed = await post(`/api/v1/posts/${p.id}/react`, { type: "CELEBRATE" }, { token: reader.token });
    expect(changed.body.reactionCounts).toMatchObject({ LIKE: 0, CELEBRATE: 1 });
    const same = await post(`/api/v1/posts/${p.id}/react`, { type: "CELEBRATE" }, { token: reader.token });
    expect(same.body.reactionCounts).toMatchObject({ LIKE: 0, CELEBRATE: 1 });
    const removed = await del(`/api/v1/posts/${p.id}/react`, undefined, { token: reader.token });
    expect(removed.status).toBe(200);
    expect(removed.body).toMatchObject({ reacted: false, type: null, reactionCounts: { CELEBRATE: 0 } });
    const again = await del(`/api/v1/posts/${p.id}/react`, undefined, { token: reader.token });
    expect(again.body.reactionCounts.CELEBRATE).toBe(0);
    const read = await get(`/api/v1/posts/${p.id}`, { token: reader.token });
    expect(read.body).toMatchObject({ reactionCount: 0, myReaction: null });
  });

  it("reacting to a plain repost reacts to its original", async () => {
    const [author, reposter, reader] = await Promise.all([createUser(), createUser(), createUser()]);
    const p = await createPost(author);
    const rp = await repost(reposter, p.id);
    await react(reader, rp.repostId, "SUPPORT");
    expect((await get(`/api/v1/posts/${p.id}`)).body.reactionCounts.SUPPORT).toBe(1);
  });

  it.each([
    ["an unknown type", { type: "ANGRY" }],
    ["a lower-case type", { type: "like" }],
    ["no type", {}],
    ["a number", { type: 1 }],
  ])("refuses %s with 400", async (_label, body) => {
    const [author, reader] = await Promise.all([createUser(), createUser()]);
    const p = await createPost(author);
    const res = await post(`/api/v1/posts/${p.id}/react`, body, { token: reader.token });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("VALIDATION_ERROR");
  });

  it("answers 404 for unknown posts and for members blocked either way; 401 without a token", async () => {
    const [author, blocked] = await Promise.all([createUser(), createUser()]);
    const p = await createPost(author);
    expect(
      (
        await post(
          "/api/v1/posts/01JZZZZZZZZZZZZZZZZZZZZZZZ/react",
          { type: "LIKE" },
          { token: author.token },
        )
      ).status,
    ).toBe(404);
    await block(blocked, author);
    const res = await post(`/api/v1/posts/${p.id}/react`, { type: "LIKE" }, { token: blocked.token });
    expect(res.status).toBe(404);
    expect((await post(`/api/v1/posts/${p.id}/react`, { type: "LIKE" })).status).toBe(401);
    expect((await get(`/api/v1/posts/${p.id}`)).body.reactionCount).toBe(0);
  });

  it("requires a verified email", async () => {
    const author = await createUser();
    const unverified = await createUser({ verified: false });
    const p = await createPost(author);
    const res = await post(`/api/v1/posts/${p.id}/react`, { type: "LIKE" }, { token: unverified.token });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe("EMAIL_NOT_VERIFIED");
  });
});

describe("GET /api/v1/posts/:id/reactions", () => {
  it("lists who reacted, newest first, filtered by type, paginated, with counts", async () => {
    const author = await createUser();
    const readers = await createUsers(5);
    const p = await createPost(author);
    for (const [i, r] of readers.entries()) await react(r, p.id, i % 2 === 0 ? "LOVE" : "FUNNY");
    const all = await get(`/api/v1/posts/${p.id}/reactions?limit=3`);
    expect(all.status).toBe(200);
    expect(all.body.data.map((x: { user: { id: string } }) => x.user.id)).toEqual(
      [...readers]
        .reverse()
        .slice(0, 3)
        .map((r) => r.id),
    );
    expect(all.body.reactionCounts).toMatchObject({ LOVE: 3, FUNNY: 2 });
    const rest = await get(`/api/v1/posts/${p.id}/reactions?limit=3&cursor=${all.body.nextCursor}`);
    expect(rest.body.data).toHaveLength(2);
    expect(rest.body.nextCursor).toBeNull();
    const loves = await get(`/api/v1/posts/${p.id}/reactions?type=LOVE`);
    expect(loves.body.data.map((x: { type: string }) => x.type)).toEqual(["LOVE", "LOVE", "LOVE"]);
  });

  it("leaves out reactors the viewer has blocked, and rejects a tampered cursor", async () => {
    const [author, viewer, rude] = await Promise.all([createUser(), createUser(), createUser()]);
    const p = await createPost(author);
    await react(rude, p.id);
    await react(author, p.id);
    await block(viewer, rude);
    const res = await get(`/api/v1/posts/${p.id}/reactions`, { token: viewer.token });
    expect(res.body.data.map((x: { user: { id: string } }) => x.user.id)).toEqual([author.id]);
    const bad = await get(`/api/v1/posts/${p.id}/reactions?cursor=nonsense`);
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe("INVALID_CURSOR");
    expect((await get(`/api/v1/posts/${p.id}/reactions?type=NOPE`)).status).toBe(400);
    // Well-formed cursors whose fields have the wrong types are refused too.
    const cursor = (value: unknown) =>
      btoa(JSON.stringify(value)).replace(/=+$/, "").replaceAll("+", "-").replaceAll("/", "_");
    for (const wrong of [
      { t: "soon", u: author.id },
      { t: 1, u: 2 },
    ]) {
      const res = await get(`/api/v1/posts/${p.id}/reactions?cursor=${cursor(wrong)}`);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe("INVALID_CURSOR");
    }
  });
});

describe("reactions on comments", () => {
  it("react, change, list and remove on a comment", async () => {
    const [author, reader] = await Promise.all([createUser(), createUser()]);
    const p = await createPost(author);
    const c = await comment(author, p.id);
    const res = await post(`/api/v1/comments/${c.id}/react`, { type: "INSIGHTFUL" }, { token: reader.token });
    expect(res.status).toBe(200);
    expect(res.body.reactionCounts.INSIGHTFUL).toBe(1);
    await post(`/api/v1/comments/${c.id}/react`, { type: "LOVE" }, { token: reader.token });
    const list = await get(`/api/v1/comments/${c.id}/reactions`);
    expect(list.body.data).toHaveLength(1);
    expect(list.body.reactionCounts).toMatchObject({ INSIGHTFUL: 0, LOVE: 1 });
    const read = await get(`/api/v1/comments/${c.id}`, { token: reader.token });
    expect(read.body).toMatchObject({ myReaction: "LOVE", reactionCount: 1 });
    await del(`/api/v1/comments/${c.id}/react`, undefined, { token: reader.token });
    expect((await get(`/api/v1/comments/${c.id}`)).body.reactionCount).toBe(0);
    expect(
      (await post("/api/v1/comments/nope/react", { type: "LOVE" }, { token: reader.token })).status,
    ).toBe(404);
  });
});
