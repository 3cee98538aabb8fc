import { describe, expect, it } from "vitest";
import { block } from "../support/graph";
import { del, get, post } from "../support/http";
import { createPost, deletePost, repost, scalar } from "../support/posts";
import { createUser } from "../support/users";

describe("/api/v1/bookmarks", () => {
  it("saves a post (counted), lists it newest first with the post, and removes it", async () => {
    const [author, reader] = await Promise.all([createUser(), createUser()]);
    const [a, b] = [await createPost(author, { content: "a" }), await createPost(author, { content: "b" })];
    const saved = await post("/api/v1/bookmarks", { postId: a.id }, { token: reader.token });
    expect(saved.status).toBe(201);
    expect(saved.body).toMatchObject({ type: "POST", postId: a.id });
    await post("/api/v1/bookmarks", { postId: b.id }, { token: reader.token });
    const dup = await post("/api/v1/bookmarks", { postId: a.id }, { token: reader.token });
    expect(dup.status).toBe(409);
    expect(dup.body.error.code).toBe("ALREADY_BOOKMARKED");
    const list = await get("/api/v1/bookmarks?limit=1", { token: reader.token });
    expect(list.body.data.map((x: { postId: string }) => x.postId)).toEqual([b.id]);
    const rest = await get(`/api/v1/bookmarks?limit=1&cursor=${list.body.nextCursor}`, {
      token: reader.token,
    });
    expect(rest.body.data[0].post).toMatchObject({ id: a.id, bookmarked: true, bookmarkCount: 1 });
    expect(list.headers.get("cache-control")).toBe("no-store");
    expect(
      (await del(`/api/v1/bookmarks/${saved.body.bookmarkId}`, undefined, { token: reader.token })).status,
    ).toBe(204);
    expect((await get(`/api/v1/posts/${a.id}`)).body.bookmarkCount).toBe(0);
    expect(
      (await del(`/api/v1/bookmarks/${saved.body.bookmarkId}`, undefined, { token: reader.token })).status,
    ).toBe(404);
    // Removing by the post's id works too (a client showing the post knows only the post).
    expect((await del(`/api/v1/bookmarks/${b.id}`, undefined, { token: reader.token })).status).toBe(204);
    expect((await get(`/api/v1/posts/${b.id}`, { token: reader.token })).body).toMatchObject({
      bookmarked: false,
      bookmarkCount: 0,
    });
  });

  it("shows a saved post that was deleted or became hidden as post: null", async () => {
    const [author, reader] = await Promise.all([createUser(), createUser()]);
    const [a, b] = [await createPost(author), await createPost(author)];
    await post("/api/v1/bookmarks", { postId: a.id }, { token: reader.token });
    await post("/api/v1/bookmarks", { postId: b.id }, { token: reader.token });
    await deletePost(author, a.id);
    const list = await get("/api/v1/bookmarks", { token: reader.token });
    expect(list.body.data.map((x: { post: unknown }) => x.post === null)).toEqual([false, true]);
    await block(author, reader);
    const after = await get("/api/v1/bookmarks", { token: reader.token });
    expect(after.body.data.map((x: { post: unknown }) => x.post)).toEqual([null, null]);
  });

  it("saves a plain repost as its original (the post target resolves it), stored as a POST target row", async () => {
    const [author, sharer, reader] = await Promise.all([createUser(), createUser(), createUser()]);
    const original = await createPost(author, { content: "original" });
    const { repostPostId } = await repost(sharer, original.id);
    const saved = await post("/api/v1/bookmarks", { postId: repostPostId }, { token: reader.token });
    expect(saved.status).toBe(201);
    expect(saved.body).toMatchObject({ type: "POST", postId: original.id });
    expect(
      await scalar<string>(
        "SELECT target_type || ':' || target_id FROM bookmarks WHERE id = ?",
        saved.body.bookmarkId,
      ),
    ).toBe(`POST:${original.id}`);
    // Saving the original again is the same bookmark.
    const again = await post("/api/v1/bookmarks", { postId: original.id }, { token: reader.token });
    expect(again.status).toBe(409);
    expect((await get(`/api/v1/posts/${original.id}`)).body.bookmarkCount).toBe(1);
    const list = await get("/api/v1/bookmarks", { token: reader.token });
    expect(list.body.data).toMatchObject([{ type: "POST", postId: original.id, post: { id: original.id } }]);
    expect((await del(`/api/v1/bookmarks/${original.id}`, undefined, { token: reader.token })).status).toBe(
      204,
    );
    expect((await get(`/api/v1/posts/${original.id}`)).body.bookmarkCount).toBe(0);
  });

  it("refuses a cursor that is not one of its own with 400", async () => {
    const user = await createUser();
    const res = await get(`/api/v1/bookmarks?cursor=${btoa(JSON.stringify({ id: 5 }))}`, {
      token: user.token,
    });
    expect(res.status).toBe(400);
  });

  it.each([
    ["nothing", {}],
    ["two targets", { postId: "a", jobId: "b" }],
    ["a number", { postId: 1 }],
  ])("refuses %s with 400", async (_label, body) => {
    const user = await createUser();
    const res = await post("/api/v1/bookmarks", body, { token: user.token });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("VALIDATION_ERROR");
  });

  it("answers 404 for jobs and articles (none exist yet), hidden posts, and someone else's bookmark", async () => {
    const [author, reader, other] = await Promise.all([createUser(), createUser(), createUser()]);
    expect(
      (await post("/api/v1/bookmarks", { jobId: "01JZZZZZZZZZZZZZZZZZZZZZZZ" }, { token: reader.token }))
        .status,
    ).toBe(404);
    expect((await post("/api/v1/bookmarks", { articleId: "x" }, { token: reader.token })).status).toBe(404);
    const secret = await createPost(author, { visibility: "PRIVATE" });
    expect((await post("/api/v1/bookmarks", { postId: secret.id }, { token: reader.token })).status).toBe(
      404,
    );
    const open = await createPost(author);
    const saved = await post("/api/v1/bookmarks", { postId: open.id }, { token: reader.token });
    expect(
      (await del(`/api/v1/bookmarks/${saved.body.bookmarkId}`, undefined, { token: other.token })).status,
    ).toBe(404);
    // Another member's post id removes nothing of the reader's.
    expect((await del(`/api/v1/bookmarks/${open.id}`, undefined, { token: other.token })).status).toBe(404);
    expect((await get(`/api/v1/posts/${open.id}`)).body.bookmarkCount).toBe(1);
    expect((await get("/api/v1/bookmarks")).status).toBe(401);
    expect((await post("/api/v1/bookmarks", { postId: open.id })).status).toBe(401);
  });
});
