import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { RANKED_WINDOW } from "../../src/modules/search/query";
import { MINUTE } from "../../src/platform/clock";
import { startOfFreshWindow } from "../support/clock";
import { get } from "../support/http";
import { editProfile } from "../support/profiles";
import {
  indexedPost,
  indexedPosts,
  marker,
  search,
  searchIds,
  searchPath,
  waitIndexed,
} from "../support/search";
import { createUser } from "../support/users";

/**
 * Written in a post ↔ typed in the search box. Each pair must find the post (and only that post), over
 * HTTP, after the real search-index queue has indexed it.
 */
const CASES: [string, string, string][] = [
  ["tashkeel", "المُهَنْدِسُ المِعْمَارِيُّ", "المهندس المعماري"],
  ["tatweel", "الريـــــاض", "الرياض"],
  ["alef with hamza above (query)", "احمد", "أحمد"],
  ["alef with hamza below", "إسلام", "اسلام"],
  ["alef madda", "آمنة", "امنه"],
  ["alef wasla", "ٱلقدس", "القدس"],
  ["teh marbuta", "جامعة", "جامعه"],
  ["alef maqsura", "مستشفى", "مستشفي"],
  ["waw with hamza", "مؤتمر", "موتمر"],
  ["yeh with hamza", "رئيس", "رييس"],
  ["Arabic-Indic digits", "رؤية ٢٠٣٠", "2030"],
  ["Persian digits", "سال ۱۴۰۳", "1403"],
  ["ب + ال", "مهندس بالرياض", "الرياض"],
  ["و + ال", "جدة والرياض", "الرياض"],
  ["ل + ال (لل)", "رحلة للرياض", "الرياض"],
  ["clitic in the query", "الدمام", "بالدمام"],
  ["ب without article", "اجتماع بدبي", "دبي"],
  ["Latin case", "RIYADH Season", "riyadh season"],
  ["Latin accents", "Café Crème", "cafe creme"],
  ["mixed Arabic and English", "Senior مهندس at أرامكو", "senior ارامكو"],
  ["emoji and punctuation", "مطوّر🚀،برمجيات!!!", "برمجيات"],
];

describe("search finds Arabic text across every normalization case", () => {
  it("posts: each spelling is found by its normalized query, and nothing else is", async () => {
    const author = await createUser();
    const readers = [await createUser(), await createUser()];
    const markers = CASES.map(() => marker());
    const ids = await indexedPosts(
      author,
      CASES.map(([, written], i) => `${written} ${markers[i]}`),
    );
    for (const [i, [name, , typed]] of CASES.entries()) {
      const reader = readers[i % 2]!;
      expect(
        await searchIds(reader, `${typed} ${markers[i]}`, { type: "posts", prefix: false }),
        name,
      ).toEqual([ids[i]]);
    }
  });

  it("people: names with hamza, tashkeel and tatweel are found by plain spellings", async () => {
    const mark = marker();
    const person = await createUser({ displayName: `أحمد المُهنـــدس ${mark}` });
    await waitIndexed("people", person.id);
    const reader = await createUser();
    expect(await searchIds(reader, `احمد المهندس ${mark}`, { type: "people" })).toEqual([person.id]);
    expect(await searchIds(reader, `الْمُهَنْدِس ${mark}`, { type: "people" })).toEqual([person.id]);
  });
});

describe("typeahead", () => {
  it("matches the last word as a prefix of 2+ letters (Latin and Arabic, through clitics)", async () => {
    const mark = marker();
    const person = await createUser({ displayName: `Zubaydah Qarawi ${mark}` });
    await waitIndexed("people", person.id);
    const reader = await createUser();
    expect(await searchIds(reader, `${mark} zu`, { type: "people" })).toEqual([person.id]);
    expect(await searchIds(reader, `${mark} zubay`, { type: "people" })).toEqual([person.id]);
    expect(await searchIds(reader, `${mark} zubay`, { type: "people", prefix: false })).toEqual([]);
    // One letter is not a prefix search (too many matches): it must match a whole word.
    expect(await searchIds(reader, `${mark} z`, { type: "people" })).toEqual([]);

    const author = await createUser();
    const id = await indexedPost(author, `نلتقي بالرياض غداً ${mark}`);
    expect(await searchIds(reader, `${mark} الريا`, { type: "posts" })).toEqual([id]);
    expect(await searchIds(reader, `${mark} ريا`, { type: "posts" })).toEqual([id]);
  });
});

