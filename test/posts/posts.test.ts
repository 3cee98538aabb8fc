import { describe, expect, it } from "vitest";
import { del, get, patch, post } from "../support/http";
import { createPost, readyMedia, scalar } from "../support/posts";
import { createUser } from "../support/users";

describe("POST /api/v1/posts", () => {
  it("publishes a post with Arabic-aware hashtags, mentions (UTF-16 offsets) and a detected direction", async () => {
    const [author, sara] = await Promise.all([createUser(), createUser()]);
    const content = `🎉 مرحباً @${sara.username.toUpperCase()} في #الذكاء_الاصطناعي و #AI و #الذكـــاء_الإصطناعى`;
    const res = await post("/api/v1/posts", { content }, { token: author.token });
    expect(res.status).toBe(201);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const p = res.body;
    expect(p).toMatchObject({
      kind: "POST",
      content,
      visibility: "PUBLIC",
      textDirection: "rtl",
      hashtags: ["الذكاء_الاصطناعي", "AI"],
      author: { id: author.id, username: author.username },
      reactionCounts: { LIKE: 0, CELEBRATE: 0, SUPPORT: 0, LOVE: 0, INSIGHTFUL: 0, FUNNY: 0 },
      commentCount: 0,
      repostCount: 0,
      myReaction: null,
      bookmarked: false,
      editedAt: null,
      poll: null,
      media: [],
      repostOf: null,
    });
    expect(p.mentions).toHaveLength(1);
    const m = p.mentions[0];
    expect(m).toMatchObject({ userId: sara.id, username: sara.username });
    expect(content.slice(m.start, m.end).toLowerCase()).toBe(`@${sara.username}`);
  });

  it("uses the given textDirection and detects ltr for English", async () => {
    const author = await createUser();
    expect((await createPost(author, { content: "Hello مجلس" })).textDirection).toBe("ltr");
    expect((await createPost(author, { content: "Hello", textDirection: "rtl" })).textDirection).toBe("rtl");
  });

  it("counts each hashtag once per post and keeps one hashtag row for all its spellings", async () => {
    const author = await createUser();
    const tag = `وسم${Math.random().toString(36).slice(2, 7)}`;
    await createPost(author, { content: `#${tag} #${tag.replace("و", "ؤ")}` });
    await createPost(author, { content: `#${tag}` });
    expect(await scalar("SELECT post_count FROM hashtags WHERE key = ?", tag)).toBe(2);
    expect(await scalar("SELECT COUNT(*) FROM hashtags WHERE key = ?", tag)).toBe(1);
  });

  it("attaches up to 10 of the author's READY media, in order", async () => {
    const author = await createUser();
    const ids = await Promise.all(Array.from({ length: 10 }, () => readyMedia(author)));
    const p = await createPost(author, { content: "", mediaIds: ids });
    expect(p.media.map((m: { id: string }) => m.id)).toEqual(ids);
    expect(p.media[0]).toMatchObject({
      kind: "POST_IMAGE",
      mimeType: "image/webp",
      width: 1200,
      altText: "alt",
    });
  });

  it.each([
    ["someone else's media", "other"],
    ["media still processing", "PROCESSING"],
    ["failed media", "FAILED"],
    ["an avatar", "AVATAR"],
    ["an unknown id", "unknown"],
  ])("refuses %s with 400 INVALID_MEDIA and writes nothing", async (_label, kind) => {
    const [author, other] = await Promise.all([createUser(), createUser()]);
    const id =
      kind === "other"
        ? await readyMedia(other)
        : kind === "unknown"
          ? "01JZZZZZZZZZZZZZZZZZZZZZZZ"
          : kind === "AVATAR"
            ? await readyMedia(author, { kind: "AVATAR" })
            : await readyMedia(author, { status: kind });
    const res = await post("/api/v1/posts", { content: "x", mediaIds: [id] }, { token: author.token });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("INVALID_MEDIA");
    expect(await scalar("SELECT COUNT(*) FROM posts WHERE author_id = ?", author.id)).toBe(0);
  });

  it("creates a poll with the post", async () => {
    const author = await createUser();
    const p = await createPost(author, {
      content: "أي لغة؟",
      poll: { options: ["TypeScript", "Rust", "Go"], durationDays: 3 },
    });
    expect(p.poll.options.map((o: { text: string }) => o.text)).toEqual(["TypeScript", "Rust", "Go"]);
    expect(p.poll.closed).toBe(false);
    expect(p.poll.resultsVisible).toBe(true); // the author sees results
    expect(Date.parse(p.poll.closesAt) - Date.parse(p.createdAt)).toBe(3 * 86_400_000);
  });

  it.each([
    ["no content and no media", { content: "" }],
    ["content over 3,000 characters", { content: "ا".repeat(3001) }],
    ["only control characters", { content: "\u202E\u0000 " }],
    ["a number as content", { content: 42 }],
    ["an unknown visibility", { content: "x", visibility: "FRIENDS" }],
    ["11 media", { content: "x", mediaIds: Array.from({ length: 11 }, (_, i) => `m${i}`) }],
    ["duplicate media ids", { content: "x", mediaIds: ["a", "a"] }],
    ["a poll with one option", { content: "?", poll: { options: ["one"] } }],
    ["a poll with five options", { content: "?", poll: { options: ["1", "2", "3", "4", "5"] } }],
    ["a poll of 15 days", { content: "?", poll: { options: ["a", "b"], durationDays: 15 } }],
    ["duplicate poll options", { content: "?", poll: { options: ["Yes", "yes"] } }],
    ["an unknown field", { content: "x", pinned: true }],
    ["a bad textDirection", { content: "x", textDirection: "up" }],
  ])("refuses %s with 400 VALIDATION_ERROR", async (_label, body) => {
    const author = await createUser();
    const res = await post("/api/v1/posts", body, { token: author.token });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("VALIDATION_ERROR");
  });

  it("refuses more than 10 distinct hashtags with 400 TOO_MANY_HASHTAGS", async () => {
    const author = await createUser();
    const content = Array.from({ length: 11 }, (_, i) => `#tag${i}x`).join(" ");
    const res = await post("/api/v1/posts", { content }, { token: author.token });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("TOO_MANY_HASHTAGS");
    const ten = await post(
      "/api/v1/posts",
      { content: `${content.split(" ").slice(0, 10).join(" ")} #TAG0X` },
      { token: author.token },
    );
    expect(ten.status).toBe(201);
  });

  it("strips bidi overrides and NUL from content", async () => {
    const author = await createUser();
    const p = await createPost(author, { content: "\u202Eمرحبا\u0000 بكم" });
    expect(p.content).toBe("مرحبا بكم");
  });

  it("requires a token (401), a valid one (401) and a verified email (403)", async () => {
    expect((await post("/api/v1/posts", { content: "x" })).status).toBe(401);
    const garbage = await post("/api/v1/posts", { content: "x" }, { token: "not.a.jwt" });
    expect(garbage.status).toBe(401);
    const unverified = await createUser({ verified: false });
    const res = await post("/api/v1/posts", { content: "x" }, { token: unverified.token });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe("EMAIL_NOT_VERIFIED");
  });
});

