import { env } from "cloudflare:test";
import { z } from "@hono/zod-openapi";
import { type SQL, sql } from "drizzle-orm";
import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { beforeAll, describe, expect, it } from "vitest";
import { defineModule, registeredModules } from "../../src/core/module";
import {
  defineSearchable,
  MAX_CANDIDATES_RANKED,
  type Searchable,
  type SearchHit,
  type SearchPageRequest,
  type SearchSource,
} from "../../src/core/searchables";
import { queueIndex } from "../../src/modules/search";
import { sweepStatements } from "../../src/modules/search/fts";
import { SearchIndexMessage } from "../../src/modules/search/queue";
import { type IndexedType, indexedTypes } from "../../src/modules/search/types";
import { get, post } from "../support/http";
import { drainQueues } from "../support/queues";
import { searchPath, waitIndexed } from "../support/search";
import { createUser } from "../support/users";

/**
 * A searchable type is declared by the module that owns its rows, and search has no per-type code: a
 * module defined here (not in src/) declares "jobs", and the search route, the indexing queue, the
 * analyzer and its vocabulary, the rebuild, the sweep and the OpenAPI document all take it up from that
 * declaration alone, as they do for people (profiles) and posts (posts).
 */

// --- src/db/schema/jobs.ts (a real module adds the table there and generates its migration)
const jobs = sqliteTable("example_jobs", {
  id: text("id").primaryKey(),
  title: text("title").notNull(),
  description: text("description").notNull(),
  createdAt: integer("created_at").notNull(),
  closedAt: integer("closed_at"),
});

// --- src/modules/jobs/search.ts
interface JobHit {
  type: "jobs";
  job: { id: string; title: string };
}

// A real module merges its hit into `SearchHits` (declare module "../../core/searchables"), which types its
// name everywhere (queueIndex, hits); a test must not change the types of the other files, so it casts.
const JOBS = "jobs" as IndexedType;

const JobHitSchema = z
  .object({ type: z.literal("jobs"), job: z.object({ id: z.string(), title: z.string() }) })
  .openapi("JobHit");

interface JobRow {
  id: string;
  title: string;
  description: string;
  createdAt: number;
  closedAt: number | null;
}

const jobsSearch = defineSearchable({
  type: JOBS,
  table: "search_jobs",
  columns: [
    { name: "title", weight: 5 },
    { name: "description", weight: 1 },
  ],
  filterable: ["createdAt"],
  load: {
    select: sql`SELECT ${jobs.id}, ${jobs.title}, ${jobs.description}, ${jobs.createdAt} AS createdAt,
      ${jobs.closedAt} AS closedAt FROM ${jobs}`,
    id: jobs.id,
    row: ((row: JobRow): SearchSource => {
      // A closed job leaves the index; closing it is its newer version.
      const version = String(row.closedAt ?? row.createdAt).padStart(16, "0");
      if (row.closedAt !== null) return { id: row.id, version, removed: true };
      return {
        id: row.id,
        version,
        createdAt: row.createdAt,
        text: { title: [row.title], description: [row.description] },
        attributes: {},
      };
    }) as (row: never) => SearchSource,
  },
  exists: (id: SQL) => sql`SELECT 1 FROM ${jobs} WHERE ${jobs.id} = ${id} AND ${jobs.closedAt} IS NULL`,
  branches: [{}],
  page: async ({ deps, candidates, branchRule, offset, limit }: SearchPageRequest) => {
    const rows = await deps.db.all<{ id: string; title: string }>(sql`WITH m AS (${candidates})
      SELECT ${jobs.id} AS id, ${jobs.title} AS title
      FROM (SELECT id, branch, score FROM m ORDER BY score, id LIMIT ${MAX_CANDIDATES_RANKED}) m
        CROSS JOIN ${jobs} ON ${jobs.id} = m.id
      WHERE ${jobs.closedAt} IS NULL AND ${branchRule}
      LIMIT ${limit + 1} OFFSET ${offset}`);
    return rows.map((job) => ({ type: "jobs" as const, job }) as unknown as SearchHit);
  },
  hit: JobHitSchema as unknown as Searchable["hit"],
});

// --- src/modules/jobs/manifest.ts
const jobsModule = defineModule({ name: "example-jobs", search: [jobsSearch] });

beforeAll(async () => {
  // The migrations a real module would add (the FTS5 table is hand-written, like migrations/0020_search.sql).
  await env.DB.prepare(
    "CREATE TABLE IF NOT EXISTS example_jobs (id TEXT PRIMARY KEY, title TEXT NOT NULL, description TEXT NOT NULL, created_at INTEGER NOT NULL, closed_at INTEGER)",
  ).run();
  await env.DB.prepare(
    "CREATE VIRTUAL TABLE IF NOT EXISTS search_jobs USING fts5(title, description, tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3')",
  ).run();
});

