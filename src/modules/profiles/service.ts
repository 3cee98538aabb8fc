import { and, desc, eq, gte, type SQL, sql } from "drizzle-orm";
import { alias, type SQLiteColumn } from "drizzle-orm/sqlite-core";
import {
  activeUserSql,
  blockedEitherWaySql,
  cardHeadlineSql,
  connectedSql,
  followsUserSql,
  fullProfileVisibleSql,
  networkVisibleSql,
  notBlocked,
} from "../../core/access/members";
import { type UserCard, userCardColumns } from "../../core/cards";
import type { Deps } from "../../core/deps";
import { publishEvents } from "../../core/events";
import {
  connectionRequests,
  educations,
  endorsements,
  experiences,
  profiles,
  profileViews,
  skills,
  users,
} from "../../db/schema";
import { DAY, isoAt } from "../../platform/clock";
import { CompiledSql } from "../../platform/db/compiled";
import { notFound } from "../../platform/errors";
import { completeness } from "./completeness";
import { type ProfileRefKind, profileRef, profileRefSqlOf } from "./lookup";
import type { FullProfile, LimitedProfile } from "./schemas";

/**
 * Reading profiles. Who sees what is decided by the rules of core/access/members.ts, evaluated in the statement:
 * - the full profile when `fullProfileVisibleSql` allows it (the owner; PUBLIC: everyone, signed in or not;
 *   CONNECTIONS: connections; PRIVATE: nobody else). Experience, education and skills are not even read
 *   for anyone else;
 * - everyone else gets the limited profile, which is the member's card (id, username, displayName,
 *   avatarUrl, the headline as `cardHeadlineSql` allows it, limited: true) with their relationship;
 * - a block in either direction, or a deleted/suspended account, is 404.
 * The owner also gets email, privacy settings, view count and completeness. The email is shown to others
 * only when showEmail is on, the viewer is signed in and sees the full profile; connectionCount is null
 * when `networkVisibleSql` hides the member's network from the viewer.
 */

/** OUTGOING: the viewer asked (an ignored request still looks pending to its sender); INCOMING: was asked. */
function pendingRequestSql(viewer: string, target: SQL | SQLiteColumn, now: SQL): SQL {
  const r = connectionRequests;
  return sql`(SELECT CASE WHEN ${r.requesterId} = ${viewer} THEN 'OUTGOING' ELSE 'INCOMING' END FROM ${r}
    WHERE ${r.expiresAt} > ${now} AND ((${r.requesterId} = ${viewer} AND ${r.addresseeId} = ${target}
        AND ${r.status} IN ('PENDING', 'IGNORED'))
      OR (${r.requesterId} = ${target} AND ${r.addresseeId} = ${viewer} AND ${r.status} = 'PENDING'))
    ORDER BY ${r.id} DESC LIMIT 1)`;
}

/** A JSON true/false from an SQL boolean, so the parsed row needs no conversion. */
const jsonBool = (condition: SQL | SQLiteColumn) =>
  sql`json(CASE WHEN ${condition} THEN 'true' ELSE 'false' END)`;

const e = experiences;
const EXPERIENCE_FIELDS = {
  id: e.id,
  title: e.title,
  company: e.company,
  location: e.location,
  employmentType: e.employmentType,
  startDate: e.startDate,
  endDate: e.endDate,
  description: e.description,
};
const ed = educations;
const EDUCATION_FIELDS = {
  id: ed.id,
  school: ed.school,
  degree: ed.degree,
  field: ed.field,
  startDate: ed.startDate,
  endDate: ed.endDate,
  description: ed.description,
};
const SKILL_FIELDS = { id: skills.id, name: skills.name, endorsementCount: skills.endorsementCount };

/** A table of a member's list (experience, education, skills): its owner and its order. */
type MemberList = typeof experiences | typeof educations | typeof skills;

/**
 * JSON array of `columns` (API name → column of `table`) from `table` rows of the member, in position
 * order. The rows are the derived table `t` (so `extra` may name `t.id`).
 */
function listJsonSql(
  table: MemberList,
  columns: Record<string, SQLiteColumn>,
  target: SQL | SQLiteColumn,
  extra?: SQL,
): SQL {
  const fields = sql.join(
    Object.entries(columns).map(
      ([key, column]) => sql`${sql.raw(`'${key}'`)}, t.${sql.identifier(column.name)}`,
    ),
    sql`, `,
  );
  return sql`(SELECT json_group_array(json_object(${fields}${extra ? sql`, ${extra}` : sql``}))
    FROM (SELECT * FROM ${table} WHERE ${table.userId} = ${target} ORDER BY ${table.position}) t)`;
}