describe("GET /api/v1/posts/:id", () => {
  it("gives anonymous readers of a PUBLIC post an ETag and a short max-age, and 304 on If-None-Match", async () => {
    const author = await createUser();
    const p = await createPost(author, { content: "عام" });
    const first = await get(`/api/v1/posts/${p.id}`);
    expect(first.status).toBe(200);
    expect(first.body.content).toBe("عام");
    const etag = first.headers.get("etag");
    expect(etag).toMatch(/^"[0-9a-f]+"$/);
    expect(first.headers.get("cache-control")).toMatch(/^public, max-age=\d+$/);
    const again = await get(`/api/v1/posts/${p.id}`, { headers: { "if-none-match": etag! } });
    expect(again.status).toBe(304);
    expect(again.body).toBeNull();
    // A change (a reaction) changes the representation and so the ETag.
    const reader = await createUser();
    await post(`/api/v1/posts/${p.id}/react`, { type: "LIKE" }, { token: reader.token });
    const changed = await get(`/api/v1/posts/${p.id}`, { headers: { "if-none-match": etag! } });
    expect(changed.status).toBe(200);
    expect(changed.body.reactionCounts.LIKE).toBe(1);
  });

  it("answers members personally (myReaction) with no-store and no ETag", async () => {
    const [author, reader] = await Promise.all([createUser(), createUser()]);
    const p = await createPost(author);
    await post(`/api/v1/posts/${p.id}/react`, { type: "INSIGHTFUL" }, { token: reader.token });
    const res = await get(`/api/v1/posts/${p.id}`, { token: reader.token });
    expect(res.body.myReaction).toBe("INSIGHTFUL");
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(res.headers.get("etag")).toBeNull();
  });

  it("answers 404 for unknown ids and 401 for a garbage token", async () => {
    const res = await get("/api/v1/posts/01JZZZZZZZZZZZZZZZZZZZZZZZ");
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe("NOT_FOUND");
    expect((await get("/api/v1/posts/x", { token: "garbage" })).status).toBe(401);
  });
});

