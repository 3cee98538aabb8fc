import { describe, expect, it } from "vitest";
import { advanceClockForTests, resetClockForTests } from "../../src/platform/clock";
import { groupConversation } from "../support/conversations";
import { block, connect } from "../support/graph";
import { get, patch } from "../support/http";
import { fetchMedia, mp4, pdf, png, upload, waitForMedia } from "../support/media";
import { createPost, deletePost, type Visibility } from "../support/posts";
import { createUser, type TestUser } from "../support/users";

/**
 * Media follow what they are attached to. Media of a PUBLIC post (and avatars and banners) are public:
 * plain URLs, cacheable. Media of any other post are delivered only through short-lived signed URLs
 * handed to viewers who may read the post; the plain URL answers 404. GET /api/v1/media/{id} answers 404
 * unless the caller owns the media or may see a post (or profile, or group) it is attached to.
 */
async function readyMedia(user: TestUser, kind: string, file: Uint8Array, filename = "f") {
  const res = await upload(user.token, { kind, file, filename });
  if (res.status !== 201) throw new Error(`upload: ${res.status} ${JSON.stringify(res.body)}`);
  return waitForMedia(user.token, res.body.id);
}

async function postWithImage(author: TestUser, visibility: Visibility) {
  const image = await readyMedia(author, "POST_IMAGE", await png(64, 48));
  const p = await createPost(author, { content: "صورة", visibility, mediaIds: [image.id] });
  return { image, post: p };
}

const plain = (url: string) => {
  const u = new URL(url);
  return `${u.origin}${u.pathname}`;
};
const mediaOf = (user: TestUser | null, id: string) =>
  get(`/api/v1/media/${id}`, user ? { token: user.token } : {});
const postAs = (user: TestUser | null, id: string) =>
  get(`/api/v1/posts/${id}`, user ? { token: user.token } : {});

describe("media of a PRIVATE post", () => {
  it("are not served anonymously by their plain URL; the author gets a signed, privately cached URL", async () => {
    const author = await createUser();
    const { image, post } = await postWithImage(author, "PRIVATE");
    const [attached] = post.media;
    expect(attached.url).toMatch(/\/media\/posts\/[0-9A-Z]+\.webp\?expires=\d+&sig=/);
    expect(attached.thumbnailUrl).toMatch(/_thumb\.webp\?expires=\d+&sig=/);

    for (const url of [plain(attached.url), plain(attached.thumbnailUrl)]) {
      const anonymous = await fetchMedia(url);
      expect(anonymous.status, url).toBe(404);
      expect(anonymous.headers.get("cache-control") ?? "").not.toContain("public");
    }
    expect((await fetchMedia(`/media/posts/${image.id}.webp`, {}, "HEAD")).status).toBe(404);

    const signed = await fetchMedia(attached.url);
    expect(signed.status).toBe(200);
    expect(signed.headers.get("content-type")).toBe("image/webp");
    const cache = signed.headers.get("cache-control")!;
    expect(cache).toMatch(/^private, max-age=\d+$/);
    expect(cache).not.toContain("immutable");
    expect((await fetchMedia(attached.thumbnailUrl)).status).toBe(200);
  });

  it("are 404 from GET /media/{id} for everyone but the author", async () => {
    const [author, friend, stranger] = [await createUser(), await createUser(), await createUser()];
    await connect(author, friend);
    const { image } = await postWithImage(author, "PRIVATE");
    expect((await mediaOf(stranger, image.id)).status).toBe(404);
    expect((await mediaOf(friend, image.id)).status).toBe(404);
    const own = await mediaOf(author, image.id);
    expect(own.status).toBe(200);
    expect(own.body.url).toMatch(/\?expires=\d+&sig=/);
  });

  it("refuse a tampered, moved or expired signature", async () => {
    const author = await createUser();
    const { post } = await postWithImage(author, "PRIVATE");
    const other = await postWithImage(author, "PRIVATE");
    const url = new URL(post.media[0].url);
    const sig = url.searchParams.get("sig")!;
    const tampered = await fetchMedia(
      post.media[0].url.replace(sig, `${sig.slice(0, -1)}${sig.endsWith("A") ? "B" : "A"}`),
    );
    expect(tampered.status).toBe(403);
    const moved = await fetchMedia(`${new URL(other.post.media[0].url).pathname}${url.search}`);
    expect(moved.status).toBe(403);
    advanceClockForTests(60 * 60_000);
    try {
      const expired = await fetchMedia(post.media[0].url);
      expect(expired.status).toBe(403);
      expect(JSON.parse(expired.text()).error.code).toBe("SIGNED_URL_EXPIRED");
    } finally {
      resetClockForTests();
    }
  });
});

