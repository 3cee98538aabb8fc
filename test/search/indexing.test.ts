import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { loadByIds } from "../../src/modules/search/documents";
import { indexWrites, sweepStatements } from "../../src/modules/search/fts";
import { SWEEP_HOUR_UTC, searchMaintenanceTask } from "../../src/modules/search/maintenance";
import { DAY } from "../../src/platform/clock";
import { del, patch, post } from "../support/http";
import { runQueue } from "../support/notifications";
import { editProfile } from "../support/profiles";
import { indexedPost, indexedPosts, marker, searchIds, waitIndexed } from "../support/search";
import { createUser, type TestUser } from "../support/users";

const QUEUE = "majlis-search-index";

const docRow = (type: string, id: string) =>
  env.DB.prepare(
    "SELECT doc_id, version, in_index, indexed_at FROM search_docs WHERE type = ? AND entity_id = ?",
  )
    .bind(type, id)
    .first<{ doc_id: number; version: string; in_index: number; indexed_at: number }>();

const ftsRows = async (table: string, docId: number) =>
  (
    await env.DB.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE rowid = ?`)
      .bind(docId)
      .first<{ n: number }>()
  )?.n;

describe("the search-index consumer", () => {
  it("a redelivered message has no second effect", async () => {
    const author = await createUser();
    const id = await indexedPost(author, `مرة واحدة ${marker()}`);
    const message = { key: `test:${id}:${marker()}`, body: { type: "posts", id } };
    const first = await runQueue(QUEUE, [message]);
    expect(first.explicitAcks).toHaveLength(1);
    await env.DB.prepare("UPDATE search_docs SET indexed_at = 1 WHERE type = 'posts' AND entity_id = ?")
      .bind(id)
      .run();
    const again = await runQueue(QUEUE, [message], 2);
    expect(again.explicitAcks).toHaveLength(1);
    expect(again.retryMessages).toHaveLength(0);
    expect((await docRow("posts", id))!.indexed_at).toBe(1);
  });

  it("acknowledges malformed messages without effect", async () => {
    const result = await runQueue(QUEUE, [
      { key: "bad:1", body: { type: "planets", id: "x" } },
      { key: "bad:2", body: { type: "posts" } },
      { key: "bad:3", body: { type: "posts", id: "x", extra: 1 } },
    ]);
    expect(result.explicitAcks).toHaveLength(3);
    expect(result.retryMessages).toHaveLength(0);
  });

  it("a stale message never brings back older text or a removed entity", async () => {
    const mark = marker();
    const author = await createUser();
    const reader = await createUser();
    const id = await indexedPost(author, `قديم ${mark}`);
    const [old] = await loadByIds(env.DB, "posts", [id]);
    await patch(`/api/v1/posts/${id}`, { content: `جديد ${mark}` }, { token: author.token });
    await waitIndexed("posts", id);
    // The old version arrives late.
    await env.DB.batch(indexWrites(env.DB, "posts", [old!], Date.now()));
    expect(await searchIds(reader, `قديم ${mark}`, { type: "posts" })).toEqual([]);
    expect(await searchIds(reader, `جديد ${mark}`, { type: "posts" })).toEqual([id]);

    expect((await del(`/api/v1/posts/${id}`, undefined, { token: author.token })).status).toBe(204);
    await waitIndexed("posts", id);
    const removed = await docRow("posts", id);
    await env.DB.batch(indexWrites(env.DB, "posts", [old!], Date.now()));
    expect(await docRow("posts", id)).toEqual(removed);
    expect(await ftsRows("search_posts", removed!.doc_id)).toBe(0);
  });

  it("profile edits and registration reindex the member", async () => {
    const mark = marker();
    const member = await createUser({ displayName: `Newcomer ${mark}` });
    await waitIndexed("people", member.id);
    const reader = await createUser();
    expect(await searchIds(reader, mark, { type: "people" })).toEqual([member.id]);
    // Two letters more: one would be a typo of the old name, which the search corrects.
    await editProfile(member, { displayName: `Renamed ${mark}xy`, skills: [`${mark}skill`] });
    await waitIndexed("people", member.id);
    expect(await searchIds(reader, mark, { type: "people", prefix: false })).toEqual([]);
    expect(await searchIds(reader, `${mark}xy`, { type: "people" })).toEqual([member.id]);
    expect(await searchIds(reader, `${mark}skill`, { type: "people" })).toEqual([member.id]);
  });
});

describe("maintenance", () => {
  it("the sweep drops entries of entities purged without a message, then old tombstones", async () => {
    const author = await createUser();
    const [kept, purged] = await indexedPosts(author, [`باق ${marker()}`, `مزال ${marker()}`]);
    const before = await docRow("posts", purged!);
    await env.DB.prepare("DELETE FROM posts WHERE id = ?").bind(purged).run();
    const now = Date.now();
    await env.DB.batch(sweepStatements(env.DB, now));
    expect(await ftsRows("search_posts", before!.doc_id)).toBe(0);
    expect((await docRow("posts", purged!))!.in_index).toBe(0);
    expect((await docRow("posts", kept!))!.in_index).toBe(1);
    await env.DB.batch(sweepStatements(env.DB, now + 2 * DAY));
    expect(await docRow("posts", purged!)).toBeNull();
  });

  it("sweeps once a day, and drops saved searches of purged accounts", async () => {
    const at = (hour: number) => Date.UTC(2026, 10, 24, hour, 7);
    const base = searchMaintenanceTask.statements(env.DB, at(SWEEP_HOUR_UTC + 1)).length;
    expect(searchMaintenanceTask.statements(env.DB, at(SWEEP_HOUR_UTC)).length).toBeGreaterThan(base);

    const gone = await createUser();
    const res = await post("/api/v1/search/saved", { q: "x", type: "posts" }, { token: gone.token });
    expect(res.status).toBe(201);
    await env.DB.prepare("UPDATE users SET status = 'DELETED', deleted_at = ? WHERE id = ?")
      .bind(Date.now() - 31 * DAY, gone.id)
      .run();
    await env.DB.batch(searchMaintenanceTask.statements(env.DB, Date.now()));
    const left = await env.DB.prepare("SELECT COUNT(*) AS n FROM saved_searches WHERE user_id = ?")
      .bind(gone.id)
      .first();
    expect(left?.n).toBe(0);
  });
});

describe("POST /admin/search/rebuild", () => {
  async function admin(): Promise<TestUser> {
    const user = await createUser();
    await env.DB.prepare("UPDATE users SET role = 'admin' WHERE id = ?").bind(user.id).run();
    const res = await post(
      "/api/v1/auth/login",
      { identifier: user.username, password: user.password },
      { ip: user.ip },
    );
    return { ...user, token: res.body.accessToken };
  }

  it("rebuilds the D1 index from the tables through the queue", async () => {
    const mark = marker();
    const author = await createUser({ displayName: `Rebuilt ${mark}` });
    const ids = await indexedPosts(author, [`أول ${mark}`, `ثان ${mark}`]);
    await waitIndexed("people", author.id);
    // Lose the index entries.
    await env.DB.batch([
      env.DB.prepare(
        "DELETE FROM search_posts WHERE rowid IN (SELECT doc_id FROM search_docs WHERE entity_id IN (?, ?))",
      ).bind(ids[0], ids[1]),
      env.DB.prepare(
        "DELETE FROM search_people WHERE rowid = (SELECT doc_id FROM search_docs WHERE entity_id = ?)",
      ).bind(author.id),
      env.DB.prepare("DELETE FROM search_docs WHERE entity_id IN (?, ?, ?)").bind(ids[0], ids[1], author.id),
    ]);
    const reader = await createUser();
    expect(await searchIds(reader, mark, { type: "posts" })).toEqual([]);

    const res = await post(
      "/api/v1/admin/search/rebuild",
      { type: "all", engine: "d1" },
      { token: (await admin()).token },
    );
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ types: ["people", "posts"], engine: "d1" });
    for (const id of ids) await waitIndexed("posts", id);
    await waitIndexed("people", author.id);
    expect((await searchIds(reader, mark, { type: "posts" })).sort()).toEqual([...ids].sort());
    expect(await searchIds(reader, mark, { type: "people" })).toEqual([author.id]);
  });

  it("is for admins only, and refuses an engine that is not configured", async () => {
    const member = await createUser();
    expect((await post("/api/v1/admin/search/rebuild", {}, { token: member.token })).status).toBe(403);
    expect((await post("/api/v1/admin/search/rebuild", {})).status).toBe(401);
    const boss = await admin();
    const meili = await post(
      "/api/v1/admin/search/rebuild",
      { engine: "meilisearch" },
      { token: boss.token },
    );
    expect(meili.status).toBe(400);
    expect(meili.body.error.code).toBe("SEARCH_ENGINE_NOT_CONFIGURED");
    const bad = await post("/api/v1/admin/search/rebuild", { type: "jobs" }, { token: boss.token });
    expect(bad.status).toBe(400);
  });

  it("stops admitting an admin the moment the role is revoked, whatever the token says", async () => {
    const boss = await admin();
    const body = { type: "people", engine: "d1" };
    expect((await post("/api/v1/admin/search/rebuild", body, { token: boss.token })).status).toBe(202);
    await env.DB.prepare("UPDATE users SET role = 'member' WHERE id = ?").bind(boss.id).run();
    const refused = await post("/api/v1/admin/search/rebuild", body, { token: boss.token });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe("FORBIDDEN");
  });
});