describe("PATCH /api/v1/posts/:id", () => {
  it("edits content, keeps the previous version in the history and sets editedAt", async () => {
    const author = await createUser();
    const p = await createPost(author, { content: "النسخة الأولى" });
    const res = await patch(
      `/api/v1/posts/${p.id}`,
      { content: "First version, edited" },
      { token: author.token },
    );
    expect(res.status).toBe(200);
    expect(res.body.content).toBe("First version, edited");
    expect(res.body.textDirection).toBe("ltr");
    expect(res.body.editedAt).not.toBeNull();
    const history = await get(`/api/v1/posts/${p.id}/history`);
    expect(history.body.data).toEqual([
      { content: "النسخة الأولى", textDirection: "rtl", visibility: "PUBLIC", replacedAt: res.body.editedAt },
    ]);
  });

  it("moves hashtag counts with the edit: removed tags lose the post, added ones gain it", async () => {
    const author = await createUser();
    const a = `old${Math.random().toString(36).slice(2, 7)}`;
    const b = `new${Math.random().toString(36).slice(2, 7)}`;
    const p = await createPost(author, { content: `#${a}` });
    await patch(`/api/v1/posts/${p.id}`, { content: `#${b} #${b.toUpperCase()}` }, { token: author.token });
    expect(await scalar("SELECT post_count FROM hashtags WHERE key = ?", a)).toBe(0);
    expect(await scalar("SELECT post_count FROM hashtags WHERE key = ?", b)).toBe(1);
    expect(
      await scalar(
        "SELECT SUM(uses) FROM hashtag_usage u JOIN hashtags h ON h.id = u.hashtag_id WHERE h.key = ?",
        a,
      ),
    ).toBe(0);
    const page = await get(`/api/v1/hashtags/${b}/posts`);
    expect(page.body.data.map((x: { id: string }) => x.id)).toEqual([p.id]);
  });

  it("does not show a version to viewers who could not see it then", async () => {
    const [author, stranger] = await Promise.all([createUser(), createUser()]);
    const p = await createPost(author, { content: "سر", visibility: "PRIVATE" });
    await patch(
      `/api/v1/posts/${p.id}`,
      { content: "للجميع", visibility: "PUBLIC" },
      { token: author.token },
    );
    expect((await get(`/api/v1/posts/${p.id}/history`, { token: stranger.token })).body.data).toEqual([]);
    expect((await get(`/api/v1/posts/${p.id}/history`, { token: author.token })).body.data).toHaveLength(1);
  });

  it("answers 403 for someone else's visible post, 404 for a hidden one, 400 for bad input", async () => {
    const [author, other] = await Promise.all([createUser(), createUser()]);
    const open = await createPost(author);
    const hidden = await createPost(author, { visibility: "PRIVATE" });
    const forbidden = await patch(
      `/api/v1/posts/${open.id}`,
      { content: "mine now" },
      { token: other.token },
    );
    expect(forbidden.status).toBe(403);
    expect((await patch(`/api/v1/posts/${hidden.id}`, { content: "x" }, { token: other.token })).status).toBe(
      404,
    );
    expect((await patch(`/api/v1/posts/${open.id}`, {}, { token: author.token })).status).toBe(400);
    expect(
      (await patch(`/api/v1/posts/${open.id}`, { content: "ب".repeat(3001) }, { token: author.token }))
        .status,
    ).toBe(400);
    expect((await patch(`/api/v1/posts/${open.id}`, { content: "x" })).status).toBe(401);
    expect((await get(`/api/v1/posts/${open.id}`)).body.content).toBe(open.content);
  });

  it("lets exactly one of two simultaneous edits win; the other gets 409 EDIT_CONFLICT or applies after", async () => {
    const author = await createUser();
    const p = await createPost(author, { content: "#start" });
    const contents = ["#one", "#two", "#three"];
    const results = await Promise.all(
      contents.map((content) => patch(`/api/v1/posts/${p.id}`, { content }, { token: author.token })),
    );
    // Each edit either won (200, answering its own content) or lost a race with one that read the same
    // version (409 EDIT_CONFLICT); at least one won, and nothing else happened (no 5xx).
    const won = contents.filter((_, i) => results[i]!.status === 200);
    expect(won.length).toBeGreaterThanOrEqual(1);
    results.forEach((r, i) => {
      if (r.status === 200) expect(r.body.content).toBe(contents[i]);
      else expect([r.status, r.body.error?.code]).toEqual([409, "EDIT_CONFLICT"]);
    });
    // The winners applied one after another, each exactly once: the history holds the starting content
    // and every winner but the last, which is the post's content now; the losers left no trace.
    const final = (await get(`/api/v1/posts/${p.id}`)).body;
    expect(won).toContain(final.content);
    const replaced = JSON.parse(
      await scalar<string>("SELECT json_group_array(content) FROM post_edits WHERE post_id = ?", p.id),
    ) as string[];
    expect(replaced.sort()).toEqual(["#start", ...won.filter((c) => c !== final.content)].sort());
    const rows = await scalar<number>("SELECT COUNT(*) FROM post_hashtags WHERE post_id = ?", p.id);
    expect(rows).toBe(final.hashtags.length);
    const sum = await scalar<number>(
      "SELECT SUM(post_count) FROM hashtags WHERE key IN ('start', 'one', 'two', 'three') AND id IN (SELECT hashtag_id FROM post_hashtags WHERE post_id = ?)",
      p.id,
    );
    expect(sum).toBeGreaterThanOrEqual(1);
  });
});

