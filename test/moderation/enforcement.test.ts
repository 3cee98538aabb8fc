import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { runScheduled } from "../../src/core/cron";
import { DAY, systemClock } from "../../src/platform/clock";
import { follow } from "../support/graph";
import { get, post } from "../support/http";
import { comment, createPost, feed } from "../support/posts";
import { indexedPost, marker, searchIds } from "../support/search";
import { createUsers } from "../support/users";
import { createAdmin, createStaff, reportCase, resolve } from "./helpers";

async function setUp() {
  const admin = await createAdmin();
  const moderator = await createStaff(admin, "moderator");
  const [author, reporter, fan] = await createUsers(3);
  await follow(fan!, author!);
  return { admin, moderator, author: author!, reporter: reporter!, fan: fan! };
}

describe("actions are enforced by the access rules", () => {
  it("suspend: the member's posts are 404 for others, their token stops working; revoking gives both back", async () => {
    const { moderator, author, reporter, fan } = await setUp();
    const p = await createPost(author);
    const caseId = await reportCase(reporter, "user", author.id);
    const done = await resolve(moderator, caseId, {
      resolution: "ACTIONED",
      action: { kind: "SUSPEND", days: 3 },
    });
    expect(done.status).toBe(200);
    expect((await get(`/api/v1/posts/${p.id}`, { token: fan.token })).status).toBe(404);
    expect((await feed(fan)).data.map((x) => x.id)).not.toContain(p.id);
    const refused = await get("/api/v1/auth/me", { token: author.token });
    expect(refused.status).toBe(401);
    const login = await post(
      "/api/v1/auth/login",
      { identifier: author.username, password: author.password },
      { ip: author.ip },
    );
    expect(login.status).not.toBe(200);

    const revoked = await post(
      `/api/v1/admin/actions/${done.body.actionId}/revoke`,
      { reason: "خطأ" },
      { token: moderator.token },
    );
    expect(revoked.status).toBe(200);
    expect(revoked.body).toMatchObject({ kind: "SUSPEND", userId: author.id });
    expect(revoked.body.endedAt).not.toBeNull();
    expect((await get(`/api/v1/posts/${p.id}`, { token: fan.token })).status).toBe(200);
    const again = await post(
      `/api/v1/admin/actions/${done.body.actionId}/revoke`,
      {},
      { token: moderator.token },
    );
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe("ACTION_ENDED");
  });

  it("shadowban: the author still sees their post and comment, others get 404, feeds and search drop them", async () => {
    const { moderator, author, reporter, fan } = await setUp();
    const word = marker();
    const postId = await indexedPost(author, `منشور ${word}`);
    const other = await createPost(fan);
    const c = await comment(author, other.id, "تعليق مخفي");
    expect(await searchIds(fan, word, { type: "posts" })).toEqual([postId]);
    const caseId = await reportCase(reporter, "post", postId);
    const done = await resolve(moderator, caseId, { resolution: "ACTIONED", action: { kind: "SHADOWBAN" } });
    expect(done.status).toBe(200);

    expect((await get(`/api/v1/posts/${postId}`, { token: author.token })).status).toBe(200);
    expect((await get(`/api/v1/posts/${postId}`, { token: fan.token })).status).toBe(404);
    expect((await get(`/api/v1/posts/${postId}`)).status).toBe(404);
    expect((await feed(fan)).data.map((x) => x.id)).not.toContain(postId);
    expect(await searchIds(fan, word, { type: "posts" })).toEqual([]);
    expect(await searchIds(author, word, { type: "posts" })).toEqual([postId]);
    const seenByFan = await get(`/api/v1/posts/${other.id}/comments`, { token: fan.token });
    expect(seenByFan.body.data.map((x: { id: string }) => x.id)).not.toContain(c.id);
    const seenByAuthor = await get(`/api/v1/posts/${other.id}/comments`, { token: author.token });
    expect(seenByAuthor.body.data.map((x: { id: string }) => x.id)).toContain(c.id);
    // Nothing tells the author: their own token still works.
    expect((await get("/api/v1/auth/me", { token: author.token })).status).toBe(200);
  });

  it("mute: no posting, commenting or messaging until it ends; the rest still works", async () => {
    const { moderator, author, reporter, fan } = await setUp();
    const p = await createPost(author);
    const caseId = await reportCase(reporter, "post", p.id);
    const done = await resolve(moderator, caseId, {
      resolution: "ACTIONED",
      action: { kind: "MUTE", days: 1 },
    });
    expect(done.status).toBe(200);
    const refused = await post("/api/v1/posts", { content: "ممنوع" }, { token: author.token, lang: "ar" });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe("MUTED");
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    const other = await createPost(fan);
    expect(
      (await post(`/api/v1/posts/${other.id}/comments`, { content: "لا" }, { token: author.token })).status,
    ).toBe(403);
    expect((await get(`/api/v1/posts/${p.id}`, { token: fan.token })).status).toBe(200);
    await post(`/api/v1/admin/actions/${done.body.actionId}/revoke`, {}, { token: moderator.token });
    expect((await post("/api/v1/posts", { content: "مسموح الآن" }, { token: author.token })).status).toBe(
      201,
    );
  });

  it("the hourly cron lifts an action that has expired, and only then", async () => {
    const { moderator, author, reporter, fan } = await setUp();
    const p = await createPost(author);
    const caseId = await reportCase(reporter, "post", p.id);
    const done = await resolve(moderator, caseId, {
      resolution: "ACTIONED",
      action: { kind: "SUSPEND", days: 2 },
    });
    expect(done.status).toBe(200);
    const now = systemClock.now();
    await runScheduled(env, now + DAY, "test");
    expect((await get(`/api/v1/posts/${p.id}`, { token: fan.token })).status).toBe(404);
    await runScheduled(env, now + 2 * DAY + 1000, "test");
    expect((await get(`/api/v1/posts/${p.id}`, { token: fan.token })).status).toBe(200);
    const row = await env.DB.prepare(
      "SELECT ended_at AS endedAt, ended_by AS endedBy FROM moderation_actions WHERE id = ?",
    )
      .bind(done.body.actionId)
      .first<{ endedAt: number | null; endedBy: string | null }>();
    expect(row!.endedAt).not.toBeNull();
    expect(row!.endedBy).toBeNull();
  });
});

