import {
  createExecutionContext,
  createScheduledController,
  env,
  waitOnExecutionContext,
} from "cloudflare:test";
import { afterEach, describe, expect, it } from "vitest";
import worker from "../../src/index";
import { localTime, quietDelayMs } from "../../src/modules/notifications/time";
import { advanceClockForTests, HOUR, MINUTE, systemClock } from "../../src/platform/clock";
import { get, patch, post, waitForEmail } from "../support/http";
import {
  browserSubscription,
  capturePush,
  event,
  listNotifications,
  runNotify,
  storedNotification,
  waitFor,
} from "../support/notifications";
import { createPost } from "../support/posts";
import { drainQueues } from "../support/queues";
import { createUser, createUsers, type TestUser } from "../support/users";

const hhmm = (minutes: number) => {
  const m = ((minutes % 1440) + 1440) % 1440;
  return `${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;
};

async function setPrefs(user: TestUser, body: unknown) {
  const res = await patch("/api/v1/notifications/preferences", body, { token: user.token });
  if (res.status !== 200) throw new Error(`preferences failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

async function runCron(at: number) {
  const ctx = createExecutionContext();
  await worker.scheduled!(createScheduledController({ scheduledTime: at, cron: "7 * * * *" }), env, ctx);
  await waitOnExecutionContext(ctx);
}

let capture: ReturnType<typeof capturePush> | undefined;
afterEach(() => {
  capture?.restore();
  capture = undefined;
});

describe("notification preferences", () => {
  it("answers the defaults for every type and channel", async () => {
    const user = await createUser();
    const res = await get("/api/v1/notifications/preferences", { token: user.token });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ quietHours: null, timeZone: "UTC", digest: "WEEKLY", updatedAt: null });
    expect(res.body.channels.reaction).toEqual({ inApp: true, email: false, push: true });
    expect(res.body.channels.connection_request).toEqual({ inApp: true, email: true, push: true });
    expect(res.body.channels.profile_view).toEqual({ inApp: true, email: false, push: false });
    expect(res.body.channels.report_resolved).toEqual({ inApp: true, email: false, push: false });
    expect(Object.keys(res.body.channels)).toHaveLength(14);
  });

  it("changes only what is sent; quiet hours can be removed again", async () => {
    const user = await createUser();
    await setPrefs(user, { channels: { reaction: { email: true } } });
    const body = await setPrefs(user, {
      channels: { reaction: { push: false }, message: { inApp: false } },
      quietHours: { start: "22:30", end: "07:00" },
      timeZone: "Asia/Riyadh",
      digest: "DAILY",
    });
    expect(body.channels.reaction).toEqual({ inApp: true, email: true, push: false });
    expect(body.channels.message).toEqual({ inApp: false, email: true, push: true });
    expect(body).toMatchObject({
      quietHours: { start: "22:30", end: "07:00" },
      timeZone: "Asia/Riyadh",
      digest: "DAILY",
    });
    expect(body.updatedAt).toEqual(expect.any(String));
    const cleared = await setPrefs(user, { quietHours: null });
    expect(cleared.quietHours).toBeNull();
    expect(cleared.timeZone).toBe("Asia/Riyadh");
    expect(cleared.channels.reaction).toEqual({ inApp: true, email: true, push: false });
  });

  it("keeps both of two changes made at the same time", async () => {
    const user = await createUser();
    await Promise.all([
      setPrefs(user, { channels: { follow: { push: false } } }),
      setPrefs(user, { channels: { mention: { email: false } } }),
      setPrefs(user, { channels: { follow: { inApp: false } } }),
    ]);
    const res = await get("/api/v1/notifications/preferences", { token: user.token });
    expect(res.body.channels.follow).toEqual({ inApp: false, email: false, push: false });
    expect(res.body.channels.mention).toEqual({ inApp: true, email: false, push: true });
  });

  it("rejects invalid preferences with 400 and changes nothing", async () => {
    const user = await createUser();
    const bad: unknown[] = [
      { timeZone: "Mars/Phobos" },
      { timeZone: "" },
      { timeZone: 3 },
      { quietHours: { start: "24:00", end: "07:00" } },
      { quietHours: { start: "7:00", end: "08:00" } },
      { quietHours: { start: "08:00", end: "08:00" } },
      { quietHours: { start: "08:00" } },
      { digest: "HOURLY" },
      { channels: { unknown_type: { email: true } } },
      { channels: { reaction: { sms: true } } },
      { channels: { reaction: { email: "yes" } } },
      { channels: { reaction: true } },
      { surprise: 1 },
      [1, 2],
    ];
    for (const body of bad) {
      const res = await patch("/api/v1/notifications/preferences", body, { token: user.token });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code).toBe("VALIDATION_ERROR");
    }
    const res = await get("/api/v1/notifications/preferences", { token: user.token });
    expect(res.body.updatedAt).toBeNull();
  });

  it("in-app off: nothing in the list, but push still goes out", async () => {
    const [owner, sara] = await createUsers(2);
    const sub = await browserSubscription();
    await post("/api/v1/push/register", { endpoint: sub.endpoint, keys: sub.keys }, { token: owner!.token });
    await setPrefs(owner!, { channels: { reaction: { inApp: false } } });
    capture = capturePush();
    const p = await createPost(owner!);
    await runNotify([
      event({
        type: "reaction",
        actorId: sara!.id,
        recipientId: owner!.id,
        target: { type: "post", id: p.id },
      }),
    ]);
    expect(await listNotifications(owner!)).toHaveLength(0);
    expect((await get("/api/v1/notifications/unread-count", { token: owner!.token })).body.count).toBe(0);
    await waitFor(() => capture!.captured.some((c) => c.url === sub.endpoint));
  });

  it("every channel off: no notification at all", async () => {
    const [owner, sara] = await createUsers(2);
    await setPrefs(owner!, { channels: { follow: { inApp: false, email: false, push: false } } });
    await runNotify([event({ type: "follow", actorId: sara!.id, recipientId: owner!.id })]);
    const rows = await env.DB.prepare("SELECT COUNT(*) AS n FROM notifications WHERE user_id = ?")
      .bind(owner!.id)
      .first<{ n: number }>();
    expect(rows!.n).toBe(0);
  });
});

