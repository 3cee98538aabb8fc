import { env } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import { depsForBackground } from "../../src/core/deps";
import { QUERY_STOPWORDS } from "../../src/modules/search/analyzer";
import { indexEntities, rebuildChunk } from "../../src/modules/search/indexer";
import { settingsOf } from "../../src/modules/search/meili";
import { runSearch, type SearchRequest } from "../../src/modules/search/query";
import { MIN_TYPO_LENGTH } from "../../src/modules/search/vocabulary";
import type { Bindings } from "../../src/platform/env";
import { block, connect } from "../support/graph";
import { del } from "../support/http";
import { editProfile } from "../support/profiles";
import { indexedPosts, marker, waitIndexed } from "../support/search";
import { createUser } from "../support/users";

/**
 * The Meilisearch engine, tested at the fetch boundary: the official client's HTTP requests are captured
 * and answered with responses recorded from Meilisearch 1.x. D1 stays real: candidates from Meilisearch
 * must still pass the visibility rules there.
 */
const HOST = "meili.test:7700";
const meiliEnv = {
  ...env,
  SEARCH_ENGINE: "meilisearch",
  MEILISEARCH_URL: `http://${HOST}`,
  MEILISEARCH_API_KEY: "test-master-key",
} as Bindings;

interface Captured {
  method: string;
  path: string;
  search: string;
  auth: string | null;
  body: any;
}

const enqueued = (type: string, indexUid: string, taskUid = 7) =>
  Response.json(
    { taskUid, indexUid, status: "enqueued", type, enqueuedAt: "2026-11-24T10:15:02.345678Z" },
    { status: 202 },
  );

const searchResult = (indexUid: string, hits: string[], query: string) => ({
  indexUid,
  hits: hits.map((id, i) => ({ id, _rankingScore: 1 - i / 100 })),
  query,
  processingTimeMs: 1,
  limit: 60,
  offset: 0,
  estimatedTotalHits: hits.length,
});

/** Answers Meilisearch requests with `answer`; every other request goes to the real fetch. */
function fakeMeili(answer: (req: Captured) => Response | Promise<Response>): Captured[] {
  const calls: Captured[] = [];
  const realFetch = globalThis.fetch;
  vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const request = new Request(input as RequestInfo, init);
    const url = new URL(request.url);
    if (url.host !== HOST) return realFetch(input as RequestInfo, init);
    const text = await request.text();
    const captured: Captured = {
      method: request.method,
      path: url.pathname,
      search: url.search,
      auth: request.headers.get("authorization"),
      body: text ? JSON.parse(text) : undefined,
    };
    calls.push(captured);
    return answer(captured);
  });
  return calls;
}

afterEach(() => {
  vi.restoreAllMocks();
});

const request = (q: string, type: "people" | "posts", extra: Partial<SearchRequest> = {}): SearchRequest => ({
  q,
  type,
  filters: {},
  page: 1,
  limit: 20,
  prefix: true,
  ...extra,
});

