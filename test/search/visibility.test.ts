import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { block, connect } from "../support/graph";
import { del, patch, post } from "../support/http";
import { editProfile, setUserStatus } from "../support/profiles";
import { indexedPost, indexedPosts, marker, search, searchIds, waitIndexed } from "../support/search";
import { createUser, type TestUser } from "../support/users";

/**
 * A search never shows what the member could not see elsewhere: posts follow the post visibility rule,
 * people follow GET /profiles, and blocks, deletions and suspensions hide everything.
 */

const people = (user: TestUser, q: string, filters?: unknown) =>
  searchIds(user, q, { type: "people", ...(filters ? { filters } : {}) });
const posts = (user: TestUser, q: string) => searchIds(user, q, { type: "posts" });

describe("posts", () => {
  it("PUBLIC to all, CONNECTIONS to connections, PRIVATE to the author only", async () => {
    const mark = marker();
    const [author, stranger, friend] = [await createUser(), await createUser(), await createUser()];
    await connect(author, friend);
    const [pub] = await indexedPosts(author, [`عام ${mark}`]);
    const [conn] = await indexedPosts(author, [`للأصدقاء ${mark}`], "CONNECTIONS");
    const [priv] = await indexedPosts(author, [`خاص ${mark}`], "PRIVATE");
    expect(await posts(stranger, mark)).toEqual([pub]);
    expect((await posts(friend, mark)).sort()).toEqual([pub, conn].sort());
    expect((await posts(author, mark)).sort()).toEqual([pub, conn, priv].sort());
    // Searching the words of a hidden post finds nothing either.
    expect(await posts(stranger, `للأصدقاء ${mark}`)).toEqual([]);
    expect(await posts(friend, `خاص ${mark}`)).toEqual([]);
  });

  it("a visibility change applies at once, before any reindex", async () => {
    const mark = marker();
    const [author, stranger] = [await createUser(), await createUser()];
    const id = await indexedPost(author, `إعلان ${mark}`);
    expect(await posts(stranger, mark)).toEqual([id]);
    const res = await patch(`/api/v1/posts/${id}`, { visibility: "CONNECTIONS" }, { token: author.token });
    expect(res.status).toBe(200);
    expect(await posts(stranger, mark)).toEqual([]);
  });

  it("a deleted post is never found: not while the index lags, not after it caught up", async () => {
    const mark = marker();
    const [author, reader] = [await createUser(), await createUser()];
    const [lagging, deleted] = await indexedPosts(author, [`أول ${mark}`, `ثان ${mark}`]);
    // As if the queue had not run yet: the row is deleted, the index still has it.
    await env.DB.prepare("UPDATE posts SET deleted_at = ? WHERE id = ?").bind(Date.now(), lagging).run();
    expect((await del(`/api/v1/posts/${deleted}`, undefined, { token: author.token })).status).toBe(204);
    expect(await posts(reader, mark)).toEqual([]);
    expect(await posts(author, mark)).toEqual([]);
    await waitIndexed("posts", deleted!);
    const row = await env.DB.prepare(
      "SELECT in_index FROM search_docs WHERE type = 'posts' AND entity_id = ?",
    )
      .bind(deleted)
      .first<{ in_index: number }>();
    expect(row?.in_index).toBe(0);
  });

  it("an edit reindexes: the old words stop matching, the new ones match", async () => {
    const mark = marker();
    const [author, reader] = [await createUser(), await createUser()];
    const id = await indexedPost(author, `قهوة ${mark}`);
    await patch(`/api/v1/posts/${id}`, { content: `شاي بالنعناع ${mark}` }, { token: author.token });
    await waitIndexed("posts", id);
    expect(await posts(reader, `قهوة ${mark}`)).toEqual([]);
    expect(await posts(reader, `النعناع ${mark}`)).toEqual([id]);
  });

  it("quotes are found by their comment; plain reposts are not indexed (the original is)", async () => {
    const mark = marker();
    const [author, reposter, reader] = [await createUser(), await createUser(), await createUser()];
    const original = await indexedPost(author, `الأصل ${mark}`);
    const plain = await post(`/api/v1/posts/${original}/repost`, {}, { token: reposter.token });
    expect(plain.status).toBe(201);
    const quoter = await createUser();
    const quote = await post(
      `/api/v1/posts/${original}/repost`,
      { comment: `تعليقي ${mark}` },
      { token: quoter.token },
    );
    expect(quote.status).toBe(201);
    await waitIndexed("posts", plain.body.post.id);
    await waitIndexed("posts", quote.body.post.id);
    expect((await posts(reader, mark)).sort()).toEqual([original, quote.body.post.id].sort());
  });
});