let serial = 0;
async function addJob(title: string, description: string, closed = false): Promise<string> {
  const id = `JOB${Date.now()}${serial++}`;
  const now = Date.now();
  await env.DB.prepare(
    "INSERT INTO example_jobs (id, title, description, created_at, closed_at) VALUES (?, ?, ?, ?, ?)",
  )
    .bind(id, title, description, now, closed ? now + 1 : null)
    .run();
  // What the module's writes would do after each change.
  await queueIndex(env, JOBS, id);
  await waitIndexed(JOBS, id);
  return id;
}

async function searchJobs(token: string, q: string): Promise<string[]> {
  const res = await get(searchPath(q, { type: "jobs" }), { token });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  for (const hit of res.body.data) expect(hit.type).toBe("jobs");
  return res.body.data.map((hit: JobHit) => hit.job.id);
}

describe("a searchable type declared by its module", () => {
  it("is indexed through the search queue and found by GET /search with the shared analyzer", async () => {
    const open = await addJob("مهندس برمجيات", "وظيفة في الرياض لفريق المنصة");
    const closed = await addJob("مهندس شبكات", "وظيفة في جدة", true);
    const viewer = await createUser();
    // The declaration hands over raw text: clitics (بالرياض), the vocabulary's one-edit corrections
    // (برمجيت) and removals (a closed job) are the search module's.
    expect(await searchJobs(viewer.token, "بالرياض")).toEqual([open]);
    expect(await searchJobs(viewer.token, "مهندس")).toEqual([open]);
    expect(await searchJobs(viewer.token, "برمجيت")).toEqual([open]);
    expect(await searchJobs(viewer.token, "جدة")).toEqual([]);
    const removed = await env.DB.prepare(
      "SELECT in_index FROM search_docs WHERE type = 'jobs' AND entity_id = ?",
    )
      .bind(closed)
      .first<{ in_index: number }>();
    expect(removed?.in_index).toBe(0);
  });

  it("is in the queue's messages, the rebuild and the daily sweep", async () => {
    expect(registeredModules().at(-1)).toBe(jobsModule);
    expect(indexedTypes()).toEqual(["people", "posts", "jobs"]);
    expect(SearchIndexMessage.safeParse({ type: "jobs", id: "J1" }).success).toBe(true);
    expect(SearchIndexMessage.safeParse({ type: "companies", id: "C1" }).success).toBe(false);

    const user = await createUser();
    await env.DB.prepare("UPDATE users SET role = 'admin' WHERE id = ?").bind(user.id).run();
    // The role is in the access token: signing in again gives an admin's.
    const login = await post(
      "/api/v1/auth/login",
      { identifier: user.username, password: user.password },
      { ip: user.ip },
    );
    const rebuild = (type: string) =>
      post("/api/v1/admin/search/rebuild", { type, engine: "d1" }, { token: login.body.accessToken });
    const one = await rebuild("jobs");
    expect(one.status).toBe(202);
    expect(one.body.types).toEqual(["jobs"]);
    expect((await rebuild("all")).body.types).toEqual(["people", "posts", "jobs"]);
    expect((await rebuild("companies")).status).toBe(400);
    await drainQueues();

    // A job deleted without a message leaves the index with the sweep.
    const gone = await addJob("محاسب قانوني", "دوام كامل");
    await env.DB.prepare("DELETE FROM example_jobs WHERE id = ?").bind(gone).run();
    await env.DB.batch(sweepStatements(env.DB, Date.now()));
    const doc = await env.DB.prepare(
      "SELECT doc_id, in_index FROM search_docs WHERE type = 'jobs' AND entity_id = ?",
    )
      .bind(gone)
      .first<{ doc_id: number; in_index: number }>();
    expect(doc?.in_index).toBe(0);
    const fts = await env.DB.prepare("SELECT count(*) AS n FROM search_jobs WHERE rowid = ?")
      .bind(doc?.doc_id)
      .first<{ n: number }>();
    expect(fts?.n).toBe(0);
  });

  it("has its hit schema in the OpenAPI document", async () => {
    const res = await get("/openapi.json");
    expect(res.status).toBe(200);
    const refs = JSON.stringify(res.body.components.schemas.SearchHit);
    for (const name of ["PersonHit", "PostHit", "JobHit"])
      expect(refs).toContain(`#/components/schemas/${name}`);
  });
});
