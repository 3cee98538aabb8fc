import { env } from "cloudflare:test";
import { loadByIds } from "../../src/modules/search/documents";
import type { IndexedType } from "../../src/modules/search/types";
import { get, post } from "./http";
import type { TestUser } from "./users";

/**
 * Search test helpers. Indexing is asynchronous (the search-index queue), so tests wait until the index
 * holds the entity's current version (the same loader the consumer uses decides what "current" is).
 */
export async function waitIndexed(type: IndexedType, id: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [item] = await loadByIds(env.DB, type, [id]);
    const expected =
      item && "doc" in item
        ? { version: item.doc.version, inIndex: 1 }
        : { version: item?.removal.version, inIndex: 0 };
    const row = await env.DB.prepare(
      "SELECT version, in_index AS inIndex FROM search_docs WHERE type = ? AND entity_id = ?",
    )
      .bind(type, id)
      .first<{ version: string; inIndex: number }>();
    if (row && row.version === expected.version && row.inIndex === expected.inIndex) return;
    if (Date.now() > deadline) {
      throw new Error(
        `${type} ${id} not indexed: index has ${JSON.stringify(row)}, expected ${JSON.stringify(expected)}`,
      );
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface SearchOptions {
  type?: string;
  filters?: unknown;
  page?: number;
  limit?: number;
  prefix?: boolean;
}

export function searchPath(q: string, opts: SearchOptions = {}): string {
  const params = new URLSearchParams({ q });
  if (opts.type) params.set("type", opts.type);
  if (opts.filters !== undefined) {
    params.set("filters", typeof opts.filters === "string" ? opts.filters : JSON.stringify(opts.filters));
  }
  if (opts.page !== undefined) params.set("page", String(opts.page));
  if (opts.limit !== undefined) params.set("limit", String(opts.limit));
  if (opts.prefix !== undefined) params.set("prefix", String(opts.prefix));
  return `/api/v1/search?${params}`;
}

export function search(user: Pick<TestUser, "token">, q: string, opts: SearchOptions = {}) {
  return get(searchPath(q, opts), { token: user.token });
}

/** Ids of the hits (user ids for people, post ids for posts); fails the test on a non-200 answer. */
export async function searchIds(
  user: Pick<TestUser, "token">,
  q: string,
  opts: SearchOptions = {},
): Promise<string[]> {
  const res = await search(user, q, opts);
  if (res.status !== 200) throw new Error(`search ${q}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.data.map((h: { type: string; user?: { id: string }; post?: { id: string } }) =>
    h.type === "people" ? h.user!.id : h.post!.id,
  );
}

/**
 * A word no other test uses (letters only), so a test only ever finds its own data. It ends in "q", which
 * no stemming rule strips (a random "…s" would be searched as its singular).
 */
export const marker = () =>
  `zq${Array.from(crypto.getRandomValues(new Uint8Array(10)), (b) => String.fromCharCode(97 + (b % 26))).join("")}q`;

/** Publishes posts over HTTP, then waits until all of them are indexed. */
export async function indexedPosts(
  author: TestUser,
  contents: string[],
  visibility: "PUBLIC" | "CONNECTIONS" | "PRIVATE" = "PUBLIC",
): Promise<string[]> {
  const ids: string[] = [];
  for (const content of contents) {
    const res = await post("/api/v1/posts", { content, visibility }, { token: author.token });
    if (res.status !== 201) throw new Error(`post failed: ${res.status} ${JSON.stringify(res.body)}`);
    ids.push(res.body.id);
  }
  for (const id of ids) await waitIndexed("posts", id);
  return ids;
}

/** Publishes a post over HTTP and waits until it is indexed. */
export async function indexedPost(
  author: TestUser,
  content: string,
  visibility: "PUBLIC" | "CONNECTIONS" | "PRIVATE" = "PUBLIC",
): Promise<string> {
  const res = await post("/api/v1/posts", { content, visibility }, { token: author.token });
  if (res.status !== 201) throw new Error(`post failed: ${res.status} ${JSON.stringify(res.body)}`);
  await waitIndexed("posts", res.body.id);
  return res.body.id as string;
}
