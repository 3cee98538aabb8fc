import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { block, connect, waitForDomainEvent } from "../support/graph";
import { get, patch, post } from "../support/http";
import { comment, createPost, scalar } from "../support/posts";
import { createUser, type TestUser } from "../support/users";

const linked = (p: { [key: string]: any }) => (p.mentions as { userId: string }[]).map((m) => m.userId);
const hasEvent = async (key: string) =>
  (await env.DB.prepare("SELECT 1 FROM queue_receipts WHERE key = ?")
    .bind(`majlis-notify:${key}`)
    .first()) !== null;
const setProfileVisibility = (u: TestUser, visibility: string) =>
  env.DB.prepare("UPDATE profiles SET visibility = ? WHERE user_id = ?").bind(visibility, u.id).run();

describe("mentions", () => {
  it("links @username (any case), stores UTF-16 offsets and notifies the member", async () => {
    const [author, sara] = await Promise.all([createUser(), createUser()]);
    const content = `👋🏽 @${sara.username.toUpperCase()}, see @nosuchmember123 and mail x@${sara.username}.com`;
    const p = await createPost(author, { content });
    expect(p.mentions).toEqual([
      {
        userId: sara.id,
        username: sara.username,
        start: content.indexOf("@"),
        end: content.indexOf("@") + 1 + sara.username.length,
      },
    ]);
    expect(
      await scalar("SELECT COUNT(*) FROM mentions WHERE post_id = ? AND user_id = ?", p.id, sara.id),
    ).toBe(1);
    await waitForDomainEvent(`mention:post:${p.id}:${sara.id}`);
  });

  it("does not link or notify members who blocked the author, whom the author blocked, or whose settings forbid it", async () => {
    const [author, ok, blocker, blockedByAuthor, privateOne, connectionsOnly, connected] = await Promise.all(
      Array.from({ length: 7 }, () => createUser()),
    );
    await block(blocker!, author!);
    await block(author!, blockedByAuthor!);
    await setProfileVisibility(privateOne!, "PRIVATE");
    await setProfileVisibility(connectionsOnly!, "CONNECTIONS");
    await setProfileVisibility(connected!, "CONNECTIONS");
    await connect(author!, connected!);
    const names = [ok, blocker, blockedByAuthor, privateOne, connectionsOnly, connected].map(
      (u) => `@${u!.username}`,
    );
    const p = await createPost(author!, { content: names.join(" ") });
    expect(linked(p)).toEqual([ok!.id, connected!.id]);
    await waitForDomainEvent(`mention:post:${p.id}:${ok!.id}`);
    await waitForDomainEvent(`mention:post:${p.id}:${connected!.id}`);
    for (const u of [blocker, blockedByAuthor, privateOne, connectionsOnly]) {
      expect(await hasEvent(`mention:post:${p.id}:${u!.id}`)).toBe(false);
    }
  });

  it("links but does not notify a member who cannot see the post", async () => {
    const [author, friend, outsider] = await Promise.all([createUser(), createUser(), createUser()]);
    await connect(author, friend);
    const p = await createPost(author, {
      content: `@${friend.username} @${outsider.username}`,
      visibility: "CONNECTIONS",
    });
    expect(linked(p)).toEqual([friend.id, outsider.id]);
    await waitForDomainEvent(`mention:post:${p.id}:${friend.id}`);
    expect(await hasEvent(`mention:post:${p.id}:${outsider.id}`)).toBe(false);
  });

  it("relinks on edit and notifies newly mentioned members", async () => {
    const [author, a, b] = await Promise.all([createUser(), createUser(), createUser()]);
    const p = await createPost(author, { content: `@${a.username}` });
    const edited = await patch(
      `/api/v1/posts/${p.id}`,
      { content: `@${b.username} only` },
      { token: author.token },
    );
    expect(linked(edited.body)).toEqual([b.id]);
    expect(await scalar("SELECT COUNT(*) FROM mentions WHERE post_id = ?", p.id)).toBe(1);
    await waitForDomainEvent(`mention:post:${p.id}:${b.id}`);
  });

  it("works in comments too", async () => {
    const [author, a] = await Promise.all([createUser(), createUser()]);
    const p = await createPost(author);
    const c = await comment(author, p.id, `شكراً @${a.username}`);
    expect(linked(c)).toEqual([a.id]);
    await waitForDomainEvent(`mention:comment:${c.id}:${a.id}`);
    const read = await get(`/api/v1/comments/${c.id}`);
    expect(read.body.mentions[0].start).toBe("شكراً ".length);
    const quote = await post(
      `/api/v1/posts/${p.id}/repost`,
      { comment: `@${a.username} look` },
      { token: a.token },
    );
    expect(linked(quote.body.post)).toEqual([a.id]);
  });
});
