import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { runSearchAlerts } from "../../src/modules/search/alerts";
import { queryMatch, widenMatch } from "../../src/modules/search/analysis";
import { MAX_LOOKUP_ROWS, termKeys } from "../../src/modules/search/vocabulary";
import { post } from "../support/http";
import { listNotifications, waitForNotifications } from "../support/notifications";
import { indexedPost, indexedPosts, marker, searchIds, waitIndexed } from "../support/search";
import { createUser } from "../support/users";

/**
 * Typo tolerance, dialect spellings and Arabizi in the D1 engine, over HTTP, and the rule that keeps them
 * from over-matching: corrections and prefix completions are only tried when the words as typed match no
 * document at all.
 */

const ARABIC = "بتثجحخدرزسشصطعغفقكلمنهوي";
/** An Arabic word no other test uses (so its typos have no other neighbour). */
const arabicMarker = () =>
  Array.from(crypto.getRandomValues(new Uint8Array(9)), (b) => ARABIC[b % ARABIC.length]).join("");

const swap = (w: string, i: number) => w.slice(0, i) + w[i + 1] + w[i] + w.slice(i + 2);
const TYPOS: [string, (w: string) => string][] = [
  ["substitution", (w) => `${w.slice(0, 4)}${w[4] === "x" ? "y" : "x"}${w.slice(5)}`],
  ["deletion", (w) => w.slice(0, 5) + w.slice(6)],
  ["insertion", (w) => `${w.slice(0, 5)}q${w.slice(5)}`],
  ["transposition", (w) => swap(w, 4)],
];

describe("a misspelled word (one edit) finds what it meant", () => {
  it("posts: Latin and Arabic words, alone or with other words", async () => {
    const mark = marker();
    const word = arabicMarker();
    const author = await createUser();
    const id = await indexedPost(author, `اجتماع ${word} مع فريق ${mark}`);
    const reader = await createUser();
    for (const [kind, typo] of TYPOS) {
      expect(await searchIds(reader, typo(mark), { type: "posts" }), `${kind} (Latin)`).toEqual([id]);
    }
    const arabicTypo = (w: string) => `${w.slice(0, 4)}${w[4] === "ب" ? "ت" : "ب"}${w.slice(5)}`;
    expect(await searchIds(reader, arabicTypo(word), { type: "posts" }), "Arabic").toEqual([id]);
    expect(await searchIds(reader, `${mark} ${arabicTypo(word)}`, { type: "posts" }), "two words").toEqual([
      id,
    ]);
  });

  it("people: a misspelled name", async () => {
    const mark = marker();
    const member = await createUser({ displayName: `Layla ${mark}` });
    await waitIndexed("people", member.id);
    const reader = await createUser();
    expect(await searchIds(reader, swap(mark, 6), { type: "people" })).toEqual([member.id]);
  });
});

describe("exact first: corrections and completions only when the words as typed match nothing", () => {
  it("a word that is in the index is taken as typed (no neighbours, no completions)", async () => {
    const mark = marker();
    const author = await createUser();
    const [exact, longer, neighbour] = await indexedPosts(author, [`${mark}a`, `${mark}abcd`, `${mark}e`]);
    const reader = await createUser();
    // As typed: only the exact word (not its one-edit neighbour, not the longer word it begins).
    expect(await searchIds(reader, `${mark}a`, { type: "posts" })).toEqual([exact]);
    expect(await searchIds(reader, `${mark}e`, { type: "posts" })).toEqual([neighbour]);
    // Unknown: its one-edit neighbours and, with typeahead on, its completions.
    expect((await searchIds(reader, `${mark}ab`, { type: "posts" })).sort()).toEqual([exact, longer].sort());
    expect(await searchIds(reader, `${mark}ab`, { type: "posts", prefix: false })).toEqual([exact]);
  });

  it("typeahead completes an unfinished word, but not a word that is complete", async () => {
    const mark = marker();
    const author = await createUser();
    const [car, career] = await indexedPosts(author, [`${mark} car rental`, `${mark} career advice`]);
    const reader = await createUser();
    expect(await searchIds(reader, `${mark} car`, { type: "posts" })).toEqual([car]);
    // "care" is unknown: one edit from "car", and the beginning of "career".
    expect((await searchIds(reader, `${mark} care`, { type: "posts" })).sort()).toEqual([car, career].sort());
    expect(await searchIds(reader, `${mark} caree`, { type: "posts" })).toEqual([career]);
  });

  it("clitics never split a whole word: كريم is not found as ريم, فكرة not as كرة", async () => {
    const mark = marker();
    const author = await createUser();
    const [karim, reem, fikra, kura] = await indexedPosts(author, [
      `كريم ${mark}`,
      `ريم ${mark}`,
      `فكرة ${mark}`,
      `كرة ${mark}`,
    ]);
    const reader = await createUser();
    expect(await searchIds(reader, `ريم ${mark}`, { type: "posts" })).toEqual([reem]);
    expect(await searchIds(reader, `كريم ${mark}`, { type: "posts" })).toEqual([karim]);
    expect(await searchIds(reader, `وكريم ${mark}`, { type: "posts" })).toEqual([karim]);
    expect(await searchIds(reader, `كرة ${mark}`, { type: "posts" })).toEqual([kura]);
    expect(await searchIds(reader, `بفكرة ${mark}`, { type: "posts" })).toEqual([fikra]);
  });
});