/** The member and profile rows of the profile statement. */
const u = alias(users, "u");
const pr = alias(profiles, "pr");

interface ProfileRow {
  id: string;
  username: string;
  displayName: string;
  email: string;
  createdAt: number;
  p: Omit<typeof profiles.$inferSelect, "userId" | "updatedAt"> | null;
  blocked: boolean;
  full: boolean;
  cardHeadline: string | null;
  networkVisible: boolean;
  connected: boolean;
  following: boolean;
  followedBy: boolean;
  request: "OUTGOING" | "INCOMING" | null;
  experience: FullProfile["experience"];
  education: FullProfile["education"];
  skills: FullProfile["skills"];
}

/**
 * All of a profile in one statement (compiled once, src/platform/db/compiled.ts): member, profile, relationship,
 * experience, education and skills as one JSON value. An anonymous viewer is "" here: no row matches it,
 * so every relationship flag is false.
 */
const profileById = new CompiledSql<{ asId: string; asUsername: string; now: number }, ProfileRefKind>(
  (viewerId, p, kind) => {
    const v = viewerId ?? "";
    const target = u.id;
    const member = { id: target, visibility: pr.visibility, showConnections: pr.showConnections };
    const full = fullProfileVisibleSql(viewerId, member);
    const onlyIfFull = (list: SQL) => sql`CASE WHEN ${full} THEN json(${list}) ELSE json('[]') END`;
    const endorsedByMe = jsonBool(
      sql`EXISTS (SELECT 1 FROM ${endorsements} WHERE ${endorsements.skillId} = t.id AND ${endorsements.endorserId} = ${v})`,
    );
    return sql`SELECT json_object(
      'id', ${u.id}, 'username', ${u.username}, 'displayName', ${u.displayName}, 'email', ${u.email},
      'createdAt', ${u.createdAt},
      'p', CASE WHEN ${pr.userId} IS NOT NULL THEN json_object(
        'headline', ${pr.headline}, 'about', ${pr.about}, 'location', ${pr.location}, 'website', ${pr.website},
        'socialLinks', json(${pr.socialLinks}), 'translations', json(${pr.translations}),
        'certifications', json(${pr.certifications}), 'languages', json(${pr.languages}),
        'avatarUrl', ${pr.avatarUrl}, 'bannerUrl', ${pr.bannerUrl}, 'visibility', ${pr.visibility},
        'showActivityStatus', ${jsonBool(pr.showActivityStatus)}, 'allowMessages', ${pr.allowMessages},
        'showEmail', ${jsonBool(pr.showEmail)}, 'showConnections', ${jsonBool(pr.showConnections)},
        'followerCount', ${pr.followerCount}, 'followingCount', ${pr.followingCount},
        'connectionCount', ${pr.connectionCount}, 'viewCount', ${pr.viewCount}) END,
      'blocked', ${jsonBool(blockedEitherWaySql(v, target))}, 'full', ${jsonBool(full)},
      'cardHeadline', ${cardHeadlineSql(viewerId, member, pr.headline)},
      'networkVisible', ${jsonBool(networkVisibleSql(viewerId, member))}, 'connected', ${jsonBool(connectedSql(v, target))},
      'following', ${jsonBool(followsUserSql(v, target))}, 'followedBy', ${jsonBool(followsUserSql(target, v))},
      'request', ${pendingRequestSql(v, target, p.now)},
      'experience', ${onlyIfFull(listJsonSql(experiences, EXPERIENCE_FIELDS, target))},
      'education', ${onlyIfFull(listJsonSql(educations, EDUCATION_FIELDS, target))},
      'skills', ${onlyIfFull(listJsonSql(skills, SKILL_FIELDS, target, sql`'endorsedByMe', ${endorsedByMe}`))}
    ) AS json
    FROM ${users} ${u} LEFT JOIN ${profiles} ${pr} ON ${pr.userId} = ${u.id}
    WHERE ${u.id} = ${profileRefSqlOf(kind, p)} AND ${u.status} = 'ACTIVE'`;
  },
);

export type ProfileView = FullProfile | LimitedProfile;