describe("media of a CONNECTIONS post", () => {
  it("reach connections through signed URLs only; strangers get nothing", async () => {
    const [author, friend, stranger] = [await createUser(), await createUser(), await createUser()];
    await connect(author, friend);
    const { image, post } = await postWithImage(author, "CONNECTIONS");
    const seen = await postAs(friend, post.id);
    expect(seen.status).toBe(200);
    const url = seen.body.media[0].url as string;
    expect(url).toMatch(/\?expires=\d+&sig=/);
    expect((await fetchMedia(url)).status).toBe(200);
    expect((await fetchMedia(plain(url))).status).toBe(404);

    const viaApi = await mediaOf(friend, image.id);
    expect(viaApi.status).toBe(200);
    expect(viaApi.body.url).toMatch(/\?expires=\d+&sig=/);
    expect((await mediaOf(stranger, image.id)).status).toBe(404);
    expect((await postAs(stranger, post.id)).status).toBe(404);
  });

  it("videos play from a signed URL with range requests, never from the plain one", async () => {
    const [author, friend] = [await createUser(), await createUser()];
    await connect(author, friend);
    const file = mp4({ seconds: 3, width: 320, height: 240 });
    const video = await readyMedia(author, "VIDEO", file, "v.mp4");
    const p = await createPost(author, { content: "فيديو", visibility: "CONNECTIONS", mediaIds: [video.id] });
    const seen = (await postAs(friend, p.id)).body.media[0];
    expect(seen.url).toMatch(/\/media\/videos\/.+\/original\.mp4\?expires=\d+&sig=/);
    expect(seen.playbackUrl).toBe(seen.url);
    const part = await fetchMedia(seen.url, { range: "bytes=0-9" });
    expect(part.status).toBe(206);
    expect(part.bytes).toEqual(file.subarray(0, 10));
    expect(part.headers.get("cache-control")).toMatch(/^private, max-age=\d+$/);
    expect((await fetchMedia(plain(seen.url), { range: "bytes=0-9" })).status).toBe(404);
  });
});

describe("media of a PUBLIC post", () => {
  it("are public: plain URLs for everyone, cacheable, and readable through GET /media/{id}", async () => {
    const [author, stranger] = [await createUser(), await createUser()];
    const { image, post } = await postWithImage(author, "PUBLIC");
    const anonymous = await postAs(null, post.id);
    const url = anonymous.body.media[0].url as string;
    expect(url).toMatch(/\/media\/posts\/[0-9A-Z]+\.webp$/);
    expect(post.media[0].url).toBe(url);
    const res = await fetchMedia(url);
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toMatch(/^public, max-age=\d+$/);
    expect(res.headers.get("cross-origin-resource-policy")).toBe("cross-origin");
    const viaApi = await mediaOf(stranger, image.id);
    expect(viaApi.status).toBe(200);
    expect(viaApi.body.url).toBe(url);
  });

  it("edited to CONNECTIONS: the plain URL stops working at once and strangers lose the metadata", async () => {
    const [author, friend, stranger] = [await createUser(), await createUser(), await createUser()];
    await connect(author, friend);
    const { image, post } = await postWithImage(author, "PUBLIC");
    const publicUrl = post.media[0].url as string;
    expect((await fetchMedia(publicUrl)).status).toBe(200);
    expect(
      (await patch(`/api/v1/posts/${post.id}`, { visibility: "CONNECTIONS" }, { token: author.token }))
        .status,
    ).toBe(200);
    expect((await fetchMedia(publicUrl)).status).toBe(404);
    expect((await mediaOf(stranger, image.id)).status).toBe(404);
    const seen = (await postAs(friend, post.id)).body.media[0].url as string;
    expect(seen).toMatch(/\?expires=\d+&sig=/);
    expect((await fetchMedia(seen)).status).toBe(200);
    expect((await mediaOf(friend, image.id)).status).toBe(200);
  });

  it("stay public while any PUBLIC post shows them", async () => {
    const author = await createUser();
    const image = await readyMedia(author, "POST_IMAGE", await png(30, 30));
    const pub = await createPost(author, { content: "عام", visibility: "PUBLIC", mediaIds: [image.id] });
    const priv = await createPost(author, { content: "خاص", visibility: "PRIVATE", mediaIds: [image.id] });
    expect(priv.media[0].url).toMatch(/\?expires=/);
    expect((await fetchMedia(pub.media[0].url)).status).toBe(200);
  });

  it("deleted: the plain URL and the metadata are gone for others", async () => {
    const [author, stranger] = [await createUser(), await createUser()];
    const { image, post } = await postWithImage(author, "PUBLIC");
    await deletePost(author, post.id);
    expect((await fetchMedia(post.media[0].url)).status).toBe(404);
    expect((await mediaOf(stranger, image.id)).status).toBe(404);
    expect((await mediaOf(author, image.id)).status).toBe(200);
  });

  it("are hidden across a block, in both directions, and when the author is suspended", async () => {
    const [author, blocker, blocked, stranger] = [
      await createUser(),
      await createUser(),
      await createUser(),
      await createUser(),
    ];
    const { image } = await postWithImage(author, "PUBLIC");
    await block(blocker, author);
    await block(author, blocked);
    expect((await mediaOf(blocker, image.id)).status).toBe(404);
    expect((await mediaOf(blocked, image.id)).status).toBe(404);
    expect((await mediaOf(stranger, image.id)).status).toBe(200);
  });

  it("documents stay signed even on a PUBLIC post, and readers of the post may read their metadata", async () => {
    const [author, stranger] = [await createUser(), await createUser()];
    const doc = await readyMedia(author, "DOCUMENT", pdf(1), "plan.pdf");
    await createPost(author, { content: "ملف", visibility: "PUBLIC", mediaIds: [doc.id] });
    const seen = await mediaOf(stranger, doc.id);
    expect(seen.status).toBe(200);
    expect(seen.body.url).toMatch(/\/media\/documents\/.+\?expires=\d+&sig=/);
    expect(seen.body.filename).toBeNull();
    expect((await fetchMedia(plain(seen.body.url))).status).toBe(403);
  });
});

