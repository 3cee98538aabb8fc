import { and, eq } from "drizzle-orm";
import type { Deps } from "../../core/deps";
import { users } from "../../db/schema";
import { DAY } from "../../platform/clock";
import { AppError } from "../../platform/errors";
import { queueIndex } from "../search";
import { requireActiveUser } from "./account";
import { type ClientInfo, checkMemberPassword, explainRefusal, notLocked } from "./lockout";
import { revokeAllSessions } from "./sessions";

export const ACCOUNT_PURGE_AFTER_MS = 30 * DAY;

/**
 * Soft delete: hidden at once, sessions revoked, rows purged by the daily cron after 30 days. The
 * password check is the same as for changing the password (refused while locked, failures counted);
 * the route limits attempts per member.
 */
export async function deleteAccount(
  deps: Deps,
  userId: string,
  password: string,
  client: ClientInfo,
): Promise<void> {
  const user = await requireActiveUser(deps, userId);
  await checkMemberPassword(deps, user, password, client, "DELETE_ACCOUNT");
  const { now } = deps;
  const deleted = await deps.db
    .update(users)
    .set({ status: "DELETED", deletedAt: now, updatedAt: now })
    .where(
      and(
        eq(users.id, userId),
        eq(users.status, "ACTIVE"),
        eq(users.passwordHash, user.passwordHash),
        notLocked(users.lockedUntil, now),
      ),
    )
    .run();
  if (deleted.meta.changes !== 1) await explainRefusal(deps, userId, new AppError("INVALID_CREDENTIALS"));
  deps.waitUntil(queueIndex(deps.env, "people", userId));
  await revokeAllSessions(deps, userId, "ACCOUNT_DELETED");
}
