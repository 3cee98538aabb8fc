import { sql } from "drizzle-orm";
import type { Deps } from "../../core/deps";
import { roleRank, type StaffRole } from "../../core/identity/actor";
import { users } from "../../db/schema";
import { changed, runBatch } from "../../platform/db/batch";
import { name } from "../../platform/db/statements";
import { AppError } from "../../platform/errors";
import { auditStatement, type Staff } from "./audit";

/**
 * Grants a staff role (admins only, declared on the route). A member holds one role, so the grant
 * replaces it; an admin cannot change their own role (the last admin cannot lock everyone out).
 */
export async function grantRole(deps: Deps, staff: Staff, userId: string, role: StaffRole) {
  return setRole(deps, staff, userId, role, "role.grant");
}

/** Revokes a member's staff role: they become a plain member again. */
export async function revokeRole(deps: Deps, staff: Staff, userId: string) {
  return setRole(deps, staff, userId, "member", "role.revoke");
}

async function setRole(deps: Deps, staff: Staff, userId: string, role: StaffRole | "member", action: string) {
  if (userId === staff.id) throw new AppError("CANNOT_TARGET_SELF");
  const { db, now } = deps;
  const current = await db.get<{ role: string }>(
    sql`SELECT ${users.role} AS role FROM ${users} WHERE ${users.id} = ${userId} AND ${users.status} != 'DELETED'`,
  );
  if (!current) throw new AppError("NOT_FOUND");
  if (role === "member" && roleRank(current.role) === 0) throw new AppError("ROLE_NOT_HELD");
  const results = await runBatch(db, [
    db.run(sql`UPDATE ${users} SET ${name(users.role)} = ${role}, ${name(users.updatedAt)} = ${now}
      WHERE ${users.id} = ${userId} AND ${users.role} = ${current.role}`),
    auditStatement(db, staff, now, {
      action,
      targetType: "user",
      targetId: userId,
      before: { role: current.role },
      after: { role },
    }),
  ]);
  if (changed(results[0]) === 0) throw new AppError("CONFLICT");
  return { userId, role };
}