describe("blocks, deleted and suspended members", () => {
  it("a block hides both members from each other's searches, either way", async () => {
    const mark = marker();
    const [blocker, blocked, other] = [
      await createUser({ displayName: `Blocker ${mark}` }),
      await createUser({ displayName: `Blocked ${mark}` }),
      await createUser({ displayName: `Other ${mark}` }),
    ];
    const [byBlocker] = await indexedPosts(blocker, [`من الحاجب ${mark}`]);
    const [byBlocked] = await indexedPosts(blocked, [`من المحجوب ${mark}`]);
    const [byOther] = await indexedPosts(other, [`من غيرهما ${mark}`]);
    for (const u of [blocker, blocked, other]) await waitIndexed("people", u.id);
    await block(blocker, blocked);
    expect((await posts(blocker, mark)).sort()).toEqual([byBlocker, byOther].sort());
    expect((await posts(blocked, mark)).sort()).toEqual([byBlocked, byOther].sort());
    expect((await people(blocker, mark)).sort()).toEqual([blocker.id, other.id].sort());
    expect((await people(blocked, mark)).sort()).toEqual([blocked.id, other.id].sort());
    expect((await people(other, mark)).length).toBe(3);
  });

  it("a deleted account disappears from people and posts; a suspended one too", async () => {
    const mark = marker();
    const [leaving, suspended, reader] = [
      await createUser({ displayName: `Leaving ${mark}` }),
      await createUser({ displayName: `Suspended ${mark}` }),
      await createUser(),
    ];
    const [leavingPost] = await indexedPosts(leaving, [`وداعاً ${mark}`]);
    const [suspendedPost] = await indexedPosts(suspended, [`موقوف ${mark}`]);
    await waitIndexed("people", leaving.id);
    await waitIndexed("people", suspended.id);
    expect((await posts(reader, mark)).sort()).toEqual([leavingPost, suspendedPost].sort());

    const gone = await del("/api/v1/auth/me", { password: leaving.password }, { token: leaving.token });
    expect(gone.status).toBe(204);
    await setUserStatus(suspended, "SUSPENDED");
    expect(await posts(reader, mark)).toEqual([]);
    expect(await people(reader, mark)).toEqual([]);
    await waitIndexed("people", leaving.id);
    const row = await env.DB.prepare(
      "SELECT in_index FROM search_docs WHERE type = 'people' AND entity_id = ?",
    )
      .bind(leaving.id)
      .first<{ in_index: number }>();
    expect(row?.in_index).toBe(0);
  });
});

describe("people: only what GET /profiles shows the viewer", () => {
  async function profiles(mark: string) {
    const secret = `${mark}s`;
    const body = (visibility: string) => ({
      headline: `${secret}head ${visibility}`,
      about: `${secret}about`,
      location: "الرياض",
      skills: [`${secret}skill`],
      experience: [{ title: "Engineer", company: `${secret}corp`, startDate: "2020-01" }],
      privacy: { visibility },
    });
    const pub = await createUser({ displayName: `Public ${mark}` });
    const conn = await createUser({ displayName: `Connections ${mark}` });
    const priv = await createUser({ displayName: `Private ${mark}` });
    await editProfile(pub, body("PUBLIC"));
    await editProfile(conn, body("CONNECTIONS"));
    await editProfile(priv, body("PRIVATE"));
    for (const u of [pub, conn, priv]) await waitIndexed("people", u.id);
    return { pub, conn, priv, secret };
  }

  it("a stranger matches PUBLIC profiles on everything, CONNECTIONS on name and headline, PRIVATE on the name", async () => {
    const mark = marker();
    const { pub, conn, priv, secret } = await profiles(mark);
    const stranger = await createUser();
    expect((await people(stranger, mark)).sort()).toEqual([pub.id, conn.id, priv.id].sort());
    expect((await people(stranger, `${secret}head`)).sort()).toEqual([pub.id, conn.id].sort());
    for (const word of ["about", "skill", "corp"]) {
      expect(await people(stranger, `${secret}${word}`), word).toEqual([pub.id]);
    }
    // The location only shows on full profiles, so the filter cannot reveal the others.
    expect(await people(stranger, mark, { location: "الرياض" })).toEqual([pub.id]);
  });

  it("cards carry no more than the limited profile: no headline for PRIVATE", async () => {
    const mark = marker();
    const { pub, conn, priv } = await profiles(mark);
    const stranger = await createUser();
    const res = await search(stranger, mark, { type: "people" });
    const cards = Object.fromEntries(
      res.body.data.map((h: { user: { id: string; headline: string | null } }) => [h.user.id, h.user]),
    );
    expect(cards[pub.id].headline).toContain("PUBLIC");
    expect(cards[conn.id].headline).toContain("CONNECTIONS");
    expect(cards[priv.id].headline).toBeNull();
    expect(Object.keys(cards[priv.id]).sort()).toEqual([
      "avatarUrl",
      "displayName",
      "headline",
      "id",
      "username",
    ]);
  });

  it("a connection matches a CONNECTIONS profile on everything; the owner matches their PRIVATE profile", async () => {
    const mark = marker();
    const { conn, priv, secret } = await profiles(mark);
    const friend = await createUser();
    await connect(friend, conn);
    await connect(friend, priv);
    expect(await people(friend, `${secret}about`)).toEqual(expect.arrayContaining([conn.id]));
    expect(await people(friend, `${secret}about`)).not.toContain(priv.id);
    expect(await people(priv, `${secret}about`)).toContain(priv.id);
    expect(await people(priv, mark, { location: "الرياض" })).toContain(priv.id);
  });

  it("making a profile PRIVATE hides its details from searches", async () => {
    const mark = marker();
    const member = await createUser({ displayName: `Changing ${mark}` });
    await editProfile(member, { about: `${mark}hobby` });
    await waitIndexed("people", member.id);
    const stranger = await createUser();
    expect(await people(stranger, `${mark}hobby`)).toEqual([member.id]);
    await editProfile(member, { privacy: { visibility: "PRIVATE" } });
    expect(await people(stranger, `${mark}hobby`)).toEqual([]);
    expect(await people(stranger, mark)).toEqual([member.id]);
  });
});