describe("dialect spellings and Arabizi", () => {
  it("finds the MSA word from a dialect spelling and the other way round", async () => {
    const mark = marker();
    const author = await createUser();
    const [ktir, kathir] = await indexedPosts(author, [`في كتير فرص ${mark}`, `الكثير من الفرص ${mark}`]);
    const reader = await createUser();
    expect((await searchIds(reader, `كثير ${mark}`, { type: "posts" })).sort()).toEqual(
      [ktir, kathir].sort(),
    );
    expect((await searchIds(reader, `كتير ${mark}`, { type: "posts" })).sort()).toEqual(
      [ktir, kathir].sort(),
    );
  });

  it("reads a Latin word that matches nothing as Arabizi", async () => {
    const mark = marker();
    const author = await createUser();
    const id = await indexedPost(author, `مطلوب مهندس مدني ${mark}`);
    const reader = await createUser();
    expect(await searchIds(reader, `mohandes madani ${mark}`, { type: "posts" })).toEqual([id]);
  });
});

describe("the vocabulary", () => {
  it("the indexer files each stem under its keys", async () => {
    const word = arabicMarker();
    const author = await createUser();
    await indexedPost(author, `نلتقي بال${word} غدا`);
    const { results } = await env.DB.prepare("SELECT key FROM search_terms WHERE term = ?").bind(word).all<{
      key: string;
    }>();
    expect(results.map((r) => r.key).sort()).toEqual(termKeys(word).sort());
  });

  it("widening is one statement that reads at most MAX_LOOKUP_ROWS rows", async () => {
    const mark = marker();
    const author = await createUser();
    await indexedPost(author, `وظيفة ${mark}`);
    const statements: string[] = [];
    const db = new Proxy(env.DB, {
      get(target, prop, receiver) {
        if (prop === "prepare") {
          return (query: string) => {
            statements.push(query);
            return target.prepare(query);
          };
        }
        if (prop === "batch") throw new Error("widening must not batch");
        const value = Reflect.get(target, prop, receiver);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    const typo = `${mark.slice(0, 5)}${mark.slice(6)}`;
    const wider = await widenMatch(db, queryMatch(`وظيفة ${typo}`), true);
    expect(wider!.groups[1]).toContain(mark);
    expect(wider!.prefixLast).toBe(true);
    expect(statements).toHaveLength(1);
    expect(statements[0]).toMatch(/FROM search_terms WHERE key IN .* LIMIT \?2/s);
    expect(MAX_LOOKUP_ROWS).toBeLessThanOrEqual(400);
    // Nothing to look up and prefixes off: no statement at all.
    expect(await widenMatch(db, queryMatch("ab"), false)).toBeNull();
    expect(statements).toHaveLength(1);
  });

  it("whether to widen depends only on what the viewer may read", async () => {
    const mark = marker();
    const [author, stranger] = [await createUser(), await createUser()];
    // The stranger may not read the exact match, so the search corrects the typo for them: the answer
    // is the same as if that post did not exist at all.
    await indexedPosts(author, [`${mark}x`], "PRIVATE");
    const [neighbour] = await indexedPosts(author, [`${mark}y`]);
    expect(await searchIds(stranger, `${mark}x`, { type: "posts" })).toEqual([neighbour]);
    expect(await searchIds(author, `${mark}x`, { type: "posts" })).toHaveLength(1);
  });
});

describe("saved-search alerts", () => {
  it("report corrections only when the saved search itself shows them", async () => {
    const mark = marker();
    const [me, author] = [await createUser(), await createUser()];
    await indexedPosts(author, [`${mark}alpha`]);
    const save = async (q: string) => {
      const res = await post("/api/v1/search/saved", { q, type: "posts" }, { token: me.token });
      await post(`/api/v1/search/saved/${res.body.id}/alert`, { frequency: "INSTANT" }, { token: me.token });
      return res.body.id as string;
    };
    const exact = await save(`${mark}alpha`); // shows the older post as typed: no corrections
    const typo = await save(`${mark}alphz`); // shows nothing as typed: corrections
    // New: one edit from both saved searches.
    await indexedPosts(author, [`${mark}alphx`]);
    await runSearchAlerts(env, Date.now() + 1000);
    await waitForNotifications(me, (l) => l.some((n) => n.data.savedSearchId === typo));
    const alerted = (await listNotifications(me)).map((n) => n.data.savedSearchId);
    expect(alerted).toContain(typo);
    expect(alerted).not.toContain(exact);
  });
});
