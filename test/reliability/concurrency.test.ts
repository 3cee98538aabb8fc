import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { hashtagKey } from "../../src/platform/text";
import { groupConversation } from "../support/conversations";
import { connect } from "../support/graph";
import { call, get } from "../support/http";
import { comment, createPost } from "../support/posts";
import { createUser, createUsers, type TestUser } from "../support/users";

/**
 * 50 members act on one post, its poll, one comment, its author and its hashtag at the same moment (every
 * action twice, so duplicates race too), then half of them undo things while others act again. Afterwards
 * every denormalized counter must equal the rows it counts, read straight from D1, and the API must show
 * the same numbers.
 */
const N = 50;
const TYPES = ["LIKE", "CELEBRATE", "SUPPORT", "LOVE", "INSIGHTFUL", "FUNNY"] as const;
const TAG = "تزامن_الموثوقية";

async function one<T = Record<string, number>>(query: string, ...params: unknown[]): Promise<T> {
  return (await env.DB.prepare(query)
    .bind(...params)
    .first()) as T;
}

async function all<T = Record<string, number>>(query: string, ...params: unknown[]): Promise<T[]> {
  return (
    await env.DB.prepare(query)
      .bind(...params)
      .all()
  ).results as T[];
}

/** Sends every request at once and fails on anything but the expected statuses (e.g. a 5xx from a race). */
async function burst(label: string, requests: Promise<{ status: number; body: unknown }>[], ok: number[]) {
  const results = await Promise.all(requests);
  const bad = results.filter((r) => !ok.includes(r.status));
  expect(
    bad.map((r) => `${r.status} ${JSON.stringify(r.body)}`),
    label,
  ).toEqual([]);
  return results;
}

const reactionSql = (table: "posts" | "comments", type: "POST" | "COMMENT") =>
  `SELECT ${TYPES.map((t) => `t.r_${t.toLowerCase()} AS c_${t}, (SELECT COUNT(*) FROM reactions r WHERE r.target_type = '${type}' AND r.target_id = t.id AND r.type = '${t}') AS n_${t}`).join(", ")} FROM ${table} t WHERE t.id = ?`;

function pairs(row: Record<string, number>): { counters: number[]; rows: number[] } {
  return { counters: TYPES.map((t) => row[`c_${t}`]!), rows: TYPES.map((t) => row[`n_${t}`]!) };
}

