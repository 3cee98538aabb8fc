import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { loadByIds } from "../../../src/modules/search/documents";
import { applySettings, indexUid, meiliOf } from "../../../src/modules/search/meili";
import { get, post } from "../../support/http";
import { createUser, type TestUser } from "../../support/users";
import { DOCS, type EvalQuery, GOALS, PHENOMENA, type Phenomenon, QUERIES } from "./dataset";

/**
 * Search quality on the project's own evaluation set (test/search/eval/dataset.ts), through the real API:
 * the posts are published by ordinary members (POST /api/v1/posts), indexed by the real search queue,
 * and every query is a GET /api/v1/search?type=posts&limit=10 by another member, with the defaults a
 * client uses. Prints recall@10, MRR and must-not-match counts per phenomenon, then asserts the goals.
 *
 * Run with `npm run search:eval` (D1 engine; also Meilisearch when MEILISEARCH_URL is set).
 */

const TOP = 10;
/** Members may publish 100 posts per 15 minutes and search 30 times a minute. */
const POSTS_PER_AUTHOR = 90;
const SEARCHES_PER_READER = 25;

interface QueryResult {
  query: EvalQuery;
  top: string[];
  recall: number;
  rr: number;
  mustNot: string[];
}

async function publishAll(): Promise<Map<string, string>> {
  const keys = Object.keys(DOCS);
  const authors: TestUser[] = [];
  for (let i = 0; i < Math.ceil(keys.length / POSTS_PER_AUTHOR); i++) authors.push(await createUser());
  const idOf = new Map<string, string>();
  await Promise.all(
    authors.map(async (author, a) => {
      for (const key of keys.slice(a * POSTS_PER_AUTHOR, (a + 1) * POSTS_PER_AUTHOR)) {
        const res = await post("/api/v1/posts", { content: DOCS[key] }, { token: author.token });
        if (res.status !== 201)
          throw new Error(`publishing ${key}: ${res.status} ${JSON.stringify(res.body)}`);
        idOf.set(key, res.body.id);
      }
    }),
  );
  await waitAllIndexed([...idOf.values()]);
  return idOf;
}

