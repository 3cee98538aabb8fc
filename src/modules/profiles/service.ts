import { and, desc, eq, gte, type SQL, sql } from "drizzle-orm";
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
import { profiles, profileViews, users } from "../../db/schema";
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
function pendingRequestSql(viewer: string, target: SQL, now: SQL): SQL {
  return sql`(SELECT CASE WHEN requester_id = ${viewer} THEN 'OUTGOING' ELSE 'INCOMING' END FROM connection_requests
    WHERE expires_at > ${now} AND ((requester_id = ${viewer} AND addressee_id = ${target} AND status IN ('PENDING', 'IGNORED'))
      OR (requester_id = ${target} AND addressee_id = ${viewer} AND status = 'PENDING'))
    ORDER BY id DESC LIMIT 1)`;
}

/** A JSON true/false from an SQL boolean, so the parsed row needs no conversion. */
const jsonBool = (condition: SQL | string) =>
  sql`json(CASE WHEN ${typeof condition === "string" ? sql.raw(condition) : condition} THEN 'true' ELSE 'false' END)`;

const EXPERIENCE_FIELDS = {
  id: "id",
  title: "title",
  company: "company",
  location: "location",
  employmentType: "employment_type",
  startDate: "start_date",
  endDate: "end_date",
  description: "description",
};
const EDUCATION_FIELDS = {
  id: "id",
  school: "school",
  degree: "degree",
  field: "field",
  startDate: "start_date",
  endDate: "end_date",
  description: "description",
};
const SKILL_FIELDS = { id: "id", name: "name", endorsementCount: "endorsement_count" };

/** JSON array of `columns` (API name → SQL column) from `table` rows of the member, in position order. */
function listJsonSql(table: string, columns: Record<string, string>, target: SQL, extra?: SQL): SQL {
  const fields = Object.entries(columns).map(([name, column]) => `'${name}', t.${column}`);
  return sql`(SELECT json_group_array(json_object(${sql.raw(fields.join(", "))}${extra ? sql`, ${extra}` : sql``}))
    FROM (SELECT * FROM ${sql.raw(table)} WHERE user_id = ${target} ORDER BY position) t)`;
}

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
    const target = sql`u.id`;
    const member = { id: target, visibility: sql`pr.visibility`, showConnections: sql`pr.show_connections` };
    const full = fullProfileVisibleSql(viewerId, member);
    const onlyIfFull = (list: SQL) => sql`CASE WHEN ${full} THEN json(${list}) ELSE json('[]') END`;
    const endorsedByMe = jsonBool(
      sql`EXISTS (SELECT 1 FROM endorsements e WHERE e.skill_id = t.id AND e.endorser_id = ${v})`,
    );
    return sql`SELECT json_object(
      'id', u.id, 'username', u.username, 'displayName', u.display_name, 'email', u.email, 'createdAt', u.created_at,
      'p', CASE WHEN pr.user_id IS NOT NULL THEN json_object(
        'headline', pr.headline, 'about', pr.about, 'location', pr.location, 'website', pr.website,
        'socialLinks', json(pr.social_links), 'translations', json(pr.translations),
        'certifications', json(pr.certifications), 'languages', json(pr.languages),
        'avatarUrl', pr.avatar_url, 'bannerUrl', pr.banner_url, 'visibility', pr.visibility,
        'showActivityStatus', ${jsonBool("pr.show_activity_status")}, 'allowMessages', pr.allow_messages,
        'showEmail', ${jsonBool("pr.show_email")}, 'showConnections', ${jsonBool("pr.show_connections")},
        'followerCount', pr.follower_count, 'followingCount', pr.following_count,
        'connectionCount', pr.connection_count, 'viewCount', pr.view_count) END,
      'blocked', ${jsonBool(blockedEitherWaySql(v, target))}, 'full', ${jsonBool(full)},
      'cardHeadline', ${cardHeadlineSql(viewerId, member, sql`pr.headline`)},
      'networkVisible', ${jsonBool(networkVisibleSql(viewerId, member))}, 'connected', ${jsonBool(connectedSql(v, target))},
      'following', ${jsonBool(followsUserSql(v, target))}, 'followedBy', ${jsonBool(followsUserSql(target, v))},
      'request', ${pendingRequestSql(v, target, p.now)},
      'experience', ${onlyIfFull(listJsonSql("experiences", EXPERIENCE_FIELDS, target))},
      'education', ${onlyIfFull(listJsonSql("educations", EDUCATION_FIELDS, target))},
      'skills', ${onlyIfFull(listJsonSql("skills", SKILL_FIELDS, target, sql`'endorsedByMe', ${endorsedByMe}`))}
    ) AS json
    FROM users u LEFT JOIN profiles pr ON pr.user_id = u.id
    WHERE u.id = ${profileRefSqlOf(kind, p)} AND u.status = 'ACTIVE'`;
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
