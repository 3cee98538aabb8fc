import { z } from "@hono/zod-openapi";
import { sql } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import { cardShowsHeadlineSql, fullProfileVisibleSql, notBlocked } from "../../core/access/members";
import { viewerRef } from "../../core/access/posts";
import { type CardRow, cardColumnsFor, toCard, type UserCard, UserCardSchema } from "../../core/cards";
import { defineSearchable, MAX_CANDIDATES_RANKED, type SearchSource } from "../../core/searchables";
import { educations, experiences, profiles, skills, users } from "../../db/schema";
import { parseJsonColumn } from "../../platform/encoding";

/**
 * People in search: a member is found by what others may see of them. Columns:
 * - `name` (display name, username) is on every card;
 * - `headline` on cards of PUBLIC and CONNECTIONS profiles;
 * - `location` and `details` (about, translations, experience, education, skills, certifications,
 *   languages) only on full profiles.
 * A member is matched on every column when the viewer may see the full profile (`fullProfileVisibleSql`),
 * otherwise on what the card shows: name and headline when `cardShowsHeadlineSql` allows the headline (a
 * CONNECTIONS profile seen by a stranger), the name only (a PRIVATE profile). Those are the three
 * branches; the page keeps, for each member, only the branch their profile allows for this viewer, so a
 * search never reveals more than GET /profiles shows. A hit is the member's card; suspended, deleted and
 * blocked members (either way) are never hits.
 */
export interface PersonHit {
  type: "people";
  user: UserCard;
}

declare module "../../core/searchables" {
  interface SearchHits {
    people: PersonHit;
  }
}

export const PersonHitSchema = z
  .object({ type: z.literal("people"), user: UserCardSchema })
  .openapi("PersonHit", { description: "A member card; the headline is null when the profile is PRIVATE" });

const pad = (ms: number) => String(ms).padStart(16, "0");

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

/** The loader's rows and the page's rows, under the aliases the card columns and the access rules name them by. */
const u = alias(users, "u");
const pr = alias(profiles, "p");
const ex = alias(experiences, "e");
const ed = alias(educations, "e");
const sk = alias(skills, "s");

// Raw D1 statements (no drizzle client), so the rebuild script can run the loader in Node.
const PEOPLE_SQL = sql`SELECT ${u.id}, ${u.username}, ${u.displayName} AS displayName, ${u.status},
    ${u.createdAt} AS createdAt, MAX(${u.updatedAt}, COALESCE(${pr.updatedAt}, 0)) AS version, ${pr.headline},
    ${pr.about}, ${pr.location}, ${pr.visibility}, ${pr.translations}, ${pr.certifications}, ${pr.languages},
    (SELECT json_group_array(json_array(${ex.title}, ${ex.company}, ${ex.location}, ${ex.employmentType}, ${ex.description}))
      FROM ${experiences} ${ex} WHERE ${ex.userId} = ${u.id}) AS experience,
    (SELECT json_group_array(json_array(${ed.school}, ${ed.degree}, ${ed.field}, ${ed.description}))
      FROM ${educations} ${ed} WHERE ${ed.userId} = ${u.id}) AS education,
    (SELECT group_concat(${sk.name}, ' , ') FROM ${skills} ${sk} WHERE ${sk.userId} = ${u.id}) AS skills
  FROM ${users} ${u} LEFT JOIN ${profiles} ${pr} ON ${pr.userId} = ${u.id}`;

function personOf(row: PersonRow): SearchSource {
  // The profile's last update orders versions (an account change moves users.updated_at).
  const version = pad(row.version);
  if (row.status !== "ACTIVE") return { id: row.id, version, removed: true };
  const translations = parseJsonColumn<Record<string, Record<string, string>>>(row.translations, {});
  const translated = (field: string) => Object.values(translations).map((t) => t?.[field]);
  const experience = parseJsonColumn<(string | null)[][]>(row.experience, []);
  const education = parseJsonColumn<(string | null)[][]>(row.education, []);
  const certifications = parseJsonColumn<{ name?: string; issuer?: string }[]>(row.certifications, []);
  const languages = parseJsonColumn<{ language?: string }[]>(row.languages, []);
  return {
    id: row.id,
    version,
    createdAt: row.createdAt,
    text: {
      name: [row.displayName, row.username],
      headline: [row.headline],
      location: [row.location, ...translated("location")],
      details: [
        row.about,
        ...translated("displayName"),
        ...translated("headline"),
        ...translated("about"),
        ...experience.flat(),
        ...education.flat(),
        row.skills,
        ...certifications.flatMap((c) => [c?.name, c?.issuer]),
        ...languages.map((l) => l?.language),
      ],
    },
    attributes: { visibility: row.visibility ?? "PUBLIC" },
  };
}

/** The profile rules of core/access/members.ts for the page's member row. */
const member = { id: u.id, visibility: pr.visibility };
const full = (viewerId: string) => fullProfileVisibleSql(viewerRef(viewerId), member);
const headline = (viewerId: string) => cardShowsHeadlineSql(viewerRef(viewerId), member);

export const peopleSearch = defineSearchable({
  type: "people",
  table: "search_people",
  columns: [
    { name: "name", weight: 10 },
    { name: "headline", weight: 4 },
    { name: "location", weight: 2 },
    { name: "details", weight: 1 },
  ],
  filterable: ["visibility", "locationTokens", "createdAt"],
  // Only full profiles show a location, so limited profiles cannot pass a location filter.
  location: { column: "location", attribute: "locationTokens" },
  load: { select: PEOPLE_SQL, id: u.id, row: personOf as (row: never) => SearchSource },
  exists: (id) => sql`SELECT 1 FROM ${users} WHERE ${users.id} = ${id} AND ${users.status} = 'ACTIVE'`,
  branches: [
    { rule: full },
    {
      columns: ["name", "headline"],
      rule: (v) => sql`NOT ${full(v)} AND ${headline(v)}`,
      engineFilter: () => 'visibility = "CONNECTIONS"',
    },
    {
      columns: ["name"],
      rule: (v) => sql`NOT ${full(v)} AND NOT ${headline(v)}`,
      engineFilter: () => 'visibility = "PRIVATE"',
    },
  ],
  page: async ({ deps, viewerId, candidates, branchRule, from, to, offset, limit }) => {
    // Walks the candidates best first and applies the rules only until the page is full: the subquery's
    // LIMIT keeps its ORDER BY, and CROSS JOIN keeps it as the outer loop (no outer sort).
    const rows = await deps.db.all<CardRow>(sql`WITH m AS (${candidates})
      SELECT ${cardColumnsFor(viewerRef(viewerId))}
      FROM (SELECT id, branch, score FROM m ORDER BY score, id LIMIT ${MAX_CANDIDATES_RANKED}) m
        CROSS JOIN ${users} ${u} ON ${u.id} = m.id AND ${u.status} = 'ACTIVE'
        LEFT JOIN ${profiles} ${pr} ON ${pr.userId} = ${u.id}
      WHERE ${notBlocked(viewerId, u.id)}
        AND ${branchRule}
        ${from !== undefined ? sql`AND ${u.createdAt} >= ${from}` : sql``}
        ${to !== undefined ? sql`AND ${u.createdAt} < ${to}` : sql``}
      LIMIT ${limit + 1} OFFSET ${offset}`);
    return rows.map((row) => ({ type: "people" as const, user: toCard(row) }));
  },
  hit: PersonHitSchema,
});
