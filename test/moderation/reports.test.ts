import { describe, expect, it } from "vitest";
import { block } from "../support/graph";
import { get, post } from "../support/http";
import { createPost, deletePost } from "../support/posts";
import { createUser, createUsers } from "../support/users";
import { createAdmin, createStaff, report } from "./helpers";

describe("POST /api/v1/reports", () => {
  it("files a report and opens one case per target, with the target as it was", async () => {
    const [author, a, b] = await createUsers(3);
    const p = await createPost(author!, { content: "محتوى مسيء للاختبار" });
    const res = await report(a!, "post", p.id, "HARASSMENT", "  يسيء إلى الأعضاء  ");
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ type: "post", targetId: p.id, category: "HARASSMENT", status: "OPEN" });
    expect(res.body.details).toBe("يسيء إلى الأعضاء");
    expect((await report(b!, "post", p.id, "SPAM")).status).toBe(201);

    const admin = await createAdmin();
    const queue = await get("/api/v1/admin/reports?limit=100", { token: admin.token });
    expect(queue.status).toBe(200);
    const kase = queue.body.data.find((c: { targetId: string }) => c.targetId === p.id);
    expect(kase).toMatchObject({ type: "post", ownerId: author!.id, reportCount: 2, status: "OPEN" });
    expect(kase.snapshot).toMatchObject({ id: p.id, authorId: author!.id, content: "محتوى مسيء للاختبار" });
    expect(kase.reports.map((r: { reporterId: string }) => r.reporterId)).toEqual([a!.id, b!.id]);
  });

  it("keeps the evidence when the author deletes the reported post", async () => {
    const [author, reporter] = await createUsers(2);
    const p = await createPost(author!, { content: "سأحذف هذا بعد قليل" });
    expect((await report(reporter!, "post", p.id)).status).toBe(201);
    await deletePost(author!, p.id);
    const admin = await createAdmin();
    const queue = await get("/api/v1/admin/reports?limit=100", { token: admin.token });
    const kase = queue.body.data.find((c: { targetId: string }) => c.targetId === p.id);
    expect(kase.snapshot.content).toBe("سأحذف هذا بعد قليل");
  });

  it("reports members and comments too", async () => {
    const [author, reporter] = await createUsers(2);
    const p = await createPost(author!);
    const c = await post(
      `/api/v1/posts/${p.id}/comments`,
      { content: "تعليق مزعج" },
      { token: author!.token },
    );
    expect((await report(reporter!, "comment", c.body.id, "SPAM")).status).toBe(201);
    expect((await report(reporter!, "user", author!.id, "IMPERSONATION")).status).toBe(201);
  });

  it("reports a conversation message by conversation id and seq, read as the reporter sees it", async () => {
    const { connect } = await import("../support/graph");
    const { directConversation, sendHttp } = await import("../support/conversations");
    const [sender, reader, outsider] = await createUsers(3);
    await connect(sender!, reader!);
    const conversationId = await directConversation(sender!, reader!);
    const m = await sendHttp(sender!, conversationId, "رسالة مسيئة");
    const res = await post(
      "/api/v1/reports",
      { type: "message", id: conversationId, seq: m.seq, category: "HARASSMENT" },
      { token: reader!.token },
    );
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ type: "message", targetId: `${conversationId}:${m.seq}` });
    const outside = await post(
      "/api/v1/reports",
      { type: "message", id: conversationId, seq: m.seq, category: "SPAM" },
      { token: outsider!.token },
    );
    expect(outside.status).toBe(404);
    const own = await post(
      "/api/v1/reports",
      { type: "message", id: conversationId, seq: m.seq, category: "SPAM" },
      { token: sender!.token },
    );
    expect(own.body.error.code).toBe("CANNOT_REPORT_SELF");
    const missing = await post(
      "/api/v1/reports",
      { type: "message", id: conversationId, seq: 999, category: "SPAM" },
      { token: reader!.token },
    );
    expect(missing.status).toBe(404);
    const admin = await createAdmin();
    const queue = await get("/api/v1/admin/reports?limit=100", { token: admin.token });
    const kase = queue.body.data.find(
      (c: { targetId: string }) => c.targetId === `${conversationId}:${m.seq}`,
    );
    expect(kase).toMatchObject({ type: "message", ownerId: sender!.id });
    expect(kase.snapshot).toMatchObject({ senderId: sender!.id, text: "رسالة مسيئة", seq: m.seq });
  });

  it("refuses a second open report of the same target by the same member", async () => {
    const [author, reporter] = await createUsers(2);
    const p = await createPost(author!);
    expect((await report(reporter!, "post", p.id)).status).toBe(201);
    const again = await report(reporter!, "post", p.id, "OTHER");
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe("ALREADY_REPORTED");
    const both = await Promise.all([
      report(reporter!, "user", author!.id),
      report(reporter!, "user", author!.id),
    ]);
    expect(both.map((r) => r.status).sort()).toEqual([201, 409]);
  });

  it("answers 404 for what the reporter cannot see: blocked, deleted, private", async () => {
    const [author, reporter, blocker] = await createUsers(3);
    const hidden = await createPost(author!, { visibility: "PRIVATE" });
    expect((await report(reporter!, "post", hidden.id)).status).toBe(404);
    const gone = await createPost(author!);
    await deletePost(author!, gone.id);
    expect((await report(reporter!, "post", gone.id)).status).toBe(404);
    const visible = await createPost(blocker!);
    await block(blocker!, reporter!);
    expect((await report(reporter!, "post", visible.id)).status).toBe(404);
    expect((await report(reporter!, "user", blocker!.id)).status).toBe(404);
    expect((await report(reporter!, "user", "01HZZZZZZZZZZZZZZZZZZZZZZZ")).status).toBe(404);
  });

  it("refuses bad input in the error envelope, in Arabic too", async () => {
    const [author, reporter] = await createUsers(2);
    const p = await createPost(author!);
    const self = await report(author!, "post", p.id);
    expect(self.status).toBe(400);
    expect(self.body.error.code).toBe("CANNOT_REPORT_SELF");
    expect((await report(reporter!, "user", reporter!.id)).body.error.code).toBe("CANNOT_REPORT_SELF");
    const unknown = await post(
      "/api/v1/reports",
      { type: "hashtag", id: "x", category: "SPAM" },
      { token: reporter!.token, lang: "ar" },
    );
    expect(unknown.status).toBe(400);
    expect(unknown.body.error).toMatchObject({
      code: "NOT_REPORTABLE",
      message: "لا يمكن الإبلاغ عن هذا النوع من المحتوى.",
    });
    expect((await report(reporter!, "post", p.id, "RUDE")).status).toBe(400);
    expect((await report(reporter!, "post", p.id, "SPAM", "x".repeat(501))).status).toBe(400);
    expect((await post("/api/v1/reports", { type: "post", id: p.id, category: "SPAM" })).status).toBe(401);
  });

  it("shares the 10-a-day budget with blocks, with Retry-After", async () => {
    const reporter = await createUser();
    const others = await createUsers(11);
    for (const o of others.slice(0, 5)) await block(reporter, o);
    for (const o of others.slice(5, 10)) expect((await report(reporter, "user", o.id)).status).toBe(201);
    const refused = await report(reporter, "user", others[10]!.id);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    const blockRefused = await post(`/api/v1/users/${others[10]!.id}/block`, undefined, {
      token: reporter.token,
    });
    expect(blockRefused.status).toBe(429);
  });

  it("tells the reporter the outcome, and the member the action without naming the reporter", async () => {
    const [author, reporter] = await createUsers(2);
    const p = await createPost(author!);
    const admin = await createAdmin();
    const moderator = await createStaff(admin, "moderator");
    const res = await report(reporter!, "post", p.id);
    const queue = await get("/api/v1/admin/reports?limit=100", { token: moderator.token });
    const kase = queue.body.data.find((c: { targetId: string }) => c.targetId === p.id);
    expect(res.status).toBe(201);
    const done = await post(
      `/api/v1/admin/reports/${kase.id}/resolve`,
      { resolution: "ACTIONED", action: { kind: "WARN" } },
      { token: moderator.token },
    );
    expect(done.status).toBe(200);
    const { waitForNotifications } = await import("../support/notifications");
    const toReporter = await waitForNotifications(reporter!, (l) =>
      l.some((n) => n.type === "report_resolved"),
    );
    expect(toReporter.find((n) => n.type === "report_resolved")!.text).toContain("took action");
    const toAuthor = await waitForNotifications(author!, (l) =>
      l.some((n) => n.type === "moderation_action"),
    );
    const told = JSON.stringify(toAuthor.find((n) => n.type === "moderation_action"));
    expect(told).toContain("warning");
    expect(told).not.toContain(reporter!.username);
    expect(told).not.toContain(reporter!.id);
  });
});