export async function getProfile(
  deps: Deps,
  ref: string,
  viewerId: string | undefined,
): Promise<ProfileView> {
  const target = profileRef(ref);
  if (!target) throw notFound();
  const json = await profileById.first<{ json: string }>(
    deps.env.DB,
    viewerId,
    { ...target.values, now: deps.now },
    target.kind,
  );
  if (!json) throw notFound();
  const row = JSON.parse(json.json) as ProfileRow;
  if (row.blocked) throw notFound();
  const { experience, education, skills } = row;
  const p = row.p;
  const isSelf = viewerId === row.id;
  const visibility = p?.visibility ?? "PUBLIC";
  const relationship = {
    isSelf,
    following: row.following,
    followedBy: row.followedBy,
    connected: row.connected,
    connectionRequest: row.request,
  };
  if (viewerId && !isSelf) deps.waitUntil(recordView(deps, row.id, viewerId));

  if (!row.full) {
    return {
      limited: true,
      id: row.id,
      username: row.username,
      displayName: row.displayName,
      avatarUrl: p?.avatarUrl ?? null,
      headline: row.cardHeadline ?? null,
      relationship,
    };
  }

  const profile: FullProfile = {
    limited: false,
    id: row.id,
    username: row.username,
    displayName: row.displayName,
    headline: p?.headline ?? null,
    about: p?.about ?? null,
    location: p?.location ?? null,
    website: p?.website ?? null,
    socialLinks: p?.socialLinks ?? [],
    translations: p?.translations ?? {},
    avatarUrl: p?.avatarUrl ?? null,
    bannerUrl: p?.bannerUrl ?? null,
    experience,
    education,
    skills,
    certifications: p?.certifications ?? [],
    languages: p?.languages ?? [],
    followerCount: p?.followerCount ?? 0,
    followingCount: p?.followingCount ?? 0,
    connectionCount: row.networkVisible ? (p?.connectionCount ?? 0) : null,
    createdAt: isoAt(row.createdAt),
    relationship,
  };
  if (isSelf || (viewerId && p?.showEmail)) profile.email = row.email;
  if (isSelf) {
    profile.viewCount = p?.viewCount ?? 0;
    profile.privacy = {
      visibility,
      showActivityStatus: p?.showActivityStatus ?? true,
      allowMessages: p?.allowMessages ?? "EVERYONE",
      showEmail: p?.showEmail ?? false,
      showConnections: p?.showConnections ?? true,
    };
    profile.completeness = completeness(profile);
  }
  return profile;
}

const utcDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/**
 * One view per viewer per profile per UTC day. The counter moves only when this batch inserted the day's
 * row (`changes()` reads the INSERT just before it, in the same transaction), so it equals the rows.
 */
export async function recordView(deps: Deps, viewedId: string, viewerId: string): Promise<void> {
  const { db, now } = deps;
  const day = utcDay(now);
  const [inserted] = await db.batch([
    db
      .insert(profileViews)
      .values({ viewedId, viewerId, day, createdAt: now })
      .onConflictDoNothing()
      .returning({ day: profileViews.day }),
    db
      .update(profiles)
      .set({ viewCount: sql`${profiles.viewCount} + 1` })
      .where(and(eq(profiles.userId, viewedId), sql`changes() = 1`)),
  ]);
  if (inserted.length === 0) return;
  await publishEvents(deps.env, [
    {
      key: `profile_view:${viewedId}:${viewerId}:${day}`,
      event: { type: "profile_view", actorId: viewerId, recipientId: viewedId, at: now },
    },
  ]);
}

export const VIEWS_WINDOW_MS = 90 * DAY;
export const RECENT_VIEWERS = 20;

/** The owner's view statistics: all-time count, last 90 days, and the latest distinct viewers one may see. */
export async function getMyViews(deps: Deps, userId: string) {
  const { db, now } = deps;
  const since = now - VIEWS_WINDOW_MS;
  const lastViewed = sql<number>`MAX(${profileViews.createdAt})`;
  const [[totals], [window], recent] = await db.batch([
    db.select({ total: profiles.viewCount }).from(profiles).where(eq(profiles.userId, userId)),
    db
      .select({ count: sql<number>`COUNT(*)` })
      .from(profileViews)
      .where(and(eq(profileViews.viewedId, userId), gte(profileViews.createdAt, since))),
    db
      .select({ ...userCardColumns, viewedAt: lastViewed })
      .from(profileViews)
      .innerJoin(users, eq(users.id, profileViews.viewerId))
      .leftJoin(profiles, eq(profiles.userId, users.id))
      .where(
        and(
          eq(profileViews.viewedId, userId),
          gte(profileViews.createdAt, since),
          activeUserSql(profileViews.viewerId),
          notBlocked(userId, profileViews.viewerId),
        ),
      )
      .groupBy(profileViews.viewerId)
      .orderBy(desc(lastViewed))
      .limit(RECENT_VIEWERS),
  ]);
  return {
    total: totals?.total ?? 0,
    last90Days: window?.count ?? 0,
    recentViewers: recent.map(({ viewedAt, ...user }) => ({
      user: user as UserCard,
      viewedAt: isoAt(viewedAt),
    })),
  };
}
