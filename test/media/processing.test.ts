import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { get } from "../support/http";
import {
  contains,
  fetchMedia,
  GPS_MARKER,
  gif,
  jpeg,
  jpegWithGps,
  png,
  upload,
  waitForMedia,
  webp,
} from "../support/media";
import { drainQueues } from "../support/queues";
import { createUser } from "../support/users";

async function imageInfo(bytes: Uint8Array) {
  return env.IMAGES.info(new Blob([bytes]).stream());
}

describe("image processing through the Images binding", () => {
  it("turns an avatar into a 400×400 WebP and sets the profile's avatarUrl", async () => {
    const user = await createUser();
    const res = await upload(user.token, {
      kind: "AVATAR",
      file: await png(640, 480),
      filename: "me.png",
      type: "image/png",
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      kind: "AVATAR",
      status: "PROCESSING",
      mimeType: "image/png",
      url: null,
    });
    const ready = await waitForMedia(user.token, res.body.id);
    expect(ready).toMatchObject({ status: "READY", width: 400, height: 400, failureReason: null });
    expect(ready.url).toMatch(new RegExp(`/media/avatars/${user.id}/${res.body.id}\\.webp$`));
    const file = await fetchMedia(ready.url);
    expect(file.status).toBe(200);
    expect(file.headers.get("content-type")).toBe("image/webp");
    expect(await imageInfo(file.bytes)).toMatchObject({ format: "image/webp", width: 400, height: 400 });
    const profile = await get(`/api/v1/profiles/${user.username}`, { token: user.token });
    expect(JSON.stringify(profile.body)).toContain(ready.url);
  });

  it("turns a banner into a 1584×396 WebP and sets bannerUrl", async () => {
    const user = await createUser();
    const res = await upload(user.token, {
      kind: "BANNER",
      file: await jpeg(2000, 600),
      filename: "b.jpg",
      type: "image/jpeg",
    });
    expect(res.status).toBe(201);
    const ready = await waitForMedia(user.token, res.body.id);
    expect(ready).toMatchObject({ status: "READY", width: 1584, height: 396, mimeType: "image/jpeg" });
    const file = await fetchMedia(ready.url);
    expect(await imageInfo(file.bytes)).toMatchObject({ format: "image/webp", width: 1584, height: 396 });
    const row = await env.DB.prepare("SELECT banner_url FROM profiles WHERE user_id = ?")
      .bind(user.id)
      .first<{ banner_url: string }>();
    expect(row?.banner_url).toBe(ready.url);
  });

  it("keeps post images at most 1200 px wide with a 300 px thumbnail, and never enlarges small ones", async () => {
    const user = await createUser();
    const big = await upload(user.token, {
      kind: "POST_IMAGE",
      file: await webp(1800, 900),
      type: "image/webp",
      altText: "منظر",
    });
    const small = await upload(user.token, {
      kind: "POST_IMAGE",
      file: await png(200, 100),
      type: "image/png",
    });
    const bigReady = await waitForMedia(user.token, big.body.id);
    expect(bigReady).toMatchObject({ status: "READY", width: 1200, height: 600, altText: "منظر" });
    // A draft's image: its URLs are signed (media/policy.ts).
    expect(bigReady.thumbnailUrl).toMatch(/_thumb\.webp\?expires=\d+&sig=/);
    const thumb = await fetchMedia(bigReady.thumbnailUrl);
    expect(await imageInfo(thumb.bytes)).toMatchObject({ format: "image/webp", width: 300, height: 150 });
    const smallReady = await waitForMedia(user.token, small.body.id);
    expect(smallReady).toMatchObject({ width: 200, height: 100 });
  });

  it("accepts a GIF post image and delivers it as WebP", async () => {
    const user = await createUser();
    const res = await upload(user.token, {
      kind: "POST_IMAGE",
      file: gif(40, 30),
      filename: "a.gif",
      type: "image/gif",
    });
    expect(res.status).toBe(201);
    expect(res.body.mimeType).toBe("image/gif");
    const ready = await waitForMedia(user.token, res.body.id);
    expect(ready).toMatchObject({ status: "READY", width: 40, height: 30 });
    expect((await fetchMedia(ready.url)).headers.get("content-type")).toBe("image/webp");
  });

  it("strips EXIF, GPS included, by re-encoding, and does not keep the original", async () => {
    const user = await createUser();
    const original = await jpegWithGps(800, 600);
    expect(contains(original, "Exif\0\0")).toBe(true);
    expect(contains(original, GPS_MARKER)).toBe(true);
    const res = await upload(user.token, {
      kind: "POST_IMAGE",
      file: original,
      filename: "trip.jpg",
      type: "image/jpeg",
    });
    expect(res.status).toBe(201);
    const ready = await waitForMedia(user.token, res.body.id);
    expect(ready.status).toBe("READY");
    for (const url of [ready.url, ready.thumbnailUrl]) {
      const variant = (await fetchMedia(url)).bytes;
      expect(variant.length).toBeGreaterThan(0);
      expect(contains(variant, GPS_MARKER)).toBe(false);
      expect(contains(variant, "Exif")).toBe(false);
      expect(contains(variant, "EXIF")).toBe(false);
    }
    // The original goes after the row is READY, in the same queue message: wait for it to finish.
    await drainQueues();
    const raw = await env.MEDIA.list({ prefix: `raw/${res.body.id}` });
    expect(raw.objects).toHaveLength(0);
  });

  it("marks an unreadable image FAILED with a reason, visible to the owner only", async () => {
    const user = await createUser();
    // A PNG signature followed by garbage: it passes the magic-byte check but cannot be decoded.
    const broken = new Uint8Array(2000).map((_, i) =>
      i < 8 ? [137, 80, 78, 71, 13, 10, 26, 10][i]! : (i * 13) & 255,
    );
    const res = await upload(user.token, { kind: "POST_IMAGE", file: broken, type: "image/png" });
    expect(res.status).toBe(201);
    const done = await waitForMedia(user.token, res.body.id);
    expect(done).toMatchObject({ status: "FAILED", failureReason: "IMAGE_UNREADABLE", url: null });
  });
});
