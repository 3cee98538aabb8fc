import {
  createExecutionContext,
  createScheduledController,
  env,
  waitOnExecutionContext,
} from "cloudflare:test";
import { describe, expect, it } from "vitest";
import worker from "../../src/index";
import { DAY, HOUR } from "../../src/platform/clock";
import { get, patch, post, waitForEmail } from "../support/http";
import { event, runNotify } from "../support/notifications";
import { drainQueues } from "../support/queues";
import { createUser, createUsers, type TestUser } from "../support/users";

async function runCron(at: number) {
  const ctx = createExecutionContext();
  await worker.scheduled!(createScheduledController({ scheduledTime: at, cron: "7 * * * *" }), env, ctx);
  await waitOnExecutionContext(ctx);
}

/** The next instant (from now) at hh:mm UTC, optionally on a given UTC weekday (0 = Sunday). */
function nextUtc(hour: number, minute: number, weekday?: number): number {
  const d = new Date();
  d.setUTCHours(hour, minute, 0, 0);
  while (d.getTime() <= Date.now() || (weekday !== undefined && d.getUTCDay() !== weekday)) {
    d.setTime(d.getTime() + DAY);
  }
  return d.getTime();
}

async function digests(user: TestUser) {
  const res = await get(`/api/v1/dev/outbox?to=${encodeURIComponent(user.email)}`);
  return (res.body.data as { template: string; subject: string; text: string; html: string }[]).filter(
    (m) => m.template === "digest",
  );
}

/** Everything the cron run queued (digest emails through the email queue) has been handled. */
const settle = () => drainQueues();

async function withUnread(user: TestUser, actors: TestUser[]) {
  for (const a of actors) await runNotify([event({ type: "follow", actorId: a.id, recipientId: user.id })]);
  await runNotify([event({ type: "mention", actorId: actors[0]!.id, recipientId: user.id })]);
}

describe("email digests", () => {
  it("sends the daily digest at 08:00 in the member's time zone, once", async () => {
    const user = await createUser();
    const actors = await createUsers(2);
    await patch(
      "/api/v1/notifications/preferences",
      { timeZone: "Asia/Riyadh", digest: "DAILY" },
      { token: user.token },
    );
    await withUnread(user, actors);
    // 05:07 UTC is 08:07 in Riyadh.
    const at = nextUtc(5, 7);
    await runCron(at - HOUR);
    await settle();
    expect(await digests(user)).toHaveLength(0);
    await runCron(at);
    const mail = await waitForEmail(user.email, "digest");
    expect(mail.subject).toBe("Your daily Majlis digest: 2 unread notifications");
    expect(mail.text).toContain(
      `${actors[1]!.displayName} and ${actors[0]!.displayName} started following you`,
    );
    expect(mail.text).toContain(`${actors[0]!.displayName} mentioned you in a post`);
    expect(mail.text).toMatch(/unsubscribe\?token=/);
    // A repeated run in the same hour sends nothing more.
    await runCron(at + 30 * 60_000);
    await settle();
    expect(await digests(user)).toHaveLength(1);

    // The link in it turns digests off.
    const token = /unsubscribe\?token=([A-Za-z0-9_.-]+)/.exec(mail.text)![1];
    expect((await get(`/api/v1/notifications/unsubscribe?token=${token}`)).body.scope).toBe("digest");
    await runCron(at + DAY - HOUR);
    await runCron(at + DAY);
    await settle();
    expect(await digests(user)).toHaveLength(1);
  });

  it("sends the weekly digest (the default) on Sunday at 08:00 UTC, in Arabic for Arabic readers", async () => {
    const user = await createUser({ locale: "ar" });
    await withUnread(user, await createUsers(1));
    const sunday = nextUtc(8, 7, 0);
    await runCron(sunday - DAY);
    await settle();
    expect(await digests(user)).toHaveLength(0);
    await runCron(sunday);
    const mail = await waitForEmail(user.email, "digest");
    expect(mail.subject).toBe("ملخصك الأسبوعي في مجلس: إشعاران غير مقروءة");
    expect(mail.html).toContain('dir="rtl"');
  });

  it("nothing for members who read everything, turned digests off, or are not verified", async () => {
    const [reader, off] = await createUsers(2);
    const unverified = await createUser({ verified: false });
    const actors = await createUsers(1);
    for (const u of [reader!, off!, unverified]) await withUnread(u, actors);
    await post("/api/v1/notifications/read-all", undefined, { token: reader!.token });
    await patch("/api/v1/notifications/preferences", { digest: "OFF" }, { token: off!.token });
    await runCron(nextUtc(8, 7, 0));
    await settle();
    for (const u of [reader!, off!, unverified]) expect(await digests(u)).toHaveLength(0);
  });
});

describe("retention", () => {
  it("deletes notifications 90 days after their last update", async () => {
    const [owner, sara] = await createUsers(2);
    await runNotify([event({ type: "follow", actorId: sara!.id, recipientId: owner!.id })]);
    const count = async () =>
      (await env.DB.prepare(
        "SELECT (SELECT COUNT(*) FROM notifications WHERE user_id = ?1) + (SELECT COUNT(*) FROM notification_actors WHERE actor_id = ?2) AS n",
      )
        .bind(owner!.id, sara!.id)
        .first<{ n: number }>())!.n;
    expect(await count()).toBe(2);
    await runCron(Date.now() + 89 * DAY);
    expect(await count()).toBe(2);
    await runCron(Date.now() + 91 * DAY);
    expect(await count()).toBe(0);
  });
});
