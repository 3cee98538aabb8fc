import { describe, expect, it } from "vitest";
import { block, waitForDomainEvent } from "../support/graph";
import { del, get, patch, post } from "../support/http";
import { comment, createPost, repost, scalar } from "../support/posts";
import { createUser } from "../support/users";

const idsOf = (res: { body: { data: { id: string }[] } }) => res.body.data.map((c) => c.id);

describe("POST /api/v1/posts/:id/comments", () => {
  it("comments and replies one level deep; counts follow; the post author and the replied-to are notified", async () => {
    const [author, ali, mona] = await Promise.all([createUser(), createUser(), createUser()]);
    const p = await createPost(author);
    const res = await post(`/api/v1/posts/${p.id}/comments`, { content: "مبروك! 🎉" }, { token: ali.token });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      postId: p.id,
      parentId: null,
      content: "مبروك! 🎉",
      textDirection: "rtl",
      author: { id: ali.id },
      replyCount: 0,
      reactionCount: 0,
      editedAt: null,
    });
    const reply = await comment(mona, p.id, "Thanks!", res.body.id);
    expect(reply.parentId).toBe(res.body.id);
    // A reply to a reply joins the thread of the top-level comment.
    const nested = await comment(ali, p.id, "↩︎", reply.id);
    expect(nested.parentId).toBe(res.body.id);
    expect((await get(`/api/v1/posts/${p.id}`)).body.commentCount).toBe(3);
    expect((await get(`/api/v1/comments/${res.body.id}`)).body.replyCount).toBe(2);
    await waitForDomainEvent(`comment:${res.body.id}`);
    await waitForDomainEvent(`reply:${reply.id}`);
  });

  it("commenting on a plain repost comments on its original", async () => {
    const [author, reposter, reader] = await Promise.all([createUser(), createUser(), createUser()]);
    const p = await createPost(author);
    const rp = await repost(reposter, p.id);
    const c = await comment(reader, rp.repostId);
    expect(c.postId).toBe(p.id);
  });

  it.each([
    ["empty content", { content: "" }],
    ["content over 1,250 characters", { content: "x".repeat(1251) }],
    ["only bidi controls", { content: "\u202E\u2066" }],
    ["an unknown field", { content: "x", pinned: true }],
    ["a numeric parentId", { content: "x", parentId: 5 }],
  ])("refuses %s with 400", async (_label, body) => {
    const [author] = await Promise.all([createUser()]);
    const p = await createPost(author);
    const res = await post(`/api/v1/posts/${p.id}/comments`, body, { token: author.token });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("VALIDATION_ERROR");
  });

  it("answers 404 for a parent from another post, 401 without token, 403 unverified", async () => {
    const author = await createUser();
    const [a, b] = [await createPost(author), await createPost(author)];
    const c = await comment(author, a.id);
    const res = await post(
      `/api/v1/posts/${b.id}/comments`,
      { content: "x", parentId: c.id },
      { token: author.token },
    );
    expect(res.status).toBe(404);
    expect((await post(`/api/v1/posts/${a.id}/comments`, { content: "x" })).status).toBe(401);
    const unverified = await createUser({ verified: false });
    expect(
      (await post(`/api/v1/posts/${a.id}/comments`, { content: "x" }, { token: unverified.token })).status,
    ).toBe(403);
    expect((await get(`/api/v1/posts/${b.id}`)).body.commentCount).toBe(0);
  });
});

