import { type SQL, sql } from "drizzle-orm";
import { alias, type SQLiteColumn } from "drizzle-orm/sqlite-core";
import { educations, experiences, pollOptions, polls, posts, profiles, skills, users } from "../../db/schema";
import { statement } from "../../platform/db/statements";
import { searchIndexText } from "./analyzer";
import { GONE_VERSION, type Indexable, type IndexedType, type SearchDoc } from "./types";

/**
 * Builds index documents from the current rows in D1 (raw D1 statements, so the rebuild script can run this
 * file in Node against the local database). An entity that must not be searchable comes back as a removal.
 *
 * What is indexed, and in which column, follows what others may see:
 * - people: `name` (display name, username) is on every card; `headline` on cards of PUBLIC and
 *   CONNECTIONS profiles; `location` and `details` (about, translations, experience, education, skills,
 *   certifications, languages) only on full profiles. The query decides per member which columns the
 *   viewer may match (query.ts), so a search never reveals more than GET /profiles shows.
 * - posts: `tags` (hashtags) and `body` (content, poll options). Plain reposts have no text of their own.
 */

/**
 * Builds the indexed text of one entity, whatever its type: `field(...)` analyzes the parts of one column
 * with the search analyzer (analyzer.ts searchIndexText, the same as the query side) and remembers their
 * stems for the vocabulary; `terms()` returns those stems.
 */
function analyzer() {
  const stems = new Set<string>();
  return {
    field(...parts: (string | null | undefined)[]): string {
      const text = parts.filter((p): p is string => typeof p === "string" && p.length > 0).join(" \n ");
      const { tokens, stems: found } = searchIndexText(text);
      for (const s of found) stems.add(s);
      return tokens.join(" ");
    },
    terms: () => [...stems],
  };
}

const pad = (ms: number) => String(ms).padStart(16, "0");

/** Parses a JSON column, tolerating NULL and bad data (an index must never fail on one odd row). */
function parse<T>(value: unknown, fallback: T): T {
  if (typeof value !== "string") return fallback;
  try {
    return (JSON.parse(value) as T) ?? fallback;
  } catch {
    return fallback;
  }
}

interface PersonRow {
  id: string;
  username: string;
  displayName: string;
  status: string;
  createdAt: number;
  version: number;
  headline: string | null;
  about: string | null;
  location: string | null;
  visibility: string | null;
  translations: string | null;
  certifications: string | null;
  languages: string | null;
  experience: string | null;
  education: string | null;
  skills: string | null;
}

const u = alias(users, "u");
const pr = alias(profiles, "p");
const ex = alias(experiences, "e");
const ed = alias(educations, "e");
const sk = alias(skills, "s");

const PEOPLE_SQL = sql`SELECT ${u.id}, ${u.username}, ${u.displayName} AS displayName, ${u.status},
    ${u.createdAt} AS createdAt, MAX(${u.updatedAt}, COALESCE(${pr.updatedAt}, 0)) AS version, ${pr.headline},
    ${pr.about}, ${pr.location}, ${pr.visibility}, ${pr.translations}, ${pr.certifications}, ${pr.languages},
    (SELECT json_group_array(json_array(${ex.title}, ${ex.company}, ${ex.location}, ${ex.employmentType}, ${ex.description}))
      FROM ${experiences} ${ex} WHERE ${ex.userId} = ${u.id}) AS experience,
    (SELECT json_group_array(json_array(${ed.school}, ${ed.degree}, ${ed.field}, ${ed.description}))
      FROM ${educations} ${ed} WHERE ${ed.userId} = ${u.id}) AS education,
    (SELECT group_concat(${sk.name}, ' , ') FROM ${skills} ${sk} WHERE ${sk.userId} = ${u.id}) AS skills
  FROM ${users} ${u} LEFT JOIN ${profiles} ${pr} ON ${pr.userId} = ${u.id}`;