describe("ranking", () => {
  it("people: a name match ranks above a headline match, which ranks above a profile-body match", async () => {
    const mark = marker();
    const word = `${mark}w`;
    const inBody = await createUser({ displayName: `Body ${mark}` });
    const inHeadline = await createUser({ displayName: `Headline ${mark}` });
    const inName = await createUser({ displayName: `${word} Name` });
    await editProfile(inBody, { about: `I once met ${word} at a conference` });
    await editProfile(inHeadline, { headline: `${word} specialist` });
    for (const u of [inBody, inHeadline, inName]) await waitIndexed("people", u.id);
    const reader = await createUser();
    expect(await searchIds(reader, word, { type: "people" })).toEqual([inName.id, inHeadline.id, inBody.id]);
  });

  it("posts: a hashtag match ranks above a mention in the text", async () => {
    const mark = marker();
    const author = await createUser();
    const inText = await indexedPost(author, `كتبت عن ${mark} في مقال طويل عن التقنية والبرمجة والتصميم`);
    const tagged = await indexedPost(author, `#${mark}`);
    const reader = await createUser();
    expect(await searchIds(reader, mark, { type: "posts" })).toEqual([tagged, inText]);
  });
});

describe("filters", () => {
  it("people by location, with clitics and normalization", async () => {
    const mark = marker();
    const riyadh = await createUser({ displayName: `Riyadh ${mark}` });
    const jeddah = await createUser({ displayName: `Jeddah ${mark}` });
    await editProfile(riyadh, { location: "الرياض، المملكة العربية السعودية" });
    await editProfile(jeddah, { location: "جدة" });
    for (const u of [riyadh, jeddah]) await waitIndexed("people", u.id);
    const reader = await createUser();
    expect(await searchIds(reader, mark, { type: "people", filters: { location: "بالرياض" } })).toEqual([
      riyadh.id,
    ]);
    expect(await searchIds(reader, mark, { type: "people", filters: { location: "جده" } })).toEqual([
      jeddah.id,
    ]);
    expect(await searchIds(reader, mark, { type: "people", filters: { location: "القاهرة" } })).toEqual([]);
    // industry is accepted (reserved for companies and jobs) and does not hide people.
    expect(
      (await searchIds(reader, mark, { type: "people", filters: { industry: "Oil & Gas" } })).sort(),
    ).toEqual([riyadh.id, jeddah.id].sort());
  });

  it("posts by date range (from inclusive, to: the whole day)", async () => {
    const mark = marker();
    const author = await createUser();
    const march = await indexedPost(author, `خبر ${mark}`);
    const may = await indexedPost(author, `خبر آخر ${mark}`);
    const setDate = (id: string, iso: string) =>
      env.DB.prepare("UPDATE posts SET created_at = ? WHERE id = ?").bind(Date.parse(iso), id).run();
    await setDate(march, "2026-03-15T10:00:00Z");
    await setDate(may, "2026-05-02T23:30:00Z");
    const reader = await createUser();
    const ids = (filters: unknown) => searchIds(reader, mark, { type: "posts", filters });
    expect(await ids({ from: "2026-04-01" })).toEqual([may]);
    expect(await ids({ to: "2026-03-31" })).toEqual([march]);
    expect(await ids({ from: "2026-03-15", to: "2026-05-02" })).toHaveLength(2);
    expect(await ids({ to: "2026-05-01" })).toEqual([march]);
    expect(await ids({ from: "2026-05-02T23:30:00Z" })).toEqual([may]);
    expect(await ids({ from: "2026-06-01", type: "posts" })).toEqual([]);
  });

  it("refuses bad filters with 400 and names the field", async () => {
    const reader = await createUser();
    const bad: [unknown, string][] = [
      ["not json", "filters"],
      ["[1,2]", "filters"],
      [{ colour: "red" }, "filters"],
      [{ from: "yesterday" }, "filters.from"],
      [{ from: "2026-05-02", to: "2026-05-01" }, "filters.from"],
      [{ location: 42 }, "filters.location"],
      [{ location: "x".repeat(101) }, "filters.location"],
      [{ type: "planets" }, "filters.type"],
      [{ type: "posts" }, "filters.type"],
    ];
    for (const [filters, path] of bad) {
      const res = await search(reader, "مهندس", { type: "people", filters });
      expect(res.status, JSON.stringify(filters)).toBe(400);
      expect(res.body.error.code).toBe("VALIDATION_ERROR");
      expect(res.body.error.details.map((d: { path: string }) => d.path)).toContain(path);
    }
  });

  it("takes the type from filters.type when ?type= is absent, and needs one of them", async () => {
    const mark = marker();
    const author = await createUser();
    const id = await indexedPost(author, `نص ${mark}`);
    expect(await searchIds(author, mark, { filters: { type: "posts" } })).toEqual([id]);
    const res = await search(author, mark);
    expect(res.status).toBe(400);
    expect(res.body.error.details[0].path).toBe("type");
  });
});