describe("counters equal rows under concurrency", () => {
  // About 1,000 requests in two bursts on one post: minutes in local workerd (one fsync per D1 write).
  it(`${N} members react, comment, reply, vote, bookmark, repost and follow at once, then undo some`, {
    timeout: 300_000,
  }, async () => {
    const author = await createUser();
    const members = await createUsers(N);
    const p = await createPost(author, {
      content: `استطلاع التزامن #${TAG}`,
      poll: { options: ["أ", "ب", "ج", "د"], durationDays: 2 },
    });
    const root = await comment(author, p.id, "التعليق الأصلي");
    const options = p.poll.options.map((o: { id: string }) => o.id) as string[];
    const as = (m: TestUser) => ({ token: m.token });
    const POST = (m: TestUser, path: string, body: unknown = {}) => call("POST", path, { ...as(m), body });
    const DEL = (m: TestUser, path: string, body?: unknown) => call("DELETE", path, { ...as(m), body });

    // Wave 1: everything at once, every action twice.
    const replies = new Map<number, string>();
    const tops = new Map<number, string>();
    const wave1 = members.flatMap((m, i) => [
      POST(m, `/api/v1/posts/${p.id}/react`, { type: TYPES[i % 6] }),
      POST(m, `/api/v1/posts/${p.id}/react`, { type: TYPES[(i + 1) % 6] }),
      POST(m, `/api/v1/comments/${root.id}/react`, { type: TYPES[(i + 2) % 6] }),
      POST(m, `/api/v1/posts/${p.id}/comments`, { content: `تعليق ${i}` }).then((r) => {
        tops.set(i, r.body?.id);
        return r;
      }),
      POST(m, `/api/v1/posts/${p.id}/comments`, { content: `رد ${i}`, parentId: root.id }).then((r) => {
        replies.set(i, r.body?.id);
        return r;
      }),
      POST(m, `/api/v1/polls/${p.poll.id}/vote`, { optionId: options[i % 4] }),
      POST(m, `/api/v1/polls/${p.poll.id}/vote`, { optionId: options[(i + 1) % 4] }),
      POST(m, "/api/v1/bookmarks", { postId: p.id }),
      POST(m, "/api/v1/bookmarks", { postId: p.id }),
      POST(m, `/api/v1/posts/${p.id}/repost`),
      POST(m, `/api/v1/posts/${p.id}/repost`),
      POST(m, "/api/v1/follow", { userId: author.id }),
      POST(m, "/api/v1/follow", { userId: author.id }),
      POST(m, `/api/v1/hashtags/${encodeURIComponent(TAG)}/follow`),
      POST(m, `/api/v1/hashtags/${encodeURIComponent(TAG)}/follow`),
    ]);
    await burst("wave 1", wave1, [200, 201, 409]);

    // Wave 2: undo while others act again (changes of reaction, new reactions on the comment).
    const wave2 = members.flatMap((m, i) => {
      const acts: Promise<{ status: number; body: unknown }>[] = [];
      if (i % 3 === 0) acts.push(DEL(m, `/api/v1/posts/${p.id}/react`));
      else acts.push(POST(m, `/api/v1/posts/${p.id}/react`, { type: TYPES[(i + 3) % 6] }));
      if (i % 4 === 0) acts.push(DEL(m, `/api/v1/comments/${replies.get(i)}`));
      if (i % 5 === 0) acts.push(DEL(m, `/api/v1/comments/${tops.get(i)}`));
      if (i % 6 === 0) acts.push(DEL(m, `/api/v1/bookmarks/${p.id}`));
      if (i % 7 === 0) acts.push(DEL(m, `/api/v1/posts/${p.id}/repost`));
      if (i % 8 === 0) acts.push(DEL(m, "/api/v1/follow", { userId: author.id }));
      if (i % 9 === 0) acts.push(DEL(m, `/api/v1/hashtags/${encodeURIComponent(TAG)}/follow`));
      if (i % 2 === 0) acts.push(DEL(m, `/api/v1/comments/${root.id}/react`));
      return acts;
    });
    await burst("wave 2", wave2, [200, 201, 204]);

    const count = (pred: (i: number) => boolean) => members.filter((_, i) => pred(i)).length;

    // Post: reactions per type, comments (with replies), reposts, bookmarks.
    const postRx = pairs(await one(reactionSql("posts", "POST"), p.id));
    expect(postRx.counters).toEqual(postRx.rows);
    expect(postRx.rows.reduce((a, b) => a + b, 0)).toBe(count((i) => i % 3 !== 0));
    const post = await one(
      `SELECT comment_count AS c, (SELECT COUNT(*) FROM comments WHERE post_id = posts.id AND deleted_at IS NULL) AS cn,
        repost_count AS r, (SELECT COUNT(*) FROM posts x WHERE x.repost_of_id = posts.id AND x.deleted_at IS NULL) AS rn,
        bookmark_count AS b, (SELECT COUNT(*) FROM bookmarks WHERE target_type = 'POST' AND target_id = posts.id) AS bn
       FROM posts WHERE id = ?`,
      p.id,
    );
    expect([post.c, post.r, post.b]).toEqual([post.cn, post.rn, post.bn]);
    expect(post.cn).toBe(1 + N * 2 - count((i) => i % 4 === 0) - count((i) => i % 5 === 0));
    expect(post.rn).toBe(N - count((i) => i % 7 === 0));
    expect(post.bn).toBe(N - count((i) => i % 6 === 0));

    // Comments: reactions on the root, and every comment's reply count.
    const rootRx = pairs(await one(reactionSql("comments", "COMMENT"), root.id));
    expect(rootRx.counters).toEqual(rootRx.rows);
    expect(rootRx.rows.reduce((a, b) => a + b, 0)).toBe(count((i) => i % 2 !== 0));
    const replyCounts = await all<{ id: string; c: number; n: number }>(
      `SELECT id, reply_count AS c, (SELECT COUNT(*) FROM comments r WHERE r.parent_id = c.id AND r.deleted_at IS NULL) AS n
       FROM comments c WHERE post_id = ? AND deleted_at IS NULL`,
      p.id,
    );
    for (const r of replyCounts) expect(r.c, `reply_count of ${r.id}`).toBe(r.n);
    expect(replyCounts.find((r) => r.id === root.id)?.n).toBe(N - count((i) => i % 4 === 0));

    // Poll: one vote per member, per-option counts and the total.
    const opts = await all<{ c: number; n: number }>(
      `SELECT vote_count AS c, (SELECT COUNT(*) FROM poll_votes v WHERE v.option_id = o.id) AS n
       FROM poll_options o WHERE poll_id = (SELECT id FROM polls WHERE post_id = ?)`,
      p.id,
    );
    expect(opts.map((o) => o.c)).toEqual(opts.map((o) => o.n));
    const poll = await one(
      "SELECT total_votes AS c, (SELECT COUNT(*) FROM poll_votes v WHERE v.poll_id = polls.id) AS n FROM polls WHERE post_id = ?",
      p.id,
    );
    expect([poll.c, poll.n]).toEqual([N, N]);

    // Follows: the author's followers, each member's following, the hashtag's followers and posts.
    const followers = await one(
      `SELECT follower_count AS c, (SELECT COUNT(*) FROM follows WHERE target_type = 'USER' AND target_id = profiles.user_id) AS n
       FROM profiles WHERE user_id = ?`,
      author.id,
    );
    expect(followers.c).toBe(followers.n);
    expect(followers.n).toBe(N - count((i) => i % 8 === 0));
    const following = await all<{ c: number; n: number }>(
      `SELECT following_count AS c, (SELECT COUNT(*) FROM follows WHERE follower_id = profiles.user_id AND target_type = 'USER') AS n
       FROM profiles WHERE user_id IN (${members.map(() => "?").join(",")})`,
      ...members.map((m) => m.id),
    );
    expect(following.map((f) => f.c)).toEqual(following.map((f) => f.n));
    const tag = await one(
      `SELECT follower_count AS c, (SELECT COUNT(*) FROM follows WHERE target_type = 'HASHTAG' AND target_id = hashtags.id) AS n,
        post_count AS pc, (SELECT COUNT(*) FROM post_hashtags WHERE hashtag_id = hashtags.id) AS pn
       FROM hashtags WHERE key = ?`,
      hashtagKey(TAG),
    );
    expect([tag.c, tag.pc]).toEqual([tag.n, tag.pn]);
    expect(tag.n).toBe(N - count((i) => i % 9 === 0));

    // What a reader sees through the API is the same.
    const view = await get(`/api/v1/posts/${p.id}`, { token: author.token });
    expect(view.status).toBe(200);
    expect(view.body).toMatchObject({
      reactionCount: postRx.rows.reduce((a, b) => a + b, 0),
      commentCount: post.cn,
      repostCount: post.rn,
      bookmarkCount: post.bn,
    });
    expect(view.body.poll.totalVotes).toBe(N);
  });

  it("members added to and leaving one group at once: member_count equals the member rows", async () => {
    const admin = await createUser();
    const first = await createUsers(2);
    const joiners = await createUsers(30);
    // Admins add their connections directly (anyone else would only be invited).
    for (const j of joiners) await connect(admin, j);
    const id = await groupConversation(admin, first, "تزامن");
    await burst(
      "add",
      joiners.map((j) =>
        call("POST", `/api/v1/conversations/${id}/members`, {
          token: admin.token,
          body: { userIds: [j.id] },
        }),
      ),
      [200],
    );
    await burst(
      "leave and re-add",
      joiners.flatMap((j, i) =>
        i % 3 === 0
          ? [call("POST", `/api/v1/conversations/${id}/leave`, { token: j.token })]
          : [
              call("POST", `/api/v1/conversations/${id}/members`, {
                token: admin.token,
                body: { userIds: [j.id] },
              }),
            ],
      ),
      [200, 204, 409],
    );
    const row = await one(
      "SELECT member_count AS c, (SELECT COUNT(*) FROM conversation_members WHERE conversation_id = conversations.id) AS n FROM conversations WHERE id = ?",
      id,
    );
    expect(row.c).toBe(row.n);
    expect(row.n).toBe(3 + joiners.filter((_, i) => i % 3 !== 0).length);
  });
});
