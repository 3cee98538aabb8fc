import { describe, expect, it } from "vitest";
import { MINUTE } from "../../src/platform/clock";
import { startOfFreshWindow } from "../support/clock";
import { get, post } from "../support/http";
import { createPost } from "../support/posts";
import { createUser } from "../support/users";

describe("rate limits (PRODUCT.md)", () => {
  it("allows 10 reposts an hour, then answers 429 with Retry-After", async () => {
    const [author, fan] = await Promise.all([createUser(), createUser()]);
    const targets = [];
    for (let i = 0; i < 11; i++) targets.push(await createPost(author, { content: `p${i}` }));
    for (const t of targets.slice(0, 10)) {
      expect((await post(`/api/v1/posts/${t.id}/repost`, {}, { token: fan.token })).status).toBe(201);
    }
    const refused = await post(`/api/v1/posts/${targets[10]!.id}/repost`, {}, { token: fan.token });
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe("RATE_LIMITED");
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await get(`/api/v1/posts/${targets[10]!.id}`)).body.repostCount).toBe(0);
  });

  it("allows 60 reactions a minute, then answers 429 (a burst of 61)", async () => {
    const [author, fan] = await Promise.all([createUser(), createUser()]);
    const p = await createPost(author);
    startOfFreshWindow(MINUTE);
    const types = ["LIKE", "LOVE", "FUNNY"];
    const results = await Promise.all(
      Array.from({ length: 61 }, (_, i) =>
        post(`/api/v1/posts/${p.id}/react`, { type: types[i % 3] }, { token: fan.token }),
      ),
    );
    expect(results.filter((r) => r.status === 200)).toHaveLength(60);
    const refused = results.filter((r) => r.status === 429);
    expect(refused).toHaveLength(1);
    expect(refused[0]!.body.error.code).toBe("RATE_LIMITED");
    expect((await get(`/api/v1/posts/${p.id}`)).body.reactionCount).toBe(1);
  });
});

describe("the API document", () => {
  it("describes the content routes and says mention offsets count UTF-16 code units", async () => {
    const doc = await get("/openapi.json");
    expect(doc.status).toBe(200);
    for (const path of [
      "/api/v1/posts",
      "/api/v1/posts/{id}",
      "/api/v1/posts/{id}/react",
      "/api/v1/posts/{id}/reactions",
      "/api/v1/posts/{id}/comments",
      "/api/v1/posts/{id}/repost",
      "/api/v1/comments/{id}",
      "/api/v1/bookmarks",
      "/api/v1/polls/{id}/vote",
      "/api/v1/polls/{id}/results",
      "/api/v1/hashtags/trending",
      "/api/v1/hashtags/{tag}/posts",
      "/api/v1/hashtags/{tag}/follow",
      "/api/v1/feed",
      "/api/v1/profiles/{username}/posts",
    ]) {
      expect(doc.body.paths, path).toHaveProperty([path]);
    }
    expect(JSON.stringify(doc.body.components.schemas.Mention)).toContain("UTF-16");
  });
});