describe("quiet hours", () => {
  it("computes the wait in the member's time zone, across midnight and DST", () => {
    const at = (iso: string) => Date.parse(iso);
    const q = { start: 22 * 60, end: 7 * 60 };
    // Riyadh is UTC+3 all year: 20:30 UTC is 23:30 local, 7.5 hours before 07:00.
    expect(quietDelayMs(at("2026-05-01T20:30:00Z"), q, "Asia/Riyadh")).toBe(7.5 * HOUR);
    expect(quietDelayMs(at("2026-05-01T18:59:00Z"), q, "Asia/Riyadh")).toBe(0);
    expect(quietDelayMs(at("2026-05-01T04:00:00Z"), q, "Asia/Riyadh")).toBe(0);
    expect(quietDelayMs(at("2026-05-01T03:59:30Z"), q, "Asia/Riyadh")).toBe(30_000);
    // Same instant, other zones: quiet in Riyadh is daytime in Los Angeles.
    expect(quietDelayMs(at("2026-05-01T20:30:00Z"), q, "America/Los_Angeles")).toBe(0);
    // Within one day, no wrap: 13:00–14:00 local.
    expect(quietDelayMs(at("2026-05-01T10:15:00Z"), { start: 13 * 60, end: 14 * 60 }, "Asia/Riyadh")).toBe(
      45 * MINUTE,
    );
    // New York in summer is UTC-4, in winter UTC-5.
    expect(localTime(at("2026-07-01T12:00:00Z"), "America/New_York").hour).toBe(8);
    expect(localTime(at("2026-01-15T12:00:00Z"), "America/New_York").hour).toBe(7);
    expect(localTime(at("2026-01-15T12:00:00Z"), "Asia/Kolkata")).toMatchObject({ hour: 17, minute: 30 });
    expect(quietDelayMs(Date.now(), null, "UTC")).toBe(0);
  });

  it("push and email wait until quiet hours end; in-app does not", async () => {
    const [owner, sara] = await createUsers(2);
    const sub = await browserSubscription();
    await post("/api/v1/push/register", { endpoint: sub.endpoint, keys: sub.keys }, { token: owner!.token });
    const now = systemClock.now();
    const local = localTime(now, "Asia/Riyadh").minutes;
    await setPrefs(owner!, {
      timeZone: "Asia/Riyadh",
      quietHours: { start: hhmm(local - 60), end: hhmm(local + 120) },
      channels: { follow: { email: true } },
    });
    capture = capturePush();
    await runNotify([event({ type: "follow", actorId: sara!.id, recipientId: owner!.id })]);
    const [n] = await listNotifications(owner!);
    expect(n).toMatchObject({ type: "follow", read: false });
    const stored = (await storedNotification(n!.id))!;
    expect(stored.pending).toBe(3);
    expect(stored.deliver_at! - now).toBeGreaterThan(119 * MINUTE);
    expect(stored.deliver_at! - now).toBeLessThanOrEqual(121 * MINUTE);

    // A delivery attempt during quiet hours sends nothing and keeps it pending.
    await runNotify([
      {
        key: `early-${n!.id}`,
        body: { type: "deliver", notificationId: n!.id, userId: owner!.id, channel: "push" },
      },
    ]);
    await drainQueues();
    expect(capture.captured).toHaveLength(0);
    expect((await storedNotification(n!.id))!.pending).toBe(3);
    const outbox = await get(`/api/v1/dev/outbox?to=${encodeURIComponent(owner!.email)}`);
    expect(outbox.body.data.filter((m: any) => m.template === "notification")).toHaveLength(0);

    // When they end, the hourly cron sends what waited.
    advanceClockForTests(125 * MINUTE);
    await runCron(systemClock.now());
    await waitFor(() => capture!.captured.some((c) => c.url === sub.endpoint));
    const mail = await waitForEmail(owner!.email, "notification");
    expect(mail.subject).toBe(`${sara!.displayName} started following you`);
    await waitFor(async () => (await storedNotification(n!.id))!.pending === 0);
    expect(capture.captured.filter((c) => c.url === sub.endpoint)).toHaveLength(1);
  });
});
