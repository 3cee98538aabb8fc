import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { call, del, get, post } from "../support/http";
import { createPost } from "../support/posts";
import { createUser, createUsers, type TestUser } from "../support/users";
import { createAdmin, createStaff, reportCase, resolve } from "./helpers";

type Who = "member" | "support" | "moderator" | "admin";

/** Every administrative route and the roles it admits: anyone else gets 403 in the error envelope. */
const ROUTES: { method: string; path: (ids: Ids) => string; body?: unknown; admits: Who[] }[] = [
  { method: "GET", path: () => "/api/v1/admin/reports", admits: ["support", "moderator", "admin"] },
  {
    method: "POST",
    path: (i) => `/api/v1/admin/reports/${i.caseId}/assign`,
    body: {},
    admits: ["moderator", "admin"],
  },
  {
    method: "POST",
    path: (i) => `/api/v1/admin/reports/${i.caseId}/resolve`,
    body: { resolution: "DISMISSED" },
    admits: ["moderator", "admin"],
  },
  {
    method: "POST",
    path: () => "/api/v1/admin/actions/01HZZZZZZZZZZZZZZZZZZZZZZZ/revoke",
    body: {},
    admits: ["moderator", "admin"],
  },
  {
    method: "POST",
    path: (i) => `/api/v1/admin/users/${i.memberId}/roles`,
    body: { role: "support" },
    admits: ["admin"],
  },
  { method: "DELETE", path: (i) => `/api/v1/admin/users/${i.memberId}/roles`, admits: ["admin"] },
  { method: "GET", path: () => "/api/v1/admin/audit", admits: ["admin"] },
  { method: "GET", path: () => "/api/v1/admin/audit.csv", admits: ["admin"] },
];
interface Ids {
  caseId: string;
  memberId: string;
}

describe("administrative routes: who may use them", () => {
  it("admits each role to exactly its routes", async () => {
    const admin = await createAdmin();
    const staff: Record<Who, TestUser> = {
      member: await createUser(),
      support: await createStaff(admin, "support"),
      moderator: await createStaff(admin, "moderator"),
      admin,
    };
    const shared = { caseId: await reportCaseFresh(), memberId: (await createUser()).id };
    for (const route of ROUTES) {
      for (const who of ["member", "support", "moderator", "admin"] as Who[]) {
        // A resolution closes its case: each admitted role resolves a case of its own.
        const fresh = route.path(shared).endsWith("/resolve") && route.admits.includes(who);
        const ids = fresh ? { ...shared, caseId: await reportCaseFresh() } : shared;
        const res = await call(route.method, route.path(ids), {
          token: staff[who].token,
          body: route.body,
          lang: "ar",
        });
        const label = `${who} ${route.method} ${route.path(ids)}`;
        if (route.admits.includes(who)) expect(res.status, label).not.toBe(403);
        else {
          expect(res.status, label).toBe(403);
          expect(res.body.error.code, label).toBe("FORBIDDEN");
          expect(res.body.error.message, label).toBe("غير مسموح لك بهذا الإجراء.");
        }
      }
      expect(
        (await call(route.method, route.path({ caseId: "x", memberId: "x" }), { body: route.body })).status,
      ).toBe(401);
    }
  });

  it("reads the current role from the database: a grant works at once, a revoke too", async () => {
    const admin = await createAdmin();
    const member = await createUser();
    expect((await get("/api/v1/admin/reports", { token: member.token })).status).toBe(403);
    const granted = await post(
      `/api/v1/admin/users/${member.id}/roles`,
      { role: "moderator" },
      { token: admin.token },
    );
    expect(granted.status).toBe(200);
    expect(granted.body).toEqual({ userId: member.id, role: "moderator" });
    expect((await get("/api/v1/admin/reports", { token: member.token })).status).toBe(200);
    expect(
      (await del(`/api/v1/admin/users/${member.id}/roles`, undefined, { token: admin.token })).status,
    ).toBe(200);
    expect((await get("/api/v1/admin/reports", { token: member.token })).status).toBe(403);
  });

  it("refuses bad role changes clearly", async () => {
    const admin = await createAdmin();
    const moderator = await createStaff(admin, "moderator");
    const member = await createUser();
    const byModerator = await post(
      `/api/v1/admin/users/${member.id}/roles`,
      { role: "admin" },
      { token: moderator.token },
    );
    expect(byModerator.status).toBe(403);
    const bad = await post(
      `/api/v1/admin/users/${member.id}/roles`,
      { role: "root" },
      { token: admin.token },
    );
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe("VALIDATION_ERROR");
    const missing = await post(
      "/api/v1/admin/users/01HZZZZZZZZZZZZZZZZZZZZZZZ/roles",
      { role: "support" },
      { token: admin.token },
    );
    expect(missing.status).toBe(404);
    const notHeld = await del(`/api/v1/admin/users/${member.id}/roles`, undefined, { token: admin.token });
    expect(notHeld.status).toBe(409);
    expect(notHeld.body.error.code).toBe("ROLE_NOT_HELD");
    const self = await del(`/api/v1/admin/users/${admin.id}/roles`, undefined, { token: admin.token });
    expect(self.status).toBe(400);
  });
});

let reportSeq = 0;
/** A fresh open case (each reporter may report a target once while it is open, so a fresh target each time). */
async function reportCaseFresh(): Promise<string> {
  reportSeq++;
  const [author, reporter] = await createUsers(2);
  const p = await createPost(author!, { content: `case ${reportSeq}` });
  return reportCase(reporter!, "post", p.id);
}