describe("indexing into Meilisearch", () => {
  it("upserts the normalized document (and still writes the D1 index)", async () => {
    const author = await createUser();
    const [id] = await indexedPosts(author, ["نلتقي بالرياض #الذكاء_الاصطناعي"], "CONNECTIONS");
    const calls = fakeMeili((req) => enqueued("documentAdditionOrUpdate", req.path.split("/")[2]!));
    const writes = await indexEntities(meiliEnv, "posts", [id!], Date.now());
    expect(writes.length).toBeGreaterThan(0);
    expect(calls).toHaveLength(1);
    const [call] = calls;
    expect(call).toMatchObject({
      method: "POST",
      path: "/indexes/majlis_posts/documents",
      search: "?primaryKey=id",
    });
    expect(call!.auth).toBe("Bearer test-master-key");
    expect(call!.body).toEqual([
      expect.objectContaining({
        id,
        authorId: author.id,
        visibility: "CONNECTIONS",
        createdAt: expect.any(Number),
      }),
    ]);
    const body = call!.body[0].body.split(" ");
    expect(body).toEqual(expect.arrayContaining(["بالرياض", "الرياض", "رياض"]));
    expect(call!.body[0].tags.split(" ")).toEqual(expect.arrayContaining(["الذكاء", "الاصطناعي"]));
  });

  it("removes deleted entities, and fails (so the queue retries) when Meilisearch fails", async () => {
    const author = await createUser();
    const [id] = await indexedPosts(author, ["سيحذف"]);
    expect((await del(`/api/v1/posts/${id}`, undefined, { token: author.token })).status).toBe(204);
    const calls = fakeMeili((req) => enqueued("documentDeletion", req.path.split("/")[2]!));
    await indexEntities(meiliEnv, "posts", [id!], Date.now());
    expect(calls).toEqual([
      expect.objectContaining({
        method: "POST",
        path: "/indexes/majlis_posts/documents/delete-batch",
        body: [id],
      }),
    ]);

    vi.restoreAllMocks();
    fakeMeili(() =>
      Response.json(
        {
          message: "The provided API key is invalid.",
          code: "invalid_api_key",
          type: "auth",
          link: "https://docs.meilisearch.com/errors#invalid_api_key",
        },
        { status: 403 },
      ),
    );
    await expect(indexEntities(meiliEnv, "posts", [id!], Date.now())).rejects.toThrow();
  });

  it("a rebuild applies the index settings first, then sends the documents (Meilisearch only)", async () => {
    const member = await createUser({ displayName: "سارة" });
    await waitIndexed("people", member.id);
    const calls = fakeMeili((req) =>
      enqueued(
        req.path.endsWith("/settings") ? "settingsUpdate" : "documentAdditionOrUpdate",
        "majlis_people",
      ),
    );
    const step = await rebuildChunk(meiliEnv, "people", "", Date.now(), "meilisearch");
    expect(step.writes).toEqual([]);
    expect(step.count).toBeGreaterThan(0);
    expect(calls[0]).toMatchObject({
      method: "PATCH",
      path: "/indexes/majlis_people/settings",
      body: {
        searchableAttributes: ["name", "headline", "location", "details"],
        filterableAttributes: ["visibility", "locationTokens", "createdAt"],
        sortableAttributes: ["createdAt"],
        rankingRules: ["words", "typo", "proximity", "attribute", "sort", "exactness"],
      },
    });
    expect(calls[1]).toMatchObject({ method: "POST", path: "/indexes/majlis_people/documents" });
    expect(calls[1]!.body.map((d: { id: string }) => d.id)).toContain(member.id);
  });
});

describe("Meilisearch settings match the D1 engine's language rules", () => {
  it("same stop words, the spellings list as synonyms, one typo from the same length, never two", () => {
    const settings = settingsOf("posts");
    expect(settings.stopWords).toEqual([...QUERY_STOPWORDS]);
    expect(settings.stopWords).toEqual(expect.arrayContaining(["في", "the", "el"]));
    expect(settings.synonyms.python).toEqual(expect.arrayContaining(["بايثون"]));
    expect(settings.synonyms.رياض).toEqual(expect.arrayContaining(["riyadh"]));
    expect(settings.synonyms.كتير).toEqual(expect.arrayContaining(["كثير"]));
    expect(settings.synonyms.engineer).toBeUndefined();
    expect(settings.typoTolerance).toEqual({
      enabled: true,
      minWordSizeForTypos: { oneTypo: MIN_TYPO_LENGTH, twoTypos: 255 },
    });
  });

  it("sends the settings with the rebuild", async () => {
    const calls = fakeMeili((req) =>
      enqueued(
        req.path.endsWith("/settings") ? "settingsUpdate" : "documentAdditionOrUpdate",
        "majlis_posts",
      ),
    );
    await rebuildChunk(meiliEnv, "posts", "", Date.now(), "meilisearch");
    expect(calls[0]).toMatchObject({ method: "PATCH", path: "/indexes/majlis_posts/settings" });
    expect(calls[0]!.body).toEqual(JSON.parse(JSON.stringify(settingsOf("posts"))));
  });
});

