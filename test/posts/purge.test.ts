import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { purgeTask } from "../../src/core/cron";
import { DAY } from "../../src/platform/clock";
import { get, post } from "../support/http";
import { comment, createPost, react, repost, scalar } from "../support/posts";
import { createUser } from "../support/users";

describe("purging a deleted account's content", () => {
  it("removes their rows and keeps every counter on what stays equal to its rows", async () => {
    const [doomed, stays] = await Promise.all([createUser(), createUser()]);
    const tagX = `x${Math.random().toString(36).slice(2, 7)}`;
    const tagY = `y${Math.random().toString(36).slice(2, 7)}`;
    // The doomed member acts on the other member's post...
    const p = await createPost(stays, { content: `#${tagX} poll`, poll: { options: ["a", "b"] } });
    await react(doomed, p.id, "LOVE");
    const top = await comment(doomed, p.id, "top");
    await comment(stays, p.id, "reply under theirs", top.id);
    const mine = await comment(stays, p.id, "mine");
    await comment(doomed, p.id, "their reply under mine", mine.id);
    await post(`/api/v1/comments/${mine.id}/react`, { type: "LIKE" }, { token: doomed.token });
    await repost(doomed, p.id);
    await post("/api/v1/bookmarks", { postId: p.id }, { token: doomed.token });
    await post(
      `/api/v1/polls/${p.poll.id}/vote`,
      { optionId: p.poll.options[0].id },
      { token: doomed.token },
    );
    await post(`/api/v1/hashtags/${tagX}/follow`, undefined, { token: doomed.token });
    // ...and has a post of their own that the other member engaged with.
    const q = await createPost(doomed, { content: `#${tagY} @${stays.username}` });
    await react(stays, q.id);
    await comment(stays, q.id);
    await post("/api/v1/bookmarks", { postId: q.id }, { token: stays.token });
    const plain = await repost(stays, q.id);
    const stayer2 = await createUser();
    const quote = await repost(stayer2, q.id, "quoted");

    await env.DB.prepare("UPDATE users SET status = 'DELETED', deleted_at = ? WHERE id = ?")
      .bind(Date.now() - 31 * DAY, doomed.id)
      .run();
    await env.DB.batch(purgeTask().statements(env.DB, Date.now()));

    for (const table of [
      "posts WHERE author_id",
      "comments WHERE author_id",
      "reactions WHERE user_id",
      "bookmarks WHERE user_id",
      "poll_votes WHERE user_id",
      "mentions WHERE author_id",
      "follows WHERE follower_id",
    ]) {
      expect(await scalar(`SELECT COUNT(*) FROM ${table} = ?`, doomed.id), table).toBe(0);
    }
    const after = (await get(`/api/v1/posts/${p.id}`)).body;
    expect(after).toMatchObject({ reactionCount: 0, commentCount: 1, repostCount: 0, bookmarkCount: 0 });
    expect(after.poll.totalVotes).toBe(0);
    expect(await scalar("SELECT SUM(vote_count) FROM poll_options WHERE poll_id = ?", p.poll.id)).toBe(0);
    expect(await scalar("SELECT COUNT(*) FROM comments WHERE post_id = ?", p.id)).toBe(1);
    const survivor = (await get(`/api/v1/comments/${mine.id}`)).body;
    expect(survivor).toMatchObject({ replyCount: 0, reactionCount: 0 });
    expect(await scalar("SELECT follower_count FROM hashtags WHERE key = ?", tagX)).toBe(0);
    expect(await scalar("SELECT post_count FROM hashtags WHERE key = ?", tagY)).toBe(0);
    expect(
      await scalar(
        "SELECT COALESCE(SUM(uses), 0) FROM hashtag_usage u JOIN hashtags h ON h.id = u.hashtag_id WHERE h.key = ?",
        tagY,
      ),
    ).toBe(0);
    expect(await scalar("SELECT COUNT(*) FROM posts WHERE id = ?", plain.repostId)).toBe(0);
    const quoted = await get(`/api/v1/posts/${quote.repostId}`);
    expect(quoted.status).toBe(200);
    expect(quoted.body.repostOf).toBeNull();
    expect(
      await scalar("SELECT COUNT(*) FROM bookmarks WHERE target_type = 'POST' AND target_id = ?", q.id),
    ).toBe(0);
  });
});
