import { env } from "cloudflare:test";
import { post } from "../support/http";
import { createUser, type TestUser } from "../support/users";

/** An admin: the first admin is made in D1 (there is no one to grant it); everything else goes through the API. */
export async function createAdmin(): Promise<TestUser> {
  const admin = await createUser();
  await env.DB.prepare("UPDATE users SET role = 'admin' WHERE id = ?").bind(admin.id).run();
  return admin;
}

/** A member given a staff role by an admin, through the grant route. */
export async function createStaff(
  admin: TestUser,
  role: "support" | "moderator" | "admin",
): Promise<TestUser> {
  const user = await createUser();
  const res = await post(`/api/v1/admin/users/${user.id}/roles`, { role }, { token: admin.token });
  if (res.status !== 200) throw new Error(`grant failed: ${res.status} ${JSON.stringify(res.body)}`);
  return user;
}

export async function report(
  reporter: TestUser,
  type: string,
  id: string,
  category = "SPAM",
  details?: string,
) {
  return post(
    "/api/v1/reports",
    { type, id, category, ...(details ? { details } : {}) },
    { token: reporter.token },
  );
}

/** Reports a target and returns the id of its open case (from the queue, as a moderator sees it). */
export async function reportCase(reporter: TestUser, type: string, id: string): Promise<string> {
  const res = await report(reporter, type, id);
  if (res.status !== 201) throw new Error(`report failed: ${res.status} ${JSON.stringify(res.body)}`);
  const row = await env.DB.prepare("SELECT case_id AS caseId FROM reports WHERE id = ?")
    .bind(res.body.id)
    .first<{ caseId: string }>();
  return row!.caseId;
}

export function resolve(
  staff: TestUser,
  caseId: string,
  body: { resolution: "DISMISSED" | "ACTIONED"; action?: { kind: string; days?: number }; reason?: string },
) {
  return post(`/api/v1/admin/reports/${caseId}/resolve`, body, { token: staff.token });
}
