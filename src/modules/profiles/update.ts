import { and, eq, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { Deps } from "../../core/deps";
import { educations, endorsements, experiences, profiles, skills, users } from "../../db/schema";
import { newId } from "../../platform/ids";
import { normalizeKey } from "../../platform/text";
import { queueIndex } from "../search";
import type { FullProfile, UpdateProfileInput } from "./schemas";
import { getProfile } from "./service";

/** Keeps the first of several entries that share a normalized key. */
function dedupeBy<T>(items: T[], key: (item: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const k = key(item);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/**
 * PATCH /profiles/me: only the fields given change, a list given replaces the old list, and every write
 * happens in one batch (one transaction), so a failure leaves the profile as it was.
 * Skills are matched by normalized name: a skill that stays keeps its id and its endorsements; a skill
 * that goes loses its endorsements. Experience and education entries are replaced with new ids.
 */
export async function updateMyProfile(
  deps: Deps,
  userId: string,
  input: UpdateProfileInput,
): Promise<FullProfile> {
  const { db, now } = deps;
  const writes: BatchItem<"sqlite">[] = [
    // Members created before profiles existed (or by an import) get their row now.
    db.insert(profiles).values({ userId, updatedAt: now }).onConflictDoNothing(),
  ];

  if (input.displayName !== undefined) {
    writes.push(
      db.update(users).set({ displayName: input.displayName, updatedAt: now }).where(eq(users.id, userId)),
    );
  }

  const fields: Partial<typeof profiles.$inferInsert> = {};
  if (input.headline !== undefined) fields.headline = input.headline;
  if (input.about !== undefined) fields.about = input.about;
  if (input.location !== undefined) fields.location = input.location;
  if (input.website !== undefined) fields.website = input.website;
  if (input.socialLinks !== undefined) fields.socialLinks = input.socialLinks;
  if (input.translations !== undefined) {
    // Locales whose fields were all left out carry nothing: drop them.
    fields.translations = Object.fromEntries(
      Object.entries(input.translations).filter(([, t]) => Object.keys(t).length > 0),
    );
  }
  if (input.certifications !== undefined) fields.certifications = input.certifications;
  if (input.languages !== undefined) {
    fields.languages = dedupeBy(input.languages, (l) => normalizeKey(l.language));
  }
  if (input.privacy) Object.assign(fields, input.privacy);
  writes.push(
    db
      .update(profiles)
      .set({ ...fields, updatedAt: now })
      .where(eq(profiles.userId, userId)),
  );

  if (input.experience !== undefined) {
    writes.push(db.delete(experiences).where(eq(experiences.userId, userId)));
    input.experience.forEach((e, position) => {
      writes.push(
        db.insert(experiences).values({
          id: newId(now),
          userId,
          title: e.title,
          company: e.company,
          companyKey: normalizeKey(e.company),
          location: e.location ?? null,
          employmentType: e.employmentType ?? null,
          startDate: e.startDate,
          endDate: e.endDate ?? null,
          description: e.description ?? null,
          position,
        }),
      );
    });
  }

  if (input.education !== undefined) {
    writes.push(db.delete(educations).where(eq(educations.userId, userId)));
    input.education.forEach((e, position) => {
      writes.push(
        db.insert(educations).values({
          id: newId(now),
          userId,
          school: e.school,
          schoolKey: normalizeKey(e.school),
          degree: e.degree ?? null,
          field: e.field ?? null,
          startDate: e.startDate ?? null,
          endDate: e.endDate ?? null,
          description: e.description ?? null,
          position,
        }),
      );
    });
  }

  if (input.skills !== undefined) {
    const wanted = dedupeBy(
      input.skills.map((name) => ({ name, nameKey: normalizeKey(name) })),
      (s) => s.nameKey,
    ).filter((s) => s.nameKey.length > 0);
    const keys = wanted.map((s) => s.nameKey);
    // json_each keeps this one bound parameter however many skills there are (D1 allows 100 per query).
    const leaving = sql`${skills.nameKey} NOT IN (SELECT value FROM json_each(${JSON.stringify(keys)}))`;
    writes.push(
      db
        .delete(endorsements)
        .where(
          and(
            eq(endorsements.ownerId, userId),
            sql`${endorsements.skillId} IN (SELECT ${skills.id} FROM ${skills} WHERE ${skills.userId} = ${userId} AND ${leaving})`,
          ),
        ),
      db.delete(skills).where(and(eq(skills.userId, userId), leaving)),
    );
    wanted.forEach((s, position) => {
      writes.push(
        db
          .insert(skills)
          .values({ id: newId(now), userId, name: s.name, nameKey: s.nameKey, endorsementCount: 0, position })
          .onConflictDoUpdate({ target: [skills.userId, skills.nameKey], set: { name: s.name, position } }),
      );
    });
  }

  await db.batch(writes as [BatchItem<"sqlite">, ...BatchItem<"sqlite">[]]);
  deps.waitUntil(queueIndex(deps.env, "people", userId));
  return (await getProfile(deps, userId, userId)) as FullProfile;
}