function personOf(row: PersonRow): Indexable {
  const version = pad(row.version);
  if (row.status !== "ACTIVE") return { removal: { type: "people", id: row.id, version } };
  const translations = parse<Record<string, Record<string, string>>>(row.translations, {});
  const translated = (field: string) => Object.values(translations).map((t) => t?.[field]);
  const experience = parse<(string | null)[][]>(row.experience, []);
  const education = parse<(string | null)[][]>(row.education, []);
  const certifications = parse<{ name?: string; issuer?: string }[]>(row.certifications, []);
  const languages = parse<{ language?: string }[]>(row.languages, []);
  const text = analyzer();
  const location = text.field(row.location, ...translated("location"));
  const fields = {
    name: text.field(row.displayName, row.username),
    headline: text.field(row.headline),
    location,
    details: text.field(
      row.about,
      ...translated("displayName"),
      ...translated("headline"),
      ...translated("about"),
      ...experience.flat(),
      ...education.flat(),
      row.skills,
      ...certifications.flatMap((c) => [c?.name, c?.issuer]),
      ...languages.map((l) => l?.language),
    ),
  };
  const doc: SearchDoc = {
    type: "people",
    id: row.id,
    version,
    createdAt: row.createdAt,
    fields,
    terms: text.terms(),
    attributes: {
      visibility: row.visibility ?? "PUBLIC",
      locationTokens: [...new Set(location.split(" ").filter(Boolean))],
    },
  };
  return { doc };
}

interface PostRow {
  id: string;
  authorId: string;
  kind: string;
  content: string;
  visibility: string;
  hashtags: string | null;
  rev: string;
  createdAt: number;
  deletedAt: number | null;
  pollOptions: string | null;
}

const p = alias(posts, "p");
const pl = alias(polls, "pl");
const o = alias(pollOptions, "o");

const POSTS_SQL = sql`SELECT ${p.id}, ${p.authorId} AS authorId, ${p.kind}, ${p.content}, ${p.visibility}, ${p.hashtags},
    ${p.rev}, ${p.createdAt} AS createdAt, ${p.deletedAt} AS deletedAt,
    CASE WHEN ${p.hasPoll} THEN (SELECT group_concat(${o.text}, ' , ') FROM ${polls} ${pl}
      JOIN ${pollOptions} ${o} ON ${o.pollId} = ${pl.id} WHERE ${pl.postId} = ${p.id}) END AS pollOptions
  FROM ${posts} ${p}`;

function postOf(row: PostRow): Indexable {
  if (row.deletedAt !== null || row.kind === "REPOST") {
    return { removal: { type: "posts", id: row.id, version: row.rev } };
  }
  const text = analyzer();
  const doc: SearchDoc = {
    type: "posts",
    id: row.id,
    version: row.rev,
    createdAt: row.createdAt,
    fields: {
      tags: text.field(...parse<string[]>(row.hashtags, [])),
      body: text.field(row.content, row.pollOptions),
    },
    terms: text.terms(),
    attributes: { visibility: row.visibility, authorId: row.authorId },
  };
  return { doc };
}

const LOADERS: Record<IndexedType, { sql: SQL; id: SQLiteColumn; build: (row: never) => Indexable }> = {
  people: { sql: PEOPLE_SQL, id: u.id, build: personOf as (row: never) => Indexable },
  posts: { sql: POSTS_SQL, id: p.id, build: postOf as (row: never) => Indexable },
};

/** The index state of the given entities; ids with no row at all come back as removals. */
export async function loadByIds(db: D1Database, type: IndexedType, ids: string[]): Promise<Indexable[]> {
  if (ids.length === 0) return [];
  const loader = LOADERS[type];
  const { results } = await statement(
    db,
    sql`${loader.sql} WHERE ${loader.id} IN (SELECT value FROM json_each(${JSON.stringify(ids)}))`,
  ).all();
  const found = results.map((row) => loader.build(row as never));
  const seen = new Set(found.map((f) => ("doc" in f ? f.doc.id : f.removal.id)));
  const gone = ids
    .filter((id) => !seen.has(id))
    .map((id): Indexable => ({ removal: { type, id, version: GONE_VERSION } }));
  return [...found, ...gone];
}

/** The next `limit` entities after `after` in id order (rebuilds walk the table with this). */
export async function loadAfter(
  db: D1Database,
  type: IndexedType,
  after: string,
  limit: number,
): Promise<{ items: Indexable[]; last: string | null }> {
  const loader = LOADERS[type];
  const { results } = await statement(
    db,
    sql`${loader.sql} WHERE ${loader.id} > ${after} ORDER BY ${loader.id} LIMIT ${limit}`,
  ).all();
  const items = results.map((row) => loader.build(row as never));
  const last = results.length === limit ? String((results[results.length - 1] as { id: string }).id) : null;
  return { items, last };
}
