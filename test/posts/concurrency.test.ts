import { describe, expect, it } from "vitest";
import { del, get, post } from "../support/http";
import { createPost, scalar } from "../support/posts";
import { createUsers } from "../support/users";

/**
 * Many members act on one post at the same moment; afterwards every counter must equal the rows it
 * counts. Each member also repeats its action (duplicates must not count twice).
 */
const TYPES = ["LIKE", "CELEBRATE", "SUPPORT", "LOVE", "INSIGHTFUL", "FUNNY"] as const;
const COLUMNS = ["r_like", "r_celebrate", "r_support", "r_love", "r_insightful", "r_funny"];

async function countersMatchRows(postId: string) {
  const row = await scalar<string>(
    `SELECT json_object('counters', json_array(${COLUMNS.join(", ")}, comment_count, repost_count, bookmark_count),
      'rows', json_array(${TYPES.map((t) => `(SELECT COUNT(*) FROM reactions WHERE target_type = 'POST' AND target_id = posts.id AND type = '${t}')`).join(", ")},
        (SELECT COUNT(*) FROM comments WHERE post_id = posts.id AND deleted_at IS NULL),
        (SELECT COUNT(*) FROM posts r WHERE r.repost_of_id = posts.id AND r.deleted_at IS NULL),
        (SELECT COUNT(*) FROM bookmarks WHERE target_type = 'POST' AND target_id = posts.id))) FROM posts WHERE id = ?`,
    postId,
  );
  const { counters, rows } = JSON.parse(row) as { counters: number[]; rows: number[] };
  expect(counters).toEqual(rows);
  return counters;
}

