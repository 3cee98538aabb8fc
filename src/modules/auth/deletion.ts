import type { Deps } from "../../core/deps";
import { DAY } from "../../platform/clock";
import { AppError } from "../../platform/errors";
import { queueIndex } from "../search";
import { requireActiveUser } from "./account";
import { type ClientInfo, checkMemberPassword, explainRefusal, notLockedSql } from "./lockout";
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
  const deleted = await deps.env.DB.prepare(
    `UPDATE users SET status = 'DELETED', deleted_at = ?3, updated_at = ?3
    WHERE id = ?1 AND status = 'ACTIVE' AND password_hash = ?2 AND ${notLockedSql("users", "?3")}`,
  )
    .bind(userId, user.passwordHash, deps.now)
    .run();
  if (deleted.meta.changes !== 1) await explainRefusal(deps, userId, new AppError("INVALID_CREDENTIALS"));
  deps.waitUntil(queueIndex(deps.env, "people", userId));
  await revokeAllSessions(deps, userId, "ACCOUNT_DELETED");
}