describe("searching with Meilisearch", () => {
  it("posts: candidates go back through the D1 visibility rules, in Meilisearch's order", async () => {
    const mark = marker();
    const [author, stranger, friend, blockedAuthor] = [
      await createUser(),
      await createUser(),
      await createUser(),
      await createUser(),
    ];
    await connect(author, friend);
    const [pub, deleted] = await indexedPosts(author, [`عام ${mark}`, `محذوف ${mark}`]);
    const [conn] = await indexedPosts(author, [`أصدقاء ${mark}`], "CONNECTIONS");
    const [priv] = await indexedPosts(author, [`خاص ${mark}`], "PRIVATE");
    const [fromBlocked] = await indexedPosts(blockedAuthor, [`محجوب ${mark}`]);
    await del(`/api/v1/posts/${deleted}`, undefined, { token: author.token });
    await block(blockedAuthor, stranger);
    await block(blockedAuthor, friend);

    const order = [priv!, conn!, deleted!, fromBlocked!, pub!, "01ZZZZZZZZZZZZZZZZZZZZZZZZ"];
    const calls = fakeMeili((req) => Response.json(searchResult("majlis_posts", order, req.body.q)));
    const ids = async (viewer: string) =>
      (
        await runSearch(depsForBackground(meiliEnv, Date.now()), viewer, request(`بالرياض ${mark}`, "posts"))
      ).data.map((h) => (h.type === "posts" ? h.post.id : h.user.id));
    expect(await ids(stranger.id)).toEqual([pub]);
    expect(await ids(friend.id)).toEqual([conn, pub]);
    // The author sees their own posts, and the other member's post (no block between them).
    expect(await ids(author.id)).toEqual([priv, conn, fromBlocked, pub]);

    const sent = calls[0]!;
    expect(sent.path).toBe("/indexes/majlis_posts/search");
    expect(sent.body).toMatchObject({ q: `رياض ${mark}`, attributesToRetrieve: ["id"], offset: 0 });
    expect(sent.body.filter).toBe(
      `(visibility = "PUBLIC" OR visibility = "CONNECTIONS" OR authorId = "${stranger.id}")`,
    );
  });

  it("people: one query per visibility branch; a hit only counts in the branch the profile allows", async () => {
    const mark = marker();
    const open = await createUser({ displayName: `Open ${mark}` });
    const secret = await createUser({ displayName: `Secret ${mark}` });
    await editProfile(secret, { headline: "hidden headline", privacy: { visibility: "PRIVATE" } });
    const viewer = await createUser();
    let answers: string[][] = [];
    const calls = fakeMeili((req) =>
      Response.json({
        results: req.body.queries.map((q: { q: string }, i: number) =>
          searchResult("majlis_people", answers[i] ?? [], q.q),
        ),
      }),
    );
    const search = () =>
      runSearch(depsForBackground(meiliEnv, Date.now()), viewer.id, request(mark, "people"));

    // Meilisearch claims the PRIVATE profile matched on all attributes: D1 refuses that branch.
    answers = [[secret.id, open.id], [], []];
    expect((await search()).data.map((h) => (h.type === "people" ? h.user.id : ""))).toEqual([open.id]);
    const queries = calls[0]!.body.queries;
    expect(calls[0]!.path).toBe("/multi-search");
    expect(queries.map((q: { attributesToSearchOn: string[] }) => q.attributesToSearchOn)).toEqual([
      ["name", "headline", "location", "details"],
      ["name", "headline"],
      ["name"],
    ]);
    expect(queries.map((q: { filter?: string }) => q.filter)).toEqual([
      undefined,
      '(visibility = "CONNECTIONS")',
      '(visibility = "PRIVATE")',
    ]);

    // Matched on the name (the PRIVATE branch): shown, as a card without headline.
    answers = [[open.id], [], [secret.id]];
    const page = await search();
    expect(page.data.map((h) => (h.type === "people" ? h.user : null))).toEqual([
      expect.objectContaining({ id: open.id }),
      expect.objectContaining({ id: secret.id, headline: null }),
    ]);

    // A location filter only searches full profiles, through a filter on the location tokens.
    calls.length = 0;
    await runSearch(
      depsForBackground(meiliEnv, Date.now()),
      viewer.id,
      request(mark, "people", { filters: { location: "بالرياض" } }),
    );
    expect(calls[0]!.body.queries).toHaveLength(1);
    expect(calls[0]!.body.queries[0].filter).toBe('(locationTokens = "رياض")');
  });

  it("falls back to the D1 index when Meilisearch is unreachable", async () => {
    const mark = marker();
    const author = await createUser();
    const [id] = await indexedPosts(author, [`احتياطي ${mark}`]);
    const calls = fakeMeili(() => {
      throw new TypeError("fetch failed");
    });
    const page = await runSearch(depsForBackground(meiliEnv, Date.now()), author.id, request(mark, "posts"));
    expect(calls).toHaveLength(1);
    expect(page.data.map((h) => (h.type === "posts" ? h.post.id : ""))).toEqual([id]);
  });
});
