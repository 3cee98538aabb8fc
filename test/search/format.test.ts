import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { INDEX_FORMAT, upgradeSearchIndex } from "../../src/modules/search/maintenance";
import { indexedPost, marker, searchIds } from "../support/search";
import { createUser } from "../support/users";

/**
 * An index written by an older analyzer is rebuilt by the hourly maintenance (upgradeSearchIndex) through
 * the search queue, so a deployment that changes the tokens needs no manual step.
 */
const format = async () =>
  (
    await env.DB.prepare("SELECT value FROM search_meta WHERE name = 'index_format'").first<{
      value: string;
    }>()
  )?.value;

describe("index format upgrade", () => {
  it("a fresh database is already in the current format", async () => {
    expect(await format()).toBe(String(INDEX_FORMAT));
    expect(await upgradeSearchIndex(env)).toBe(false);
  });

  it("rebuilds an index in an older format through the queue, once", async () => {
    const mark = marker();
    const author = await createUser();
    const id = await indexedPost(author, `Three cities ${mark}`);
    const doc = await env.DB.prepare("SELECT doc_id FROM search_docs WHERE type = 'posts' AND entity_id = ?")
      .bind(id)
      .first<{ doc_id: number }>();
    // The row as an older analyzer wrote it: no singulars, so "city" does not find it (nor corrects to it).
    await env.DB.batch([
      env.DB.prepare("DELETE FROM search_posts WHERE rowid = ?").bind(doc!.doc_id),
      env.DB.prepare("INSERT INTO search_posts (rowid, tags, body) VALUES (?, '', ?)").bind(
        doc!.doc_id,
        `three cities ${mark}`,
      ),
      env.DB.prepare("UPDATE search_meta SET value = '1' WHERE name = 'index_format'"),
    ]);
    const reader = await createUser();
    expect(await searchIds(reader, `city ${mark}`, { type: "posts" })).toEqual([]);

    expect(await upgradeSearchIndex(env)).toBe(true);
    expect(await format()).toBe(String(INDEX_FORMAT));
    expect(await upgradeSearchIndex(env)).toBe(false);
    const deadline = Date.now() + 15_000;
    while ((await searchIds(reader, `city ${mark}`, { type: "posts" })).length === 0) {
      if (Date.now() > deadline) throw new Error("the index was not rebuilt");
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(await searchIds(reader, `city ${mark}`, { type: "posts" })).toEqual([id]);
  });
});