describe("the moderation queue", () => {
  it("assigns, resolves once, and refuses what no longer applies", async () => {
    const admin = await createAdmin();
    const moderator = await createStaff(admin, "moderator");
    const support = await createStaff(admin, "support");
    const [author, reporter] = await createUsers(2);
    const p = await createPost(author!);
    const caseId = await reportCase(reporter!, "post", p.id);

    const toSupport = await post(
      `/api/v1/admin/reports/${caseId}/assign`,
      { assigneeId: support.id },
      { token: admin.token },
    );
    expect(toSupport.status).toBe(400);
    expect(toSupport.body.error.code).toBe("NOT_STAFF");
    const assigned = await post(`/api/v1/admin/reports/${caseId}/assign`, {}, { token: moderator.token });
    expect(assigned.status).toBe(200);
    expect(assigned.body.assignedTo).toBe(moderator.id);

    const noAction = await resolve(moderator, caseId, { resolution: "ACTIONED" });
    expect(noAction.status).toBe(400);
    expect(noAction.body.error.code).toBe("ACTION_REQUIRED");
    const muteNoDays = await resolve(moderator, caseId, { resolution: "ACTIONED", action: { kind: "MUTE" } });
    expect(muteNoDays.status).toBe(400);

    const dismissed = await resolve(moderator, caseId, { resolution: "DISMISSED", reason: "لا مخالفة" });
    expect(dismissed.status).toBe(200);
    expect(dismissed.body).toMatchObject({ status: "DISMISSED", resolvedBy: moderator.id });
    const twice = await resolve(moderator, caseId, { resolution: "DISMISSED" });
    expect(twice.status).toBe(409);
    expect(twice.body.error.code).toBe("CASE_CLOSED");
    expect((await resolve(moderator, "01HZZZZZZZZZZZZZZZZZZZZZZZ", { resolution: "DISMISSED" })).status).toBe(
      404,
    );

    // Once the case is closed, the same member may report the target again.
    expect(
      (
        await post(
          "/api/v1/reports",
          { type: "post", id: p.id, category: "SPAM" },
          { token: reporter!.token },
        )
      ).status,
    ).toBe(201);
    const closed = await get("/api/v1/admin/reports?status=DISMISSED&limit=100", { token: support.token });
    expect(closed.body.data.some((c: { id: string }) => c.id === caseId)).toBe(true);
  });

  it("pages the queue with a cursor", async () => {
    const admin = await createAdmin();
    await reportCaseFresh();
    await reportCaseFresh();
    const first = await get("/api/v1/admin/reports?limit=1", { token: admin.token });
    expect(first.body.data).toHaveLength(1);
    const second = await get(`/api/v1/admin/reports?limit=1&cursor=${first.body.nextCursor}`, {
      token: admin.token,
    });
    expect(second.body.data[0].id).not.toBe(first.body.data[0].id);
    expect((await get("/api/v1/admin/reports?cursor=nonsense", { token: admin.token })).status).toBe(400);
  });

  it("a moderator cannot act on a moderator or an admin; an admin can act on a moderator", async () => {
    const admin = await createAdmin();
    const moderator = await createStaff(admin, "moderator");
    const other = await createStaff(admin, "moderator");
    const reporter = await createUser();
    const p = await createPost(other);
    const caseId = await reportCase(reporter, "post", p.id);
    const refused = await resolve(moderator, caseId, { resolution: "ACTIONED", action: { kind: "BAN" } });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe("ROLE_TOO_HIGH");
    const adminPost = await createPost(admin);
    const adminCase = await reportCase(reporter, "post", adminPost.id);
    expect(
      (await resolve(moderator, adminCase, { resolution: "ACTIONED", action: { kind: "WARN" } })).status,
    ).toBe(403);
    expect((await resolve(admin, caseId, { resolution: "ACTIONED", action: { kind: "WARN" } })).status).toBe(
      200,
    );
  });

  it("removing content that is already gone is a 409, not a 500; a member report has no content to remove", async () => {
    const admin = await createAdmin();
    const [author, reporter] = await createUsers(2);
    const p = await createPost(author!);
    const caseId = await reportCase(reporter!, "post", p.id);
    await env.DB.prepare("UPDATE posts SET deleted_at = ? WHERE id = ?").bind(Date.now(), p.id).run();
    const gone = await resolve(admin, caseId, { resolution: "ACTIONED", action: { kind: "REMOVE_CONTENT" } });
    expect(gone.status).toBe(409);
    expect(gone.body.error.code).toBe("TARGET_GONE");
    const userCase = await reportCase(reporter!, "user", author!.id);
    const noContent = await resolve(admin, userCase, {
      resolution: "ACTIONED",
      action: { kind: "REMOVE_CONTENT" },
    });
    expect(noContent.status).toBe(400);
    expect(noContent.body.error.code).toBe("NO_CONTENT_TO_REMOVE");
  });

  it("removes reported content as the author's own deletion would", async () => {
    const admin = await createAdmin();
    const moderator = await createStaff(admin, "moderator");
    const [author, reporter] = await createUsers(2);
    const p = await createPost(author!);
    const caseId = await reportCase(reporter!, "post", p.id);
    const done = await resolve(moderator, caseId, {
      resolution: "ACTIONED",
      action: { kind: "REMOVE_CONTENT" },
    });
    expect(done.status).toBe(200);
    expect((await get(`/api/v1/posts/${p.id}`, { token: author!.token })).status).toBe(404);
    const revoke = await post(
      `/api/v1/admin/actions/${done.body.actionId}/revoke`,
      {},
      { token: moderator.token },
    );
    expect(revoke.status).toBe(409);
    expect(revoke.body.error.code).toBe("ACTION_NOT_REVERSIBLE");
  });
});
