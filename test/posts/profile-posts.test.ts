import { describe, expect, it } from "vitest";
import { block, connect } from "../support/graph";
import { get } from "../support/http";
import { createPost, repost } from "../support/posts";
import { setUserStatus } from "../support/profiles";
import { createUser } from "../support/users";

const ids = (res: { body: { data: { id: string }[] } }) => res.body.data.map((p) => p.id);

describe("GET /api/v1/profiles/:username/posts", () => {
  it("lists a member's posts and reposts newest first, as the viewer may see them, with pagination", async () => {
    const [author, friend, other] = await Promise.all([createUser(), createUser(), createUser()]);
    await connect(author, friend);
    const pub = await createPost(author, { content: "عام" });
    const conn = await createPost(author, { content: "للمتصلين", visibility: "CONNECTIONS" });
    const priv = await createPost(author, { content: "خاص", visibility: "PRIVATE" });
    const rp = await repost(author, (await createPost(other)).id);
    expect(ids(await get(`/api/v1/profiles/${author.username}/posts`, { token: author.token }))).toEqual([
      rp.repostId,
      priv.id,
      conn.id,
      pub.id,
    ]);
    expect(
      ids(await get(`/api/v1/profiles/${author.username.toUpperCase()}/posts`, { token: friend.token })),
    ).toEqual([rp.repostId, conn.id, pub.id]);
    const anon = await get(`/api/v1/profiles/${author.id}/posts?limit=1`);
    expect(ids(anon)).toEqual([rp.repostId]);
    expect(anon.headers.get("etag")).toBeTruthy();
    const next = await get(
      `/api/v1/profiles/${author.username}/posts?limit=1&cursor=${anon.body.nextCursor}`,
    );
    expect(ids(next)).toEqual([pub.id]);
    expect(next.body.nextCursor).toBeNull();
  });

  it("answers 400 INVALID_CURSOR for a cursor whose id is not a string", async () => {
    const author = await createUser();
    await createPost(author);
    const cursor = btoa(JSON.stringify({ id: 5 })).replace(/=+$/, "");
    const res = await get(`/api/v1/profiles/${author.username}/posts?cursor=${cursor}`);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("INVALID_CURSOR");
  });

  it("answers 404 for unknown, blocked (either way) and suspended members", async () => {
    const [author, viewer] = await Promise.all([createUser(), createUser()]);
    await createPost(author);
    expect((await get("/api/v1/profiles/no_such_member_x/posts")).status).toBe(404);
    expect((await get("/api/v1/profiles/bad name!/posts")).status).toBe(404);
    await block(author, viewer);
    expect((await get(`/api/v1/profiles/${author.username}/posts`, { token: viewer.token })).status).toBe(
      404,
    );
    expect((await get(`/api/v1/profiles/${viewer.username}/posts`, { token: author.token })).status).toBe(
      404,
    );
    await setUserStatus(author, "SUSPENDED");
    expect((await get(`/api/v1/profiles/${author.username}/posts`)).status).toBe(404);
  });
});
