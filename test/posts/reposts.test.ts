import { describe, expect, it } from "vitest";
import { block, waitForDomainEvent } from "../support/graph";
import { del, get, post } from "../support/http";
import { createPost, repost } from "../support/posts";
import { createUser } from "../support/users";

describe("POST/DELETE /api/v1/posts/:id/repost", () => {
  it("a plain repost shows the original and counts once per member (second is 409)", async () => {
    const [author, fan] = await Promise.all([createUser(), createUser()]);
    const p = await createPost(author, { content: "أصل" });
    const res = await post(`/api/v1/posts/${p.id}/repost`, undefined, { token: fan.token });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ repostId: res.body.repostPostId, originalPostId: p.id });
    expect(res.body.post).toMatchObject({ kind: "REPOST", content: "", author: { id: fan.id } });
    expect(res.body.post.repostOf).toMatchObject({
      id: p.id,
      content: "أصل",
      repostCount: 1,
      reposted: true,
    });
    const again = await post(`/api/v1/posts/${p.id}/repost`, { comment: "ثانية" }, { token: fan.token });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe("ALREADY_REPOSTED");
    // Reposting the repost reposts the original, so it is the same conflict.
    expect((await post(`/api/v1/posts/${res.body.repostId}/repost`, {}, { token: fan.token })).status).toBe(
      409,
    );
    expect((await get(`/api/v1/posts/${p.id}`)).body.repostCount).toBe(1);
    await waitForDomainEvent(`repost:${p.id}:${fan.id}`);
  });

  it("a quote repost carries its own text, hashtags and direction", async () => {
    const [author, fan] = await Promise.all([createUser(), createUser()]);
    const p = await createPost(author, { content: "Original" });
    const q = await repost(fan, p.id, "أتفق تماماً #رأي");
    expect(q.post).toMatchObject({
      kind: "QUOTE",
      content: "أتفق تماماً #رأي",
      textDirection: "rtl",
      hashtags: ["رأي"],
    });
    expect(q.post.repostOf.id).toBe(p.id);
  });

  it("unreposting removes the repost and the count, and allows reposting again", async () => {
    const [author, fan] = await Promise.all([createUser(), createUser()]);
    const p = await createPost(author);
    const rp = await repost(fan, p.id);
    expect((await del(`/api/v1/posts/${p.id}/repost`, undefined, { token: fan.token })).status).toBe(204);
    expect((await get(`/api/v1/posts/${rp.repostId}`)).status).toBe(404);
    expect((await get(`/api/v1/posts/${p.id}`)).body.repostCount).toBe(0);
    expect((await del(`/api/v1/posts/${p.id}/repost`, undefined, { token: fan.token })).status).toBe(404);
    await repost(fan, p.id);
    expect((await get(`/api/v1/posts/${p.id}`)).body.repostCount).toBe(1);
  });

  it("a repost of a CONNECTIONS post does not widen its audience", async () => {
    const [author, stranger] = await Promise.all([createUser(), createUser()]);
    const p = await createPost(author, { visibility: "CONNECTIONS" });
    const rp = await repost(author, p.id);
    expect((await get(`/api/v1/posts/${rp.repostId}`, { token: stranger.token })).status).toBe(404);
    expect((await get(`/api/v1/posts/${rp.repostId}`)).status).toBe(404);
    expect((await get(`/api/v1/posts/${rp.repostId}`, { token: author.token })).status).toBe(200);
  });

  it("answers 404 for hidden posts, 400 for an oversized comment, 401 without token", async () => {
    const [author, blocked] = await Promise.all([createUser(), createUser()]);
    const p = await createPost(author);
    await block(author, blocked);
    expect((await post(`/api/v1/posts/${p.id}/repost`, {}, { token: blocked.token })).status).toBe(404);
    const long = await post(
      `/api/v1/posts/${p.id}/repost`,
      { comment: "x".repeat(1001) },
      { token: author.token },
    );
    expect(long.status).toBe(400);
    expect((await post(`/api/v1/posts/${p.id}/repost`, {})).status).toBe(401);
    expect((await post("/api/v1/posts/nope/repost", {}, { token: author.token })).status).toBe(404);
  });
});