describe("DELETE /api/v1/posts/:id", () => {
  it("soft-deletes: the post is gone everywhere, its hashtag counts drop, its plain reposts disappear", async () => {
    const [author, fan] = await Promise.all([createUser(), createUser()]);
    const tag = `del${Math.random().toString(36).slice(2, 7)}`;
    const p = await createPost(author, { content: `#${tag}` });
    const rp = await post(`/api/v1/posts/${p.id}/repost`, {}, { token: fan.token });
    const quote = await createUser();
    const q = await post(`/api/v1/posts/${p.id}/repost`, { comment: "رأيي" }, { token: quote.token });
    expect((await del(`/api/v1/posts/${p.id}`, undefined, { token: author.token })).status).toBe(204);
    expect((await get(`/api/v1/posts/${p.id}`)).status).toBe(404);
    expect((await get(`/api/v1/posts/${rp.body.repostId}`)).status).toBe(404);
    const quoted = await get(`/api/v1/posts/${q.body.repostId}`);
    expect(quoted.status).toBe(200);
    expect(quoted.body.repostOf).toBeNull();
    expect(await scalar("SELECT post_count FROM hashtags WHERE key = ?", tag)).toBe(0);
    expect((await get(`/api/v1/hashtags/${tag}/posts`)).body.data).toEqual([]);
    expect((await del(`/api/v1/posts/${p.id}`, undefined, { token: author.token })).status).toBe(404);
  });

  it("answers 403 for someone else's post and 401 without a token", async () => {
    const [author, other] = await Promise.all([createUser(), createUser()]);
    const p = await createPost(author);
    expect((await del(`/api/v1/posts/${p.id}`, undefined, { token: other.token })).status).toBe(403);
    expect((await del(`/api/v1/posts/${p.id}`)).status).toBe(401);
    expect((await get(`/api/v1/posts/${p.id}`)).status).toBe(200);
  });
});
