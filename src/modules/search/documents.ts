import { searchIndexText } from "../../platform/text";
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
 * with the search analyzer (src/platform/text.ts searchIndexText, the same as the query side) and remembers their
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

const PEOPLE_SQL = `SELECT u.id, u.username, u.display_name AS displayName, u.status, u.created_at AS createdAt,
    MAX(u.updated_at, COALESCE(p.updated_at, 0)) AS version, p.headline, p.about, p.location, p.visibility,
    p.translations, p.certifications, p.languages,
    (SELECT json_group_array(json_array(e.title, e.company, e.location, e.employment_type, e.description))
      FROM experiences e WHERE e.user_id = u.id) AS experience,
    (SELECT json_group_array(json_array(e.school, e.degree, e.field, e.description))
      FROM educations e WHERE e.user_id = u.id) AS education,
    (SELECT group_concat(s.name, ' , ') FROM skills s WHERE s.user_id = u.id) AS skills
  FROM users u LEFT JOIN profiles p ON p.user_id = u.id`;

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

const POSTS_SQL = `SELECT p.id, p.author_id AS authorId, p.kind, p.content, p.visibility, p.hashtags, p.rev,
    p.created_at AS createdAt, p.deleted_at AS deletedAt,
    CASE WHEN p.has_poll THEN (SELECT group_concat(o.text, ' , ') FROM polls pl JOIN poll_options o ON o.poll_id = pl.id
      WHERE pl.post_id = p.id) END AS pollOptions
  FROM posts p`;

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

const LOADERS: Record<IndexedType, { sql: string; alias: string; build: (row: never) => Indexable }> = {
  people: { sql: PEOPLE_SQL, alias: "u", build: personOf as (row: never) => Indexable },
  posts: { sql: POSTS_SQL, alias: "p", build: postOf as (row: never) => Indexable },
};

/** The index state of the given entities; ids with no row at all come back as removals. */
export async function loadByIds(db: D1Database, type: IndexedType, ids: string[]): Promise<Indexable[]> {
  if (ids.length === 0) return [];
  const loader = LOADERS[type];
  const { results } = await db
    .prepare(`${loader.sql} WHERE ${loader.alias}.id IN (SELECT value FROM json_each(?))`)
    .bind(JSON.stringify(ids))
    .all();
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
  const { results } = await db
    .prepare(`${loader.sql} WHERE ${loader.alias}.id > ? ORDER BY ${loader.alias}.id LIMIT ?`)
    .bind(after, limit)
    .all();
  const items = results.map((row) => loader.build(row as never));
  const last = results.length === limit ? String((results[results.length - 1] as { id: string }).id) : null;
  return { items, last };
}
