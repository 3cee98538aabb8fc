import { describe, expect, it } from "vitest";
import { follow } from "../support/graph";
import { get } from "../support/http";
import { createPost, react } from "../support/posts";
import { editProfile } from "../support/profiles";
import { marker, search, waitIndexed } from "../support/search";
import { createUser, type TestUser } from "../support/users";

/**
 * The user card (id, username, displayName, headline, avatarUrl) shows no more than the limited profile:
 * the headline of a PRIVATE member is null wherever the card appears (lists, post authors, search hits,
 * reactions), except on the member's own card when the card knows its viewer.
 */
async function memberWith(visibility: "PUBLIC" | "CONNECTIONS" | "PRIVATE", mark: string) {
  const user = await createUser({ displayName: `${visibility} ${mark}` });
  await editProfile(user, { headline: `headline of ${user.username}`, privacy: { visibility } });
  return user;
}

type Card = { id: string; headline: string | null };
const cardOf = (cards: Card[], user: TestUser) => cards.find((c) => c.id === user.id);

describe("user cards: no headline for PRIVATE profiles", () => {
  it("in network lists (followers of a public member)", async () => {
    const mark = marker();
    const [priv, conn, pub] = [
      await memberWith("PRIVATE", mark),
      await memberWith("CONNECTIONS", mark),
      await memberWith("PUBLIC", mark),
    ];
    const [star, stranger] = [await createUser(), await createUser()];
    for (const u of [priv, conn, pub]) await follow(u, star);
    const res = await get(`/api/v1/follow/followers?userId=${star.id}`, { token: stranger.token });
    expect(res.status).toBe(200);
    const cards = res.body.data.map((f: { user: Card }) => f.user);
    expect(cardOf(cards, priv)).toMatchObject({ headline: null });
    expect(cardOf(cards, conn)?.headline).toBe(`headline of ${conn.username}`);
    expect(cardOf(cards, pub)?.headline).toBe(`headline of ${pub.username}`);
  });

  it("as a post author: null for others, the member's own headline for themselves", async () => {
    const mark = marker();
    const priv = await memberWith("PRIVATE", mark);
    const stranger = await createUser();
    const p = await createPost(priv, { content: `منشور ${mark}`, visibility: "PUBLIC" });
    const seen = await get(`/api/v1/posts/${p.id}`, { token: stranger.token });
    expect(seen.status).toBe(200);
    expect(seen.body.author).toMatchObject({ id: priv.id, headline: null });
    const anonymous = await get(`/api/v1/posts/${p.id}`);
    expect(anonymous.body.author.headline).toBeNull();
    const own = await get(`/api/v1/posts/${p.id}`, { token: priv.token });
    expect(own.body.author.headline).toBe(`headline of ${priv.username}`);
    // The feed builds the same card.
    await follow(stranger, priv);
    const feed = await get("/api/v1/feed?type=following", { token: stranger.token });
    const inFeed = feed.body.data.find((x: { id: string }) => x.id === p.id);
    expect(inFeed.author.headline).toBeNull();
  });

  it("in reactions to a post", async () => {
    const mark = marker();
    const priv = await memberWith("PRIVATE", mark);
    const [author, reader] = [await createUser(), await createUser()];
    const p = await createPost(author, { content: `منشور ${mark}`, visibility: "PUBLIC" });
    await react(priv, p.id);
    const res = await get(`/api/v1/posts/${p.id}/reactions`, { token: reader.token });
    expect(res.status).toBe(200);
    expect(res.body.data[0].user).toMatchObject({ id: priv.id, headline: null });
  });

  it("in search hits: null for others, the member's own headline for themselves", async () => {
    const mark = marker();
    const [priv, conn] = [await memberWith("PRIVATE", mark), await memberWith("CONNECTIONS", mark)];
    for (const u of [priv, conn]) await waitIndexed("people", u.id);
    const stranger = await createUser();
    const cards = (await search(stranger, mark, { type: "people" })).body.data.map(
      (h: { user: Card }) => h.user,
    );
    expect(cardOf(cards, priv)).toMatchObject({ headline: null });
    expect(cardOf(cards, conn)?.headline).toBe(`headline of ${conn.username}`);
    const own = (await search(priv, mark, { type: "people" })).body.data.map((h: { user: Card }) => h.user);
    expect(cardOf(own, priv)?.headline).toBe(`headline of ${priv.username}`);
  });

  it("among the recent viewers of a profile", async () => {
    const mark = marker();
    const priv = await memberWith("PRIVATE", mark);
    const owner = await createUser();
    expect((await get(`/api/v1/profiles/${owner.username}`, { token: priv.token })).status).toBe(200);
    let viewers: { user: Card }[] = [];
    for (let i = 0; i < 50 && viewers.length === 0; i++) {
      viewers = (await get("/api/v1/profiles/me/views", { token: owner.token })).body.recentViewers;
      if (viewers.length === 0) await new Promise((r) => setTimeout(r, 50));
    }
    expect(viewers[0]?.user).toMatchObject({ id: priv.id, headline: null });
  });

  it("the limited profile shows what the card shows", async () => {
    const mark = marker();
    const [priv, conn] = [await memberWith("PRIVATE", mark), await memberWith("CONNECTIONS", mark)];
    const stranger = await createUser();
    const a = await get(`/api/v1/profiles/${priv.username}`, { token: stranger.token });
    expect(a.body).toMatchObject({ limited: true, headline: null });
    const b = await get(`/api/v1/profiles/${conn.username}`, { token: stranger.token });
    expect(b.body).toMatchObject({ limited: true, headline: `headline of ${conn.username}` });
  });
});