describe("the audit log", () => {
  it("records every staff action with actor, role, request id and before/after", async () => {
    const { admin, moderator, author, reporter } = await setUp();
    const p = await createPost(author);
    const caseId = await reportCase(reporter, "post", p.id);
    await post(`/api/v1/admin/reports/${caseId}/assign`, {}, { token: moderator.token });
    const done = await post(
      `/api/v1/admin/reports/${caseId}/resolve`,
      { resolution: "ACTIONED", action: { kind: "SHADOWBAN", days: 7 }, reason: "spam, again" },
      { token: moderator.token, headers: { "x-request-id": "req-audit-1" } },
    );
    expect(done.status).toBe(200);
    await post(`/api/v1/admin/actions/${done.body.actionId}/revoke`, {}, { token: moderator.token });

    const byModerator = await get(`/api/v1/admin/audit?actorId=${moderator.id}`, { token: admin.token });
    expect(byModerator.status).toBe(200);
    expect(byModerator.body.data.map((e: { action: string }) => e.action)).toEqual([
      "action.revoke",
      "report.actioned",
      "report.assign",
    ]);
    const resolved = byModerator.body.data[1];
    expect(resolved).toMatchObject({
      actorRole: "moderator",
      targetType: "report",
      targetId: caseId,
      reason: "spam, again",
      requestId: "req-audit-1",
      before: { status: "OPEN" },
    });
    expect(resolved.after.action).toMatchObject({ kind: "SHADOWBAN", userId: author.id });
    const grants = await get(`/api/v1/admin/audit?action=role.grant&targetId=${moderator.id}`, {
      token: admin.token,
    });
    expect(grants.body.data).toHaveLength(1);
    expect(grants.body.data[0]).toMatchObject({
      actorId: admin.id,
      before: { role: "member" },
      after: { role: "moderator" },
    });

    const page = await get(`/api/v1/admin/audit?actorId=${moderator.id}&limit=2`, { token: admin.token });
    const rest = await get(
      `/api/v1/admin/audit?actorId=${moderator.id}&limit=2&cursor=${page.body.nextCursor}`,
      {
        token: admin.token,
      },
    );
    expect(rest.body.data.map((e: { action: string }) => e.action)).toEqual(["report.assign"]);
    const future = new Date(Date.now() + DAY).toISOString();
    expect(
      (await get(`/api/v1/admin/audit?actorId=${moderator.id}&from=${future}`, { token: admin.token })).body
        .data,
    ).toEqual([]);
    expect((await get("/api/v1/admin/audit?from=yesterday", { token: admin.token })).status).toBe(400);
    const past = new Date(Date.now() - DAY).toISOString();
    expect(
      (await get(`/api/v1/admin/audit?actorId=${moderator.id}&until=${past}`, { token: admin.token })).body
        .data,
    ).toEqual([]);

    const csv = await get(`/api/v1/admin/audit.csv?actorId=${moderator.id}`, { token: admin.token });
    expect(csv.status).toBe(200);
    expect(csv.headers.get("content-type")).toContain("text/csv");
    const lines = String(csv.body).trim().split("\r\n");
    expect(lines[0]).toBe(
      "id,createdAt,actorId,actorRole,action,targetType,targetId,reason,requestId,before,after",
    );
    expect(lines).toHaveLength(4);
    expect(lines[2]).toContain('"spam, again"');
  });

  it("cannot be changed through the API", async () => {
    const { admin } = await setUp();
    const entries = await get("/api/v1/admin/audit?limit=1", { token: admin.token });
    const id = entries.body.data[0].id;
    for (const method of ["PUT", "PATCH", "DELETE"]) {
      for (const path of ["/api/v1/admin/audit", `/api/v1/admin/audit/${id}`]) {
        const { call } = await import("../support/http");
        const res = await call(method, path, { token: admin.token, body: {} });
        expect(res.status, `${method} ${path}`).toBe(404);
      }
    }
    const still = await env.DB.prepare("SELECT count(*) AS n FROM audit_log WHERE id = ?")
      .bind(id)
      .first<{ n: number }>();
    expect(still!.n).toBe(1);
  });
});