describe("types without an index yet", () => {
  it.each(["jobs", "companies", "groups", "events", "articles"])("%s answers an empty page", async (type) => {
    const reader = await createUser();
    const res = await search(reader, "مهندس", { type });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ data: [], page: 1, limit: 20, hasMore: false });
  });
});

describe("pagination", () => {
  it("pages with page + limit, hasMore on every page but the last, no duplicates", async () => {
    const mark = marker();
    const author = await createUser();
    const ids = await indexedPosts(
      author,
      [0, 1, 2, 3, 4].map((i) => `منشور رقم ${i} ${mark}`),
    );
    const reader = await createUser();
    const seen: string[] = [];
    for (const [page, size, more] of [
      [1, 2, true],
      [2, 2, true],
      [3, 1, false],
    ] as const) {
      const res = await search(reader, mark, { type: "posts", page, limit: 2 });
      expect(res.status).toBe(200);
      expect(res.body.page).toBe(page);
      expect(res.body.limit).toBe(2);
      expect(res.body.hasMore).toBe(more);
      expect(res.body.data).toHaveLength(size);
      seen.push(...res.body.data.map((h: { post: { id: string } }) => h.post.id));
    }
    expect(new Set(seen).size).toBe(5);
    expect(seen.sort()).toEqual(ids.sort());
    const beyond = await search(reader, mark, { type: "posts", page: 4, limit: 2 });
    expect(beyond.body).toMatchObject({ data: [], hasMore: false });
  });

  it("refuses limits and pages out of range", async () => {
    const reader = await createUser();
    for (const [page, limit] of [
      [0, 10],
      [101, 10],
      [1, 0],
      [1, 51],
      [1.5, 10],
    ]) {
      const res = await search(reader, "x", { type: "posts", page, limit });
      expect(res.status, `${page}/${limit}`).toBe(400);
    }
    const res = await get(`${searchPath("x", { type: "posts" })}&limit=abc`, { token: reader.token });
    expect(res.status).toBe(400);
  });
});