describe("media attached to nothing (a draft)", () => {
  it("belong to the owner alone: signed URLs for them, 404 for others and for the plain URL", async () => {
    const [owner, stranger] = [await createUser(), await createUser()];
    const image = await readyMedia(owner, "POST_IMAGE", await png(20, 20));
    expect(image.url).toMatch(/\?expires=\d+&sig=/);
    expect((await fetchMedia(image.url)).status).toBe(200);
    expect((await fetchMedia(plain(image.url))).status).toBe(404);
    expect((await mediaOf(stranger, image.id)).status).toBe(404);
    const video = await readyMedia(owner, "VIDEO", mp4(), "v.mp4");
    expect(video.url).toMatch(/\?expires=\d+&sig=/);
    expect((await fetchMedia(plain(video.url))).status).toBe(404);
    expect((await mediaOf(stranger, video.id)).status).toBe(404);
  });
});

describe("avatars and banners", () => {
  it("are public by design: plain immutable URLs, readable by any member not blocked", async () => {
    const [owner, stranger, blocked] = [await createUser(), await createUser(), await createUser()];
    const avatar = await readyMedia(owner, "AVATAR", await png(50, 50));
    const banner = await readyMedia(owner, "BANNER", await png(200, 60));
    for (const m of [avatar, banner]) {
      expect(m.url).not.toContain("?");
      const res = await fetchMedia(m.url);
      expect(res.status).toBe(200);
      expect(res.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
      expect((await mediaOf(stranger, m.id)).status).toBe(200);
    }
    await block(owner, blocked);
    expect((await mediaOf(blocked, avatar.id)).status).toBe(404);
  });
});

describe("a group's picture", () => {
  it("is readable by the group's members, not by others", async () => {
    const [admin, member, outsider] = [await createUser(), await createUser(), await createUser()];
    const id = await groupConversation(admin, [member]);
    const image = await readyMedia(admin, "POST_IMAGE", await png(40, 40));
    const res = await patch(
      `/api/v1/conversations/${id}`,
      { avatarMediaId: image.id },
      { token: admin.token },
    );
    expect(res.status).toBe(200);
    const seen = await mediaOf(member, image.id);
    expect(seen.status).toBe(200);
    expect(seen.body.url).toMatch(/\?expires=\d+&sig=/);
    expect((await fetchMedia(seen.body.url)).status).toBe(200);
    expect((await mediaOf(outsider, image.id)).status).toBe(404);
  });
});
