import { eq, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { Deps } from "../../core/deps";
import { userPreferences, users } from "../../db/schema";
import { isoAt } from "../../platform/clock";
import { notFound } from "../../platform/errors";
import type { UpdatePreferencesInput } from "./schemas";

/**
 * Member preferences. The locale is also mirrored into users.locale, which
 * emails and other background work read. A member without a preferences row sees the defaults.
 */
export async function getPreferences(deps: Deps, userId: string) {
  const [row] = await deps.db
    .select({
      theme: userPreferences.theme,
      feedSort: userPreferences.feedSort,
      locale: users.locale,
      updatedAt: sql<number>`COALESCE(${userPreferences.updatedAt}, ${users.updatedAt})`,
    })
    .from(users)
    .leftJoin(userPreferences, eq(userPreferences.userId, users.id))
    .where(eq(users.id, userId));
  if (!row) throw notFound();
  return {
    theme: row.theme ?? "SYSTEM",
    feedSort: row.feedSort ?? "RELEVANCE",
    locale: row.locale,
    updatedAt: isoAt(row.updatedAt),
  };
}

export async function updatePreferences(deps: Deps, userId: string, input: UpdatePreferencesInput) {
  const { db, now } = deps;
  const set = { ...input, updatedAt: now };
  const writes: BatchItem<"sqlite">[] = [
    db
      .insert(userPreferences)
      .values({ userId, ...set })
      .onConflictDoUpdate({ target: userPreferences.userId, set }),
  ];
  if (input.locale !== undefined) {
    writes.push(db.update(users).set({ locale: input.locale, updatedAt: now }).where(eq(users.id, userId)));
  }
  await db.batch(writes as [BatchItem<"sqlite">, ...BatchItem<"sqlite">[]]);
  return getPreferences(deps, userId);
}
