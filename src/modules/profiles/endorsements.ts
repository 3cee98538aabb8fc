import { and, eq, inArray, ne, not, or, type SQL, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { blockedEitherWaySql, connectedSql } from "../../core/access/members";
import type { Db } from "../../core/db";
import type { Deps } from "../../core/deps";
import { publishEvents } from "../../core/events";
import { endorsements, skills, users } from "../../db/schema";
import { AppError, notFound } from "../../platform/errors";
import { profileRefSql } from "./lookup";

/**
 * Skill endorsements: only a connection of the skill's owner may endorse, once per skill.
 * Every change recounts skills.endorsement_count from the rows in the same batch, so the count is exact
 * whatever the interleaving. Each call is one D1 round trip: the write is guarded by every rule, and a
 * read in the same batch explains a refusal (404 / 400 self / 403 not connected / 409 already).
 */

export interface EndorsementState {
  skillId: string;
  endorsementCount: number;
  endorsedByMe: boolean;
}

/** Sets a skill's counter to the number of its endorsement rows. */
const recount = (db: Db, skillId: string) =>
  db
    .update(skills)
    .set({
      endorsementCount: sql`(SELECT COUNT(*) FROM ${endorsements} WHERE ${endorsements.skillId} = ${skillId})`,
    })
    .where(eq(skills.id, skillId));

const activeOwner = and(eq(users.id, skills.userId), eq(users.status, "ACTIVE"));

/** The skill as the actor sees it; no row when the skill, its active owner and the profile do not match. */
function skillState(db: Db, target: SQL, skillId: string, actorId: string) {
  return db
    .select({
      ownerId: skills.userId,
      name: skills.name,
      count: skills.endorsementCount,
      blocked: sql<number>`${blockedEitherWaySql(actorId, skills.userId)}`,
      connected: sql<number>`${connectedSql(actorId, skills.userId)}`,
    })
    .from(skills)
    .innerJoin(users, activeOwner)
    .where(and(eq(skills.id, skillId), eq(skills.userId, target)));
}

function resolve(ref: string): SQL {
  const target = profileRefSql(ref);
  if (!target) throw notFound();
  return target;
}

export async function endorse(
  deps: Deps,
  ref: string,
  skillId: string,
  actorId: string,
): Promise<EndorsementState> {
  const { db, now } = deps;
  const target = resolve(ref);
  // The insert re-checks every rule itself, so a concurrent block or disconnect cannot slip through.
  const eligible = db
    .select({
      skillId: skills.id,
      endorserId: sql<string>`${actorId}`.as("endorser_id"),
      ownerId: skills.userId,
      createdAt: sql<number>`${now}`.as("created_at"),
    })
    .from(skills)
    .innerJoin(users, activeOwner)
    .where(
      and(
        eq(skills.id, skillId),
        eq(skills.userId, target),
        ne(skills.userId, actorId),
        connectedSql(actorId, skills.userId),
        not(blockedEitherWaySql(actorId, skills.userId)),
      ),
    );
  const [inserted, , [state]] = await db.batch([
    db
      .insert(endorsements)
      .select(eligible)
      .onConflictDoNothing()
      .returning({ skillId: endorsements.skillId }),
    recount(db, skillId),
    skillState(db, target, skillId, actorId),
  ]);
  if (!state || state.blocked) throw notFound();
  if (inserted.length === 0) {
    if (state.ownerId === actorId) throw new AppError("CANNOT_TARGET_SELF");
    if (!state.connected) throw new AppError("NOT_CONNECTED");
    throw new AppError("ALREADY_EXISTS");
  }
  await publishEvents(deps.env, [
    {
      key: `endorsement:${skillId}:${actorId}`,
      event: {
        type: "endorsement",
        actorId,
        recipientId: state.ownerId,
        target: { type: "skill", id: skillId },
        data: { skillName: state.name },
        at: now,
      },
    },
  ]);
  return { skillId, endorsementCount: state.count, endorsedByMe: true };
}

/** Withdrawing needs no connection (members may have disconnected since). Idempotent. */
export async function withdrawEndorsement(
  deps: Deps,
  ref: string,
  skillId: string,
  actorId: string,
): Promise<EndorsementState> {
  const { db } = deps;
  const target = resolve(ref);
  const [, , [state]] = await db.batch([
    db
      .delete(endorsements)
      .where(
        and(
          eq(endorsements.skillId, skillId),
          eq(endorsements.endorserId, actorId),
          eq(endorsements.ownerId, target),
          not(blockedEitherWaySql(actorId, endorsements.ownerId)),
        ),
      ),
    recount(db, skillId),
    skillState(db, target, skillId, actorId),
  ]);
  if (!state || state.blocked) throw notFound();
  return { skillId, endorsementCount: state.count, endorsedByMe: false };
}

/**
 * For the block service: statements (to add to its batch) that remove endorsements between two members
 * in both directions and recount the affected skills.
 */
/** What a block removes in profiles: endorsements both ways, with the skills' counts recounted. */
export function endorsementsBetweenStatements(db: Db, a: string, b: string): BatchItem<"sqlite">[] {
  return [
    db
      .delete(endorsements)
      .where(
        or(
          and(eq(endorsements.endorserId, a), eq(endorsements.ownerId, b)),
          and(eq(endorsements.endorserId, b), eq(endorsements.ownerId, a)),
        ),
      ),
    db
      .update(skills)
      .set({
        endorsementCount: sql`(SELECT COUNT(*) FROM ${endorsements} WHERE ${endorsements.skillId} = ${skills.id})`,
      })
      .where(inArray(skills.userId, [a, b])),
  ];
}
