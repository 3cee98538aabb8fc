import { describe, expect, it } from "vitest";
import { block } from "../support/graph";
import { del, get, post } from "../support/http";
import { createPost, scalar } from "../support/posts";
import { createUser } from "../support/users";

const unique = (prefix: string) => `${prefix}${Math.random().toString(36).slice(2, 8)}`;
const path = (tag: string) => `/api/v1/hashtags/${encodeURIComponent(tag)}`;

describe("hashtag pages", () => {
  it("finds posts by any spelling of the tag, newest first, with pagination", async () => {
    const author = await createUser();
    const suffix = unique("");
    const a = await createPost(author, { content: `#الذكاء_الاصطناعي_${suffix} أولاً` });
    const b = await createPost(author, { content: `ثانياً #الذّكاء_الإصطناعى_${suffix}` });
    const c = await createPost(author, { content: `#الذكـاء_الاصطناعي_${suffix}` });
    const first = await get(`${path(`#الذكاء_الإصطناعي_${suffix}`)}/posts?limit=2`);
    expect(first.status).toBe(200);
    expect(first.body.hashtag).toMatchObject({
      tag: `الذكاء_الاصطناعي_${suffix}`,
      postCount: 3,
      following: false,
    });
    expect(first.body.data.map((p: { id: string }) => p.id)).toEqual([c.id, b.id]);
    const rest = await get(
      `${path(`الذكاء_الاصطناعي_${suffix}`)}/posts?limit=2&cursor=${first.body.nextCursor}`,
    );
    expect(rest.body.data.map((p: { id: string }) => p.id)).toEqual([a.id]);
    expect(rest.body.nextCursor).toBeNull();
    const wrong = btoa(JSON.stringify({ id: 5 })).replace(/=+$/, "");
    const bad = await get(`${path(`الذكاء_الاصطناعي_${suffix}`)}/posts?cursor=${wrong}`);
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe("INVALID_CURSOR");
  });

  it("caches anonymous pages with an ETag (304 when unchanged); members get no-store", async () => {
    const author = await createUser();
    const tag = unique("cache");
    await createPost(author, { content: `#${tag}` });
    const first = await get(`${path(tag)}/posts`);
    const etag = first.headers.get("etag")!;
    expect(etag).toBeTruthy();
    expect(first.headers.get("cache-control")).toContain("public");
    expect((await get(`${path(tag)}/posts`, { headers: { "if-none-match": etag } })).status).toBe(304);
    await createPost(author, { content: `#${tag} again` });
    expect((await get(`${path(tag)}/posts`, { headers: { "if-none-match": etag } })).status).toBe(200);
    const member = await get(`${path(tag)}/posts`, { token: author.token });
    expect(member.headers.get("cache-control")).toBe("no-store");
  });

  it("hides posts of members blocked either way", async () => {
    const [author, viewer] = await Promise.all([createUser(), createUser()]);
    const tag = unique("blk");
    await createPost(author, { content: `#${tag}` });
    await block(viewer, author);
    expect((await get(`${path(tag)}/posts`, { token: viewer.token })).body.data).toEqual([]);
    expect((await get(`${path(tag)}/posts`)).body.data).toHaveLength(1);
  });

  it.each(["123", "a-b", "%F0%9F%8E%89", "_"])("answers 400 INVALID_HASHTAG for %s", async (tag) => {
    const res = await get(`/api/v1/hashtags/${tag}/posts`);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("INVALID_HASHTAG");
  });

  it("answers 404 for a tag nobody used or followed", async () => {
    expect((await get(`${path(unique("never"))}/posts`)).status).toBe(404);
    expect((await get(path(unique("never")))).status).toBe(404);
  });
});

describe("POST/DELETE /api/v1/hashtags/:tag/follow", () => {
  it("follows (creating the tag), refuses a second follow, unfollows idempotently; counts follow", async () => {
    const [a, b] = await Promise.all([createUser(), createUser()]);
    const tag = unique("تقنية");
    const res = await post(`${path(`#${tag}`)}/follow`, undefined, { token: a.token });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ tag, followerCount: 1, following: true, postCount: 0 });
    const again = await post(`${path(tag)}/follow`, undefined, { token: a.token });
    expect(again.status).toBe(409);
    await post(`${path(tag)}/follow`, undefined, { token: b.token });
    expect((await get(path(tag), { token: b.token })).body).toMatchObject({
      followerCount: 2,
      following: true,
    });
    expect((await del(`${path(tag)}/follow`, undefined, { token: a.token })).status).toBe(204);
    expect((await del(`${path(tag)}/follow`, undefined, { token: a.token })).status).toBe(204);
    expect((await get(path(tag), { token: a.token })).body).toMatchObject({
      followerCount: 1,
      following: false,
    });
    expect(
      await scalar("SELECT COUNT(*) FROM follows WHERE target_type = 'HASHTAG' AND follower_id = ?", b.id),
    ).toBe(1);
  });

  it("keeps followerCount exact under simultaneous follows and unfollows", async () => {
    const users = await Promise.all(Array.from({ length: 8 }, () => createUser()));
    const tag = unique("race");
    const answers = await Promise.all(
      users.map((u, i) =>
        Promise.all([
          post(`${path(tag)}/follow`, undefined, { token: u.token }),
          post(`${path(tag)}/follow`, undefined, { token: u.token }),
          ...(i % 2 ? [del(`${path(tag)}/follow`, undefined, { token: u.token })] : []),
        ]),
      ),
    );
    const follows = (u: { id: string }) =>
      scalar(
        "SELECT COUNT(*) FROM follows WHERE target_type = 'HASHTAG' AND follower_id = ? AND target_id = (SELECT id FROM hashtags WHERE key = ?)",
        u.id,
        tag,
      );
    for (const [i, [first, second, unfollow]] of answers.entries()) {
      // Of two follows at once one wins (201); the other finds it (409), or comes after an unfollow
      // that slipped in between (201 again). Unfollowing is idempotent (204). Never a 5xx.
      const made = [first!, second!].filter((r) => r.status === 201).length;
      for (const r of [first!, second!]) expect([201, 409]).toContain(r.status);
      if (unfollow) expect(unfollow.status).toBe(204);
      if (i % 2 === 0) {
        expect(made, `member ${i}`).toBe(1);
        expect(await follows(users[i]!)).toBe(1);
      } else {
        expect(made).toBeGreaterThanOrEqual(1);
        // Two follows succeeded only if the unfollow came between them: then the last one stands.
        if (made === 2) expect(await follows(users[i]!)).toBe(1);
      }
    }
    const counter = await scalar("SELECT follower_count FROM hashtags WHERE key = ?", tag);
    const rows = await scalar(
      "SELECT COUNT(*) FROM follows WHERE target_type = 'HASHTAG' AND target_id = (SELECT id FROM hashtags WHERE key = ?)",
      tag,
    );
    expect(counter).toBe(rows);
    // Every member who did not unfollow follows: the count cannot pass on "0 = 0".
    expect(rows).toBeGreaterThanOrEqual(users.length / 2);
  });

  it("answers 401 without a token and 400 for an invalid tag", async () => {
    expect((await post(`${path("ok")}/follow`)).status).toBe(401);
    const user = await createUser();
    expect((await post(`${path("#1")}/follow`, undefined, { token: user.token })).status).toBe(400);
    expect((await post(`${path("a\u202Eb")}/follow`, undefined, { token: user.token })).status).toBe(400);
  });
});