describe("hostile queries never break the search", () => {
  const HOSTILE = [
    '"',
    '"""',
    '"unbalanced quote',
    "*",
    "**",
    "مهندس*",
    "NEAR(",
    "NEAR(a b, 3)",
    "AND OR",
    "AND",
    "OR NOT",
    "a AND OR b",
    "name:admin",
    "{name}: x",
    "^abc",
    "(((",
    ")",
    "-",
    "'; DROP TABLE posts; --",
    "%_\\",
    "🚀🔥",
    "،؛؟",
    "ـــ",
    'مهندس" OR "x',
  ];
  it("answers 200 for every FTS5-looking input, for people and posts", async () => {
    const readers = [await createUser(), await createUser()];
    let n = 0;
    for (const q of HOSTILE) {
      for (const type of ["people", "posts"]) {
        const reader = readers[n++ % 2]!;
        const res = await search(reader, q, { type });
        expect(res.status, `${type}: ${q}`).toBe(200);
        expect(Array.isArray(res.body.data)).toBe(true);
      }
    }
  });

  it("a quoted operator is a plain word", async () => {
    const mark = marker();
    const author = await createUser();
    const id = await indexedPost(author, `NEAR the AND gate ${mark}`);
    expect(await searchIds(author, `near and ${mark}`, { type: "posts" })).toEqual([id]);
  });
});

describe("validation and access", () => {
  it("refuses a missing, empty, oversized or control-only query", async () => {
    const reader = await createUser();
    const missing = await get("/api/v1/search?type=people", { token: reader.token });
    expect(missing.status).toBe(400);
    for (const q of ["", "   ", "x".repeat(201), "\u202E\u0000\u2066"]) {
      const res = await search(reader, q, { type: "people" });
      expect(res.status, JSON.stringify(q)).toBe(400);
      expect(res.body.error.code).toBe("VALIDATION_ERROR");
    }
    const badType = await search(reader, "x", { type: "planets" });
    expect(badType.status).toBe(400);
    const badPrefix = await get(`${searchPath("x", { type: "posts" })}&prefix=maybe`, {
      token: reader.token,
    });
    expect(badPrefix.status).toBe(400);
  });

  it("needs a valid token", async () => {
    expect((await get(searchPath("x", { type: "people" }))).status).toBe(401);
    const garbage = await get(searchPath("x", { type: "people" }), { token: "not.a.token" });
    expect(garbage.status).toBe(401);
  });

  it("allows 30 searches per minute per member, then 429 with Retry-After", async () => {
    const reader = await createUser();
    startOfFreshWindow(MINUTE);
    for (let i = 0; i < 30; i++) {
      expect((await search(reader, `q${i}`, { type: "jobs" })).status).toBe(200);
    }
    const refused = await search(reader, "one more", { type: "jobs" });
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe("RATE_LIMITED");
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    // Another member is not affected.
    expect((await search(await createUser(), "x", { type: "jobs" })).status).toBe(200);
  });
});

describe("posts: a word in very many posts", () => {
  it("ranks only the newest matches (RANKED_WINDOW), unless the search goes up to a date", async () => {
    const mark = marker();
    const author = await createUser();
    const old = await indexedPost(author, `#${mark}`); // the strongest kind of match, but the oldest
    // Newer index entries that match too (documents of posts that no longer exist: the page drops them).
    const now = Date.now();
    const docs = Array.from({ length: RANKED_WINDOW }, (_, i) => `GONE${mark}${i}`);
    for (let i = 0; i < docs.length; i += 100) {
      await env.DB.batch(
        docs
          .slice(i, i + 100)
          .flatMap((entityId) => [
            env.DB.prepare(
              "INSERT INTO search_docs (type, entity_id, version, in_index, created_at, indexed_at) VALUES ('posts', ?, '1', 1, ?, ?)",
            ).bind(entityId, now, now),
            env.DB.prepare(
              "INSERT INTO search_posts (rowid, tags, body) VALUES (last_insert_rowid(), '', ?)",
            ).bind(`${mark} news`),
          ]),
      );
    }
    const fresh = await indexedPost(author, `news about ${mark}`);
    const reader = await createUser();
    expect(await searchIds(reader, mark, { type: "posts" })).toEqual([fresh]);
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    expect(await searchIds(reader, mark, { type: "posts", filters: { to: tomorrow } })).toEqual([old, fresh]);
  });
});