describe("counters under concurrency", () => {
  it("reactions, changes, removals, comments, reposts, bookmarks and votes from 24 members at once", async () => {
    const members = await createUsers(25);
    const author = members.pop()!;
    const p = await createPost(author, { content: "استطلاع #تزامن", poll: { options: ["أ", "ب", "ج"] } });

    await Promise.all(
      members.map(async (m, i) => {
        const type = TYPES[i % TYPES.length]!;
        const actions = [
          post(`/api/v1/posts/${p.id}/react`, { type }, { token: m.token }),
          post(`/api/v1/posts/${p.id}/react`, { type: TYPES[(i + 1) % TYPES.length] }, { token: m.token }),
          post(`/api/v1/posts/${p.id}/comments`, { content: `تعليق ${i}` }, { token: m.token }),
          post(`/api/v1/posts/${p.id}/repost`, {}, { token: m.token }),
          post(`/api/v1/posts/${p.id}/repost`, { comment: "again" }, { token: m.token }),
          post("/api/v1/bookmarks", { postId: p.id }, { token: m.token }),
          post("/api/v1/bookmarks", { postId: p.id }, { token: m.token }),
          post(`/api/v1/polls/${p.poll.id}/vote`, { optionId: p.poll.options[i % 3].id }, { token: m.token }),
          post(
            `/api/v1/polls/${p.poll.id}/vote`,
            { optionId: p.poll.options[(i + 1) % 3].id },
            { token: m.token },
          ),
        ];
        if (i % 4 === 0) actions.push(del(`/api/v1/posts/${p.id}/react`, undefined, { token: m.token }));
        const results = await Promise.all(actions);
        for (const r of results) expect([200, 201, 204, 409]).toContain(r.status);
      }),
    );

    const counters = await countersMatchRows(p.id);
    expect(counters.slice(6)).toEqual([24, 24, 24]); // one comment, one repost, one bookmark each
    const reactions = counters.slice(0, 6).reduce((a, b) => a + b, 0);
    expect(reactions).toBeGreaterThanOrEqual(18); // every member but the removers keeps one reaction
    expect(reactions).toBeLessThanOrEqual(24);

    const options = JSON.parse(
      await scalar<string>(
        `SELECT json_group_array(json_array(vote_count, (SELECT COUNT(*) FROM poll_votes v WHERE v.option_id = o.id)))
         FROM poll_options o WHERE poll_id = ?`,
        p.poll.id,
      ),
    ) as [number, number][];
    for (const [counter, rows] of options) expect(counter).toBe(rows);
    expect(await scalar("SELECT total_votes FROM polls WHERE id = ?", p.poll.id)).toBe(24);
    expect(await scalar("SELECT COUNT(*) FROM poll_votes WHERE poll_id = ?", p.poll.id)).toBe(24);

    const tagUses = await scalar<string>(
      `SELECT json_array(h.post_count, (SELECT COUNT(*) FROM post_hashtags WHERE hashtag_id = h.id),
        (SELECT SUM(uses) FROM hashtag_usage WHERE hashtag_id = h.id)) FROM hashtags h WHERE key = 'تزامن'`,
    );
    const [count, rows, uses] = JSON.parse(tagUses) as number[];
    expect(count).toBe(rows);
    expect(uses).toBe(rows);

    // What the API shows is what the rows say.
    const read = await get(`/api/v1/posts/${p.id}`);
    expect(read.body.commentCount).toBe(24);
    expect(read.body.repostCount).toBe(24);
    expect(read.body.reactionCount).toBe(reactions);
  });

  it("simultaneous deletes of a comment thread and replies to it leave comment counts exact", async () => {
    const members = await createUsers(9);
    const author = members.pop()!;
    const p = await createPost(author);
    const top = await post(`/api/v1/posts/${p.id}/comments`, { content: "رأس" }, { token: author.token });
    const [replies, deletes] = await Promise.all([
      Promise.all(
        members.map((m) =>
          post(
            `/api/v1/posts/${p.id}/comments`,
            { content: "رد", parentId: top.body.id },
            { token: m.token },
          ),
        ),
      ),
      Promise.all(
        [1, 2].map(() => del(`/api/v1/comments/${top.body.id}`, undefined, { token: author.token })),
      ),
    ]);
    // A reply lands before the thread goes (201) or finds it gone (404); the thread goes exactly once.
    for (const r of replies) expect([201, 404]).toContain(r.status);
    expect(deletes.map((r) => r.status).sort()).toEqual([204, 404]);
    await countersMatchRows(p.id);
    expect(await scalar("SELECT comment_count FROM posts WHERE id = ?", p.id)).toBe(0);
  });

  it("simultaneous reposts and unreposts keep repostCount exact", async () => {
    const members = await createUsers(10);
    const author = members.pop()!;
    const p = await createPost(author);
    const answers = await Promise.all(
      members.map((m, i) =>
        Promise.all([
          post(`/api/v1/posts/${p.id}/repost`, {}, { token: m.token }),
          ...(i % 2 ? [del(`/api/v1/posts/${p.id}/repost`, undefined, { token: m.token })] : []),
          post(`/api/v1/posts/${p.id}/repost`, {}, { token: m.token }),
        ]),
      ),
    );
    // Per member: each repost either made one (201) or found one (409); an unrepost removed one (204) or
    // found none (404). What each member has left is what their answers say, so a run where every
    // request failed cannot pass on "0 = 0".
    let expected = 0;
    for (const [i, results] of answers.entries()) {
      const statuses = results.map((r) => r.status);
      for (const s of statuses) expect([201, 204, 404, 409], `member ${i}: ${statuses}`).toContain(s);
      const made = statuses.filter((s) => s === 201).length;
      const removed = statuses.filter((s) => s === 204).length;
      expect(made, `member ${i} reposted at least once: ${statuses}`).toBeGreaterThanOrEqual(1);
      const left = made - removed;
      expect([0, 1]).toContain(left);
      if (i % 2 === 0) expect(statuses.sort()).toEqual([201, 409]);
      expect(
        await scalar(
          "SELECT COUNT(*) FROM posts WHERE repost_of_id = ? AND author_id = ? AND deleted_at IS NULL",
          p.id,
          members[i]!.id,
        ),
      ).toBe(left);
      expected += left;
    }
    const [, , , , , , , reposts] = await countersMatchRows(p.id);
    expect(reposts).toBe(expected);
    expect(expected).toBeGreaterThanOrEqual(members.length / 2);
  });
});
