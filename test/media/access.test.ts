import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { advanceClockForTests, resetClockForTests } from "../../src/platform/clock";
import { block } from "../support/graph";
import { del, get } from "../support/http";
import { docx, fetchMedia, mp4, pdf, png, upload, waitForMedia } from "../support/media";
import { createPost } from "../support/posts";
import { createUser, type TestUser } from "../support/users";

async function readyMedia(
  user: TestUser,
  kind: string,
  file: Uint8Array,
  filename = "f",
  type = "application/octet-stream",
) {
  const res = await upload(user.token, { kind, file, filename, type });
  if (res.status !== 201) throw new Error(`upload: ${res.status} ${JSON.stringify(res.body)}`);
  return waitForMedia(user.token, res.body.id);
}

describe("GET /api/v1/media/{id}", () => {
  it("shows the owner every state; others only READY media attached to what they see, never documents or resumes alone", async () => {
    const [owner, other] = [await createUser(), await createUser()];
    const image = await readyMedia(owner, "POST_IMAGE", await png(20, 20));
    // A draft: the owner's alone.
    expect((await get(`/api/v1/media/${image.id}`, { token: other.token })).status).toBe(404);
    const shown = await createPost(owner, { content: "صورة", visibility: "PUBLIC", mediaIds: [image.id] });
    const seen = await get(`/api/v1/media/${image.id}`, { token: other.token });
    expect(seen.status).toBe(200);
    expect(seen.body).toMatchObject({
      id: image.id,
      status: "READY",
      url: shown.media[0].url,
      failureReason: null,
      filename: null,
    });

    const doc = await readyMedia(owner, "DOCUMENT", pdf(1), "plan.pdf");
    expect((await get(`/api/v1/media/${doc.id}`, { token: other.token })).status).toBe(404);
    const resume = await readyMedia(owner, "RESUME", docx(), "cv.docx");
    expect((await get(`/api/v1/media/${resume.id}`, { token: other.token })).status).toBe(404);
    const mine = await get(`/api/v1/media/${resume.id}`, { token: owner.token });
    expect(mine.status).toBe(200);
    expect(mine.body.filename).toBe("cv.docx");

    // Still processing: hidden from others.
    await env.DB.prepare("UPDATE media SET status = 'PROCESSING' WHERE id = ?").bind(image.id).run();
    expect((await get(`/api/v1/media/${image.id}`, { token: other.token })).status).toBe(404);
    expect((await get(`/api/v1/media/${image.id}`, { token: owner.token })).body.status).toBe("PROCESSING");
  });

  it("answers 404 across a block, in both directions, and for deleted members", async () => {
    const [owner, blocker, blocked, stranger] = [
      await createUser(),
      await createUser(),
      await createUser(),
      await createUser(),
    ];
    const image = await readyMedia(owner, "POST_IMAGE", await png(20, 20));
    await createPost(owner, { content: "صورة", visibility: "PUBLIC", mediaIds: [image.id] });
    await block(blocker, owner);
    await block(owner, blocked);
    expect((await get(`/api/v1/media/${image.id}`, { token: blocker.token })).status).toBe(404);
    expect((await get(`/api/v1/media/${image.id}`, { token: blocked.token })).status).toBe(404);
    expect((await get(`/api/v1/media/${image.id}`, { token: stranger.token })).status).toBe(200);
    await env.DB.prepare("UPDATE users SET status = 'SUSPENDED' WHERE id = ?").bind(owner.id).run();
    expect((await get(`/api/v1/media/${image.id}`, { token: stranger.token })).status).toBe(404);
  });

  it("validates the id and needs a token", async () => {
    const user = await createUser();
    expect((await get("/api/v1/media/01ARZ3NDEKTSV4RRFFQ69G5FAV", { token: user.token })).status).toBe(404);
    expect((await get(`/api/v1/media/${"x".repeat(65)}`, { token: user.token })).status).toBe(400);
    expect((await get("/api/v1/media/01ARZ3NDEKTSV4RRFFQ69G5FAV")).status).toBe(401);
    expect((await get("/api/v1/media/01ARZ3NDEKTSV4RRFFQ69G5FAV", { token: "nope" })).status).toBe(401);
  });
});