/** Waits until the D1 index holds the current version of every post (the queue is asynchronous). */
async function waitAllIndexed(ids: string[], timeoutMs = 180_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const expected = new Map<string, string>();
  for (let i = 0; i < ids.length; i += 100) {
    for (const item of await loadByIds(env.DB, "posts", ids.slice(i, i + 100))) {
      if ("doc" in item) expected.set(item.doc.id, item.doc.version);
    }
  }
  for (;;) {
    const { results } = await env.DB.prepare(
      `SELECT entity_id AS id, version FROM search_docs
       WHERE type = 'posts' AND in_index = 1 AND entity_id IN (SELECT value FROM json_each(?))`,
    )
      .bind(JSON.stringify(ids))
      .all<{ id: string; version: string }>();
    const done = results.filter((r) => expected.get(r.id) === r.version).length;
    if (done === expected.size) return;
    if (Date.now() > deadline) throw new Error(`only ${done} of ${expected.size} posts indexed`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** With Meilisearch: a fresh index with the settings in code, and every indexing task finished. */
async function prepareMeili(): Promise<(() => Promise<void>) | null> {
  const target = meiliOf(env);
  if (!target) return null;
  const uid = indexUid(target, "posts");
  await target.client.deleteIndexIfExists(uid);
  await target.client.createIndex(uid, { primaryKey: "id" }).waitTask();
  await applySettings(target, "posts");
  return async () => {
    for (;;) {
      const pending = await target.client.tasks.getTasks({
        indexUids: [uid],
        statuses: ["enqueued", "processing"],
      });
      if (pending.results.length === 0) return;
      await new Promise((r) => setTimeout(r, 250));
    }
  };
}

function score(query: EvalQuery, top: string[]): QueryResult {
  const rel = new Set(query.rel);
  const found = top.filter((k) => rel.has(k)).length;
  const first = top.findIndex((k) => rel.has(k));
  return {
    query,
    top,
    recall: found / rel.size,
    rr: first < 0 ? 0 : 1 / (first + 1),
    mustNot: top.filter((k) => query.not?.includes(k)),
  };
}

const mean = (xs: number[]) => (xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length);
const pad = (s: string, n: number) => (s.length >= n ? s : s + " ".repeat(n - s.length));
const num = (x: number) => x.toFixed(3);

function report(engine: string, results: QueryResult[]): string {
  const lines = [
    "",
    `Search evaluation (${engine} engine): ${Object.keys(DOCS).length} posts, ${results.length} queries, top ${TOP}`,
    `${pad("phenomenon", 44)} ${pad("queries", 8)} ${pad("recall@10", 10)} ${pad("MRR", 7)} ${pad("must-not", 9)} goal`,
  ];
  const row = (label: string, rs: QueryResult[], goal: string) =>
    `${pad(label, 44)} ${pad(String(rs.length), 8)} ${pad(num(mean(rs.map((r) => r.recall))), 10)} ${pad(
      num(mean(rs.map((r) => r.rr))),
      7,
    )} ${pad(String(rs.reduce((n, r) => n + r.mustNot.length, 0)), 9)} ${goal}`;
  for (const [ph, spec] of Object.entries(PHENOMENA)) {
    const rs = results.filter((r) => r.query.ph === ph);
    if (rs.length > 0) lines.push(row(spec.label, rs, `≥ ${spec.goal}`));
  }
  lines.push(row("OVERALL", results, `≥ ${GOALS.recall}, must-not ${GOALS.mustNotInTop10}`));
  const misses = results.filter((r) => r.recall < 1 || r.mustNot.length > 0);
  if (misses.length > 0) {
    lines.push("", "Queries below 1.0 recall or with a must-not post in the top 10:");
    for (const r of misses) {
      const missing = r.query.rel.filter((k) => !r.top.includes(k));
      lines.push(
        `  [${r.query.ph}] ${JSON.stringify(r.query.q)} recall ${num(r.recall)}` +
          (missing.length > 0 ? ` missing ${missing.join(",")}` : "") +
          (r.mustNot.length > 0 ? ` MUST-NOT ${r.mustNot.join(",")}` : "") +
          ` top: ${r.top.slice(0, 5).join(",") || "(none)"}`,
      );
    }
  }
  return lines.join("\n");
}

describe("search quality on the evaluation set", () => {
  it("reaches the recall, MRR and precision goals", async () => {
    const meiliDone = await prepareMeili();
    const idOf = await publishAll();
    if (meiliDone) await meiliDone();
    const keyOf = new Map([...idOf].map(([key, id]) => [id, key]));

    const readers: TestUser[] = [];
    for (let i = 0; i < Math.ceil(QUERIES.length / SEARCHES_PER_READER); i++)
      readers.push(await createUser());
    const results: QueryResult[] = [];
    for (const [i, query] of QUERIES.entries()) {
      const reader = readers[Math.floor(i / SEARCHES_PER_READER)]!;
      const params = new URLSearchParams({ q: query.q, type: "posts", limit: String(TOP) });
      const res = await get(`/api/v1/search?${params}`, { token: reader.token });
      if (res.status !== 200) throw new Error(`search ${query.q}: ${res.status} ${JSON.stringify(res.body)}`);
      const top = (res.body.data as { post: { id: string } }[]).map((h) => keyOf.get(h.post.id) ?? h.post.id);
      results.push(score(query, top));
    }

    const engine = meiliDone ? "meilisearch" : "d1";
    console.log(report(engine, results));

    const recallOf = (ph: Phenomenon) => mean(results.filter((r) => r.query.ph === ph).map((r) => r.recall));
    const below = (Object.keys(PHENOMENA) as Phenomenon[])
      .filter((ph) => results.some((r) => r.query.ph === ph))
      .filter((ph) => recallOf(ph) < PHENOMENA[ph].goal)
      .map((ph) => `${ph} ${num(recallOf(ph))} < ${PHENOMENA[ph].goal}`);
    expect(below, "phenomena below their goal").toEqual([]);
    expect(mean(results.map((r) => r.recall)), "overall recall@10").toBeGreaterThanOrEqual(GOALS.recall);
    expect(
      results.flatMap((r) => r.mustNot.map((k) => `${r.query.q} → ${k}`)),
      "must-not-match posts in a top 10",
    ).toEqual([]);
  });
});
