import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { runScheduled } from "../../src/core/cron";
import { purgeMedia, sweepRawOrphans } from "../../src/modules/media/maintenance";
import { DAY } from "../../src/platform/clock";
import { newId } from "../../src/platform/ids";
import { post } from "../support/http";
import { fetchMedia, pdf, png, upload, waitForMedia } from "../support/media";
import { createUser } from "../support/users";

describe("maintenance: media purge", () => {
  it("removes the media and stored files of accounts deleted more than 30 days ago", async () => {
    const [doomed, keeper] = [await createUser(), await createUser()];
    const gone = await waitForMedia(
      doomed.token,
      (await upload(doomed.token, { kind: "POST_IMAGE", file: await png(30, 30) })).body.id,
    );
    const kept = await waitForMedia(
      keeper.token,
      (await upload(keeper.token, { kind: "POST_IMAGE", file: await png(30, 30) })).body.id,
    );
    const now = Date.now();
    await env.DB.prepare("UPDATE users SET status = 'DELETED', deleted_at = ? WHERE id = ?")
      .bind(now - 31 * DAY, doomed.id)
      .run();
    await runScheduled(env, now, "test");
    expect(await env.DB.prepare("SELECT 1 FROM media WHERE owner_id = ?").bind(doomed.id).first()).toBeNull();
    expect((await fetchMedia(gone.url)).status).toBe(404);
    expect((await fetchMedia(gone.thumbnailUrl)).status).toBe(404);
    expect((await fetchMedia(kept.url)).status).toBe(200);
  });

  it("removes uploads stuck in PROCESSING for over a day, and expired upload tickets", async () => {
    const user = await createUser();
    const id = newId();
    const key = `documents/${id}.pdf`;
    await env.MEDIA.put(key, pdf(1));
    const old = Date.now() - 2 * DAY;
    await env.DB.prepare(
      `INSERT INTO media (id, owner_id, kind, status, mime_type, size, original_key, created_at, updated_at)
       VALUES (?, ?, 'DOCUMENT', 'PROCESSING', 'application/pdf', 10, ?, ?, ?)`,
    )
      .bind(id, user.id, key, old, old)
      .run();
    const ticket = await post(
      "/api/v1/media/uploads",
      { kind: "VIDEO", size: 100, contentType: "video/mp4" },
      { token: user.token },
    );
    await env.DB.prepare("UPDATE media_uploads SET expires_at = ? WHERE id = ?")
      .bind(old, ticket.body.id)
      .run();

    const result = await purgeMedia(env, Date.now());
    expect(result.media).toBeGreaterThanOrEqual(1);
    expect(await env.DB.prepare("SELECT 1 FROM media WHERE id = ?").bind(id).first()).toBeNull();
    expect(await env.MEDIA.head(key)).toBeNull();
    expect(
      await env.DB.prepare("SELECT 1 FROM media_uploads WHERE id = ?").bind(ticket.body.id).first(),
    ).toBeNull();
  });

  it("sweeps raw uploads that have no media row, once they are a day old", async () => {
    const user = await createUser();
    const orphan = `raw/${newId()}.png`;
    await env.MEDIA.put(orphan, await png(4, 4));
    const live = await upload(user.token, { kind: "POST_IMAGE", file: await png(4, 4), type: "image/png" });
    const liveKey = `raw/${live.body.id}.png`;
    await env.MEDIA.put(liveKey, await png(4, 4)); // as if still waiting for processing
    expect(await sweepRawOrphans(env, Date.now())).toBe(0); // too recent
    await sweepRawOrphans(env, Date.now() + 2 * DAY);
    expect(await env.MEDIA.head(orphan)).toBeNull();
    expect(await env.MEDIA.head(liveKey)).not.toBeNull();
  });
});
