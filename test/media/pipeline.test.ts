import { env } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import { depsForBackground } from "../../src/core/deps";
import { MAX_ATTEMPTS, processMedia } from "../../src/modules/media/processing";
import { newId } from "../../src/platform/ids";
import { get } from "../support/http";
import { png, upload, waitForMedia } from "../support/media";
import { createUser } from "../support/users";
import { TestSocket } from "../support/ws";

const sockets: TestSocket[] = [];
afterEach(() => {
  for (const s of sockets.splice(0)) s.close();
});

/** A PROCESSING post image stored the way an upload stores it, but with no queue message (the test drives it). */
async function storedUpload(ownerId: string) {
  const id = newId();
  const key = `raw/${id}.png`;
  const bytes = await png(900, 300);
  await env.MEDIA.put(key, bytes, {
    httpMetadata: { contentType: "image/png" },
    customMetadata: { ownerId },
  });
  const now = Date.now();
  await env.DB.prepare(
    `INSERT INTO media (id, owner_id, kind, status, mime_type, size, original_key, created_at, updated_at)
     VALUES (?, ?, 'POST_IMAGE', 'PROCESSING', 'image/png', ?, ?, ?, ?)`,
  )
    .bind(id, ownerId, bytes.length, key, now, now)
    .run();
  return { id, key };
}

/** The Images binding, failing the way a platform outage would (not about the input). */
const flakyImages = {
  info: () => Promise.reject(Object.assign(new Error("Images is temporarily unavailable"), { code: 9500 })),
  input: () => {
    throw Object.assign(new Error("Images is temporarily unavailable"), { code: 9500 });
  },
} as unknown as ImagesBinding;

describe("media queue: the owner hears when processing ends", () => {
  it("pushes media_ready with the processed media over the owner's socket", async () => {
    const user = await createUser();
    const socket = await TestSocket.open(user.token);
    sockets.push(socket);
    const res = await upload(user.token, { kind: "AVATAR", file: await png(300, 300), type: "image/png" });
    expect(res.status).toBe(201);
    const event = await socket.next("media_ready", (e) => e.mediaId === res.body.id, 15_000);
    expect(event.media).toMatchObject({
      id: res.body.id,
      status: "READY",
      kind: "AVATAR",
      width: 400,
      height: 400,
    });
    expect(event.media.url).toMatch(/\/media\/avatars\/.+\.webp$/);
  });

  it("also tells the owner when processing failed, with the reason", async () => {
    const user = await createUser();
    const socket = await TestSocket.open(user.token);
    sockets.push(socket);
    const broken = new Uint8Array(600).map((_, i) => (i < 8 ? [137, 80, 78, 71, 13, 10, 26, 10][i]! : 7));
    const res = await upload(user.token, { kind: "POST_IMAGE", file: broken, type: "image/png" });
    const event = await socket.next("media_ready", (e) => e.mediaId === res.body.id, 15_000);
    expect(event.media).toMatchObject({ status: "FAILED", failureReason: "IMAGE_UNREADABLE" });
  });
});

describe("media queue: transient failures are retried", () => {
  it("keeps PROCESSING and throws (so the queue retries) on a transient error, then succeeds", async () => {
    const user = await createUser();
    const { id, key } = await storedUpload(user.id);
    const deps = depsForBackground({ ...env, IMAGES: flakyImages }, Date.now());
    await expect(processMedia(deps, id, 1)).rejects.toThrow(/temporarily unavailable/);
    const still = await get(`/api/v1/media/${id}`, { token: user.token });
    expect(still.body.status).toBe("PROCESSING");
    expect(await env.MEDIA.head(key)).not.toBeNull();

    await processMedia(depsForBackground(env, Date.now()), id, 2);
    const ready = await waitForMedia(user.token, id);
    expect(ready).toMatchObject({ status: "READY", width: 900, height: 300 });
    expect(await env.MEDIA.head(key)).toBeNull();
  });

  it("gives up on the last attempt: FAILED with PROCESSING_ERROR, original removed", async () => {
    const user = await createUser();
    const { id, key } = await storedUpload(user.id);
    const deps = depsForBackground({ ...env, IMAGES: flakyImages }, Date.now());
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    await processMedia(deps, id, MAX_ATTEMPTS);
    expect(JSON.stringify(logged.mock.calls)).toContain("media processing gave up");
    logged.mockRestore();
    const failed = await get(`/api/v1/media/${id}`, { token: user.token });
    expect(failed.body).toMatchObject({ status: "FAILED", failureReason: "PROCESSING_ERROR" });
    expect(await env.MEDIA.head(key)).toBeNull();
  });

  it("does nothing for media deleted before its job ran", async () => {
    const user = await createUser();
    const { id } = await storedUpload(user.id);
    await env.DB.prepare("DELETE FROM media WHERE id = ?").bind(id).run();
    await processMedia(depsForBackground(env, Date.now()), id, 1);
    const variants = await env.MEDIA.list({ prefix: `posts/${id}` });
    expect(variants.objects).toHaveLength(0);
  });
});
