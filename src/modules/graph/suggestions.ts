import { type SQL, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import {
  fullProfileVisibleSql,
  type MemberRef,
  networkVisibleSql,
  notBlocked,
} from "../../core/access/members";
import { type CardRow, cardColumnsSql, cardProfile, cardUser, toCard } from "../../core/cards";
import type { Deps } from "../../core/deps";
import {
  connectionRequests,
  connections,
  educations,
  experiences,
  profiles,
  skills,
  users,
} from "../../db/schema";
import { CompiledSql } from "../../platform/db/compiled";

/** Weights of the "people you may know" score (documented in docs/DESIGN.md). */
export const SUGGESTION_WEIGHTS = { mutual: 10, company: 6, school: 5, skill: 2, maxSkills: 10 } as const;

interface SuggestionRow extends CardRow {
  mutual: number;
  companies: number;
  companyName: string | null;
  schools: number;
  schoolName: string | null;
  skills: number;
  score: number;
}

/**
 * Keeps the rows of `grouped` (one per member, column `id`) whose member passes `rule`, evaluated with
 * the member's profiles row joined (so the rule reads its columns without a lookup per use).
 */
function onlyMembers(grouped: SQL, rule: (member: MemberRef) => SQL): SQL {
  const gp = alias(profiles, "gp");
  return sql`SELECT g.* FROM (${grouped}) g LEFT JOIN ${profiles} ${gp} ON ${gp.userId} = g.id
    WHERE ${rule({ id: sql`g.id`, visibility: gp.visibility, showConnections: gp.showConnections })}`;
}

// The second copies of the self-joined tables, and the rows of the final select.
const c = alias(connections, "c");
const e = alias(experiences, "e");
const o = alias(experiences, "o");
const ed = alias(educations, "e");
const od = alias(educations, "o");
const sk = alias(skills, "s");
const ok = alias(skills, "o");
const r = alias(connectionRequests, "r");
const u = cardUser;
const cp = cardProfile;

/**
 * People you may know, in ONE statement (compiled once; the viewer is ?1): candidates are connections of
 * connections, and members sharing a company (experiences.company_key), a school (educations.school_key)
 * or a skill (skills.name_key) with the viewer. Never the viewer, existing connections, members with an
 * open request either way, blocked (either way) or inactive members.
 *
 * Only what the viewer may know is used, by the rules of policy.ts:
 * - a member's experience, education and skills count (as a reason, and to make them a candidate at all)
 *   only when the viewer may see that member's full profile (`fullProfileVisibleSql`);
 * - a connection X of the viewer counts as a mutual connection with candidate C only when the viewer may
 *   know both X's and C's network (`networkVisibleSql`: full profile visible and showConnections on). An
 *   edge X–C is thus used only when both of its members let the viewer see their connections, so a member
 *   who hides their connections (or whose profile the viewer may not see) is never a bridge, never
 *   suggested through one, and never counted.
 *
 * score = 10 × mutual connections + 6 × shared companies + 5 × shared schools + 2 × min(shared skills, 10);
 * ties go to the newer member.
 */
const suggestionsSql = new CompiledSql<{ now: number; limit: number }>((viewerId, p) => {
  const me = viewerId!;
  const w = SUGGESTION_WEIGHTS;
  const networkKnown = (m: MemberRef) => networkVisibleSql(me, m);
  const profileKnown = (m: MemberRef) => fullProfileVisibleSql(me, m);
  return sql`
    WITH
    mine AS (SELECT ${connections.otherId} AS id FROM ${connections} WHERE ${connections.userId} = ${me}),
    bridges AS (${onlyMembers(sql`SELECT id FROM mine`, networkKnown)}),
    mutual AS (${onlyMembers(
      sql`SELECT ${c.otherId} AS id, COUNT(*) AS n FROM bridges JOIN ${connections} ${c} ON ${c.userId} = bridges.id
        WHERE ${c.otherId} != ${me} GROUP BY ${c.otherId}`,
      networkKnown,
    )}),
    company AS (${onlyMembers(
      sql`SELECT ${o.userId} AS id, COUNT(DISTINCT ${o.companyKey}) AS n, MIN(${e.company}) AS name
        FROM ${experiences} ${e} JOIN ${experiences} ${o} ON ${o.companyKey} = ${e.companyKey}
        WHERE ${e.userId} = ${me} AND ${e.companyKey} != '' AND ${o.userId} != ${me} GROUP BY ${o.userId}`,
      profileKnown,
    )}),
    school AS (${onlyMembers(
      sql`SELECT ${od.userId} AS id, COUNT(DISTINCT ${od.schoolKey}) AS n, MIN(${ed.school}) AS name
        FROM ${educations} ${ed} JOIN ${educations} ${od} ON ${od.schoolKey} = ${ed.schoolKey}
        WHERE ${ed.userId} = ${me} AND ${ed.schoolKey} != '' AND ${od.userId} != ${me} GROUP BY ${od.userId}`,
      profileKnown,
    )}),
    skill AS (${onlyMembers(
      sql`SELECT ${ok.userId} AS id, COUNT(*) AS n
        FROM ${skills} ${sk} JOIN ${skills} ${ok} ON ${ok.nameKey} = ${sk.nameKey}
        WHERE ${sk.userId} = ${me} AND ${ok.userId} != ${me} GROUP BY ${ok.userId}`,
      profileKnown,
    )}),
    candidates AS (
      SELECT id FROM mutual UNION SELECT id FROM company UNION SELECT id FROM school UNION SELECT id FROM skill),
    scored AS (
      SELECT k.id AS candidateId, COALESCE(m.n, 0) AS mutual, COALESCE(co.n, 0) AS companies, co.name AS companyName,
        COALESCE(sc.n, 0) AS schools, sc.name AS schoolName, COALESCE(sk.n, 0) AS skills
      FROM candidates k
      LEFT JOIN mutual m ON m.id = k.id
      LEFT JOIN company co ON co.id = k.id
      LEFT JOIN school sc ON sc.id = k.id
      LEFT JOIN skill sk ON sk.id = k.id
      WHERE k.id NOT IN (SELECT id FROM mine)
        AND NOT EXISTS (SELECT 1 FROM ${connectionRequests} ${r}
          WHERE ${r.pairKey} = CASE WHEN k.id < ${me} THEN k.id || ':' || ${me} ELSE ${me} || ':' || k.id END
            AND ${r.status} IN ('PENDING', 'IGNORED') AND ${r.expiresAt} > ${p.now})
        AND ${notBlocked(me, sql`k.id`)})
    SELECT ${cardColumnsSql}, s.mutual, s.companies, s.companyName, s.schools, s.schoolName, s.skills,
      ${sql.raw(String(w.mutual))} * s.mutual + ${sql.raw(String(w.company))} * s.companies
        + ${sql.raw(String(w.school))} * s.schools + ${sql.raw(String(w.skill))} * MIN(s.skills, ${sql.raw(String(w.maxSkills))}) AS score
    FROM scored s
    JOIN ${users} ${u} ON ${u.id} = s.candidateId AND ${u.status} = 'ACTIVE'
    LEFT JOIN ${profiles} ${cp} ON ${cp.userId} = ${u.id}
    ORDER BY score DESC, ${u.id} DESC
    LIMIT ${p.limit}`;
});

export async function suggestions(deps: Deps, me: string, limit: number) {
  const rows = await suggestionsSql.all<SuggestionRow>(deps.env.DB, me, { now: deps.now, limit });
  return rows.map((r) => ({
    user: toCard(r),
    mutualConnections: r.mutual,
    reasons: [
      ...(r.mutual > 0 ? [{ type: "MUTUAL_CONNECTIONS" as const, count: r.mutual }] : []),
      ...(r.companies > 0
        ? [{ type: "SAME_COMPANY" as const, count: r.companies, name: r.companyName ?? undefined }]
        : []),
      ...(r.schools > 0
        ? [{ type: "SAME_SCHOOL" as const, count: r.schools, name: r.schoolName ?? undefined }]
        : []),
      ...(r.skills > 0 ? [{ type: "SHARED_SKILLS" as const, count: r.skills }] : []),
    ],
    score: r.score,
  }));
}