describe("GET /api/v1/posts/:id/comments", () => {
  it("lists top-level comments newest first and a thread's replies oldest first, with pagination", async () => {
    const author = await createUser();
    const p = await createPost(author);
    const tops = [];
    for (let i = 0; i < 3; i++) tops.push(await comment(author, p.id, `c${i}`));
    const replies = [];
    for (let i = 0; i < 3; i++) replies.push(await comment(author, p.id, `r${i}`, tops[0]!.id));
    const first = await get(`/api/v1/posts/${p.id}/comments?limit=2`);
    expect(idsOf(first)).toEqual([tops[2]!.id, tops[1]!.id]);
    const second = await get(`/api/v1/posts/${p.id}/comments?limit=2&cursor=${first.body.nextCursor}`);
    expect(idsOf(second)).toEqual([tops[0]!.id]);
    expect(second.body.nextCursor).toBeNull();
    const thread = await get(`/api/v1/posts/${p.id}/comments?parentId=${tops[0]!.id}&limit=2`);
    expect(idsOf(thread)).toEqual([replies[0]!.id, replies[1]!.id]);
    const more = await get(
      `/api/v1/posts/${p.id}/comments?parentId=${tops[0]!.id}&cursor=${thread.body.nextCursor}`,
    );
    expect(idsOf(more)).toEqual([replies[2]!.id]);
  });

  it("hides comments by members blocked either way; 404 for an unknown parent", async () => {
    const [author, viewer, troll] = await Promise.all([createUser(), createUser(), createUser()]);
    const p = await createPost(author);
    const bad = await comment(troll, p.id, "!!!");
    const good = await comment(author, p.id, "hello");
    await block(troll, viewer);
    expect(idsOf(await get(`/api/v1/posts/${p.id}/comments`, { token: viewer.token }))).toEqual([good.id]);
    expect((await get(`/api/v1/comments/${bad.id}`, { token: viewer.token })).status).toBe(404);
    expect(idsOf(await get(`/api/v1/posts/${p.id}/comments`))).toEqual([good.id, bad.id]);
    expect((await get(`/api/v1/posts/${p.id}/comments?parentId=nope`)).status).toBe(404);
  });
});

describe("PATCH/DELETE /api/v1/comments/:id", () => {
  it("the author edits (editedAt set); others get 403", async () => {
    const [author, other] = await Promise.all([createUser(), createUser()]);
    const p = await createPost(author);
    const c = await comment(author, p.id, "قبل");
    const res = await patch(`/api/v1/comments/${c.id}`, { content: "بعد" }, { token: author.token });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ content: "بعد" });
    expect(res.body.editedAt).not.toBeNull();
    expect((await patch(`/api/v1/comments/${c.id}`, { content: "x" }, { token: other.token })).status).toBe(
      403,
    );
    expect((await patch(`/api/v1/comments/${c.id}`, { content: "" }, { token: author.token })).status).toBe(
      400,
    );
    expect((await patch(`/api/v1/comments/${c.id}`, { content: "x" })).status).toBe(401);
  });

  it("the comment's author or the post's author may delete; a top-level comment takes its replies", async () => {
    const [author, ali, mona] = await Promise.all([createUser(), createUser(), createUser()]);
    const p = await createPost(author);
    const top = await comment(ali, p.id);
    const reply = await comment(mona, p.id, "reply", top.id);
    const lone = await comment(mona, p.id);
    expect((await del(`/api/v1/comments/${lone.id}`, undefined, { token: ali.token })).status).toBe(403);
    expect((await del(`/api/v1/comments/${reply.id}`, undefined, { token: mona.token })).status).toBe(204);
    expect((await get(`/api/v1/comments/${top.id}`)).body.replyCount).toBe(0);
    await comment(mona, p.id, "reply 2", top.id);
    expect((await del(`/api/v1/comments/${top.id}`, undefined, { token: author.token })).status).toBe(204);
    expect((await get(`/api/v1/comments/${top.id}`)).status).toBe(404);
    expect((await get(`/api/v1/posts/${p.id}`)).body.commentCount).toBe(1);
    expect(await scalar("SELECT COUNT(*) FROM comments WHERE post_id = ? AND deleted_at IS NULL", p.id)).toBe(
      1,
    );
    expect((await del(`/api/v1/comments/${top.id}`, undefined, { token: author.token })).status).toBe(404);
  });
});