describe("DELETE /api/v1/media/{id}", () => {
  it("deletes your media and its stored files; the URLs stop working", async () => {
    const user = await createUser();
    const image = await readyMedia(user, "POST_IMAGE", await png(600, 300));
    expect((await fetchMedia(image.url)).status).toBe(200);
    const res = await del(`/api/v1/media/${image.id}`, undefined, { token: user.token });
    expect(res.status).toBe(204);
    expect((await fetchMedia(image.url)).status).toBe(404);
    expect((await fetchMedia(image.thumbnailUrl)).status).toBe(404);
    expect((await get(`/api/v1/media/${image.id}`, { token: user.token })).status).toBe(404);
    expect((await del(`/api/v1/media/${image.id}`, undefined, { token: user.token })).status).toBe(404);
  });

  it("clears the profile's avatar when the current avatar is deleted", async () => {
    const user = await createUser();
    const avatar = await readyMedia(user, "AVATAR", await png(50, 50));
    const profile = () =>
      env.DB.prepare("SELECT avatar_url FROM profiles WHERE user_id = ?")
        .bind(user.id)
        .first<{ avatar_url: string | null }>();
    expect((await profile())?.avatar_url).toBe(avatar.url);
    expect((await del(`/api/v1/media/${avatar.id}`, undefined, { token: user.token })).status).toBe(204);
    expect((await profile())?.avatar_url).toBeNull();
  });

  it("keeps the newest avatar on the profile", async () => {
    const user = await createUser();
    const first = await readyMedia(user, "AVATAR", await png(50, 50));
    const second = await readyMedia(user, "AVATAR", await png(60, 60));
    const row = await env.DB.prepare("SELECT avatar_url FROM profiles WHERE user_id = ?")
      .bind(user.id)
      .first<{ avatar_url: string }>();
    expect(row?.avatar_url).toBe(second.url);
    expect(row?.avatar_url).not.toBe(first.url);
  });

  it("answers 404 for another member's media and leaves it alone", async () => {
    const [owner, other] = [await createUser(), await createUser()];
    const video = await readyMedia(owner, "VIDEO", mp4(), "v.mp4");
    const res = await del(`/api/v1/media/${video.id}`, undefined, { token: other.token });
    expect(res.status).toBe(404);
    expect((await fetchMedia(video.url)).status).toBe(200);
    expect((await del(`/api/v1/media/${video.id}`)).status).toBe(401);
  });
});

describe("private documents: signed, expiring URLs", () => {
  it("serves the owner's document through a signed URL as an attachment", async () => {
    const user = await createUser();
    const file = pdf(2);
    const doc = await readyMedia(user, "DOCUMENT", file, "خطة العمل.pdf", "application/pdf");
    expect(doc.url).toMatch(/\/media\/documents\/.+\.pdf\?expires=\d+&sig=/);
    expect(Date.parse(doc.urlExpiresAt)).toBeGreaterThan(Date.now());
    const res = await fetchMedia(doc.url);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/pdf");
    expect(res.headers.get("content-disposition")).toBe(
      `attachment; filename="___ _____.pdf"; filename*=UTF-8''${encodeURIComponent("خطة العمل.pdf")}`,
    );
    expect(res.headers.get("cache-control")).toBe("private, no-store");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.bytes).toEqual(file);
  });

  it("refuses a missing, tampered or reused-for-another-file signature, and an expired one", async () => {
    const user = await createUser();
    const doc = await readyMedia(user, "RESUME", docx(), "cv.docx");
    const other = await readyMedia(user, "RESUME", docx(), "cv2.docx");
    const url = new URL(doc.url);
    const bare = await fetchMedia(url.pathname);
    expect(bare.status).toBe(403);
    expect(JSON.parse(bare.text()).error.code).toBe("INVALID_SIGNATURE");
    const sig = url.searchParams.get("sig")!;
    const tampered = await fetchMedia(
      doc.url.replace(sig, `${sig.slice(0, -1)}${sig.endsWith("A") ? "B" : "A"}`),
    );
    expect(tampered.status).toBe(403);
    const longer = await fetchMedia(
      doc.url.replace(/expires=(\d+)/, (_: string, e: string) => `expires=${Number(e) + 86_400_000}`),
    );
    expect(longer.status).toBe(403);
    const swapped = await fetchMedia(`${new URL(other.url).pathname}${url.search}`);
    expect(swapped.status).toBe(403);

    advanceClockForTests(16 * 60_000);
    const expired = await fetchMedia(doc.url);
    expect(expired.status).toBe(403);
    expect(JSON.parse(expired.text()).error.code).toBe("SIGNED_URL_EXPIRED");
    // Back in the present (the access token expired too), a fresh GET mints a new URL that works.
    resetClockForTests();
    const fresh = await get(`/api/v1/media/${doc.id}`, { token: user.token });
    expect(fresh.body.url).not.toBe(doc.url);
    expect((await fetchMedia(fresh.body.url)).status).toBe(200);
  });

  it("never serves raw uploads or paths outside the media prefixes", async () => {
    const user = await createUser();
    const res = await upload(user.token, { kind: "POST_IMAGE", file: await png(10, 10), type: "image/png" });
    const key = `raw/${res.body.id}.png`;
    await env.MEDIA.put(key, "still here");
    expect((await fetchMedia(`/media/${key}`)).status).toBe(404);
    for (const path of ["/media/../secrets", "/media/posts/%2e%2e/raw/x", "/media/", "/media/other/x.webp"]) {
      expect((await fetchMedia(path)).status, path).toBe(404);
    }
  });
});
