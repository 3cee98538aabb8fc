import { describe, expect, it } from "vitest";
import { newId } from "../../src/platform/ids";
import { clientId, groupConversation } from "../support/conversations";
import { block, connect } from "../support/graph";
import { del, env, get, post } from "../support/http";
import { createUsers, type TestUser } from "../support/users";

/** A READY media row of `owner` with stored object keys, as the media pipeline leaves it. */
async function readyMedia(owner: TestUser, kind: "POST_IMAGE" | "DOCUMENT"): Promise<string> {
  const id = newId();
  const image = kind === "POST_IMAGE";
  await env.DB.prepare(
    `INSERT INTO media (id, owner_id, kind, status, mime_type, size, original_key, variant_key, created_at, updated_at)
     VALUES (?1, ?2, ?3, 'READY', ?4, 2048, ?5, ?6, ?7, ?7)`,
  )
    .bind(
      id,
      owner.id,
      kind,
      image ? "image/webp" : "application/pdf",
      image ? null : `documents/${owner.id}/${id}.pdf`,
      image ? `images/${owner.id}/${id}.webp` : null,
      Date.now(),
    )
    .run();
  return id;
}

const mediaOf = (user: TestUser, id: string) => get(`/api/v1/media/${id}`, { token: user.token });

describe("chat attachments", () => {
  it("open for members who were in the conversation when they were sent, with signed URLs", async () => {
    const [a, b, later, outsider] = await createUsers(4);
    await connect(a!, later!);
    const id = await groupConversation(a!, [b!]);
    const image = await readyMedia(a!, "POST_IMAGE");
    const doc = await readyMedia(a!, "DOCUMENT");
    const sent = await post(
      `/api/v1/conversations/${id}/messages`,
      { clientId: clientId(), attachments: [image, doc] },
      { token: a!.token },
    );
    expect(sent.status).toBe(201);
    const added = await post(
      `/api/v1/conversations/${id}/members`,
      { userIds: [later!.id] },
      { token: a!.token },
    );
    expect(added.status).toBe(200);

    for (const mediaId of [image, doc]) {
      const seen = await mediaOf(b!, mediaId);
      expect(seen.status).toBe(200);
      expect(seen.body.url).toMatch(/[?&]sig=/);
      expect(Date.parse(seen.body.urlExpiresAt)).toBeGreaterThan(Date.now());
      expect((await mediaOf(later!, mediaId)).status).toBe(404);
      expect((await mediaOf(outsider!, mediaId)).status).toBe(404);
    }
  });

  it("close again when the message is deleted for everyone, or across a block", async () => {
    const [a, b, c] = await createUsers(3);
    const id = await groupConversation(a!, [b!, c!]);
    const image = await readyMedia(a!, "POST_IMAGE");
    const sent = await post(
      `/api/v1/conversations/${id}/messages`,
      { clientId: clientId(), attachments: [image] },
      { token: a!.token },
    );
    expect(sent.status).toBe(201);
    expect((await mediaOf(b!, image)).status).toBe(200);
    expect((await mediaOf(c!, image)).status).toBe(200);

    await block(c!, a!);
    expect((await mediaOf(c!, image)).status).toBe(404);

    const gone = await del(
      `/api/v1/conversations/${id}/messages/${sent.body.message.seq}?scope=everyone`,
      undefined,
      {
        token: a!.token,
      },
    );
    expect(gone.status).toBe(204);
    expect((await mediaOf(b!, image)).status).toBe(404);
    expect((await mediaOf(a!, image)).status).toBe(200);
  });
});
