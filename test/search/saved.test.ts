import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { runScheduled } from "../../src/core/cron";
import { runSearchAlerts } from "../../src/modules/search/alerts";
import { DAY } from "../../src/platform/clock";
import { newId } from "../../src/platform/ids";
import { block } from "../support/graph";
import { del, get, post } from "../support/http";
import { listNotifications, waitForNotifications } from "../support/notifications";
import { drainQueues } from "../support/queues";
import { indexedPosts, marker } from "../support/search";
import { createUser, type TestUser } from "../support/users";

const save = (user: TestUser, body: unknown) => post("/api/v1/search/saved", body, { token: user.token });
const setAlert = (user: TestUser, id: string, frequency: unknown) =>
  post(`/api/v1/search/saved/${id}/alert`, { frequency }, { token: user.token });

async function saved(user: TestUser, body: Record<string, unknown>) {
  const res = await save(user, body);
  if (res.status !== 201) throw new Error(`save failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { id: string; name: string };
}

const alertsFor = async (user: TestUser, savedId: string) =>
  (await listNotifications(user)).filter((n) => n.type === "system" && n.data.savedSearchId === savedId);

describe("saved searches", () => {
  it("saves, lists (newest first, own only), and deletes", async () => {
    const [me, other] = [await createUser(), await createUser()];
    const res = await save(me, { q: "مهندس بالرياض", type: "people", filters: { location: "الرياض" } });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      name: "مهندس بالرياض",
      q: "مهندس بالرياض",
      type: "people",
      filters: { location: "الرياض" },
      alert: null,
    });
    expect(Date.parse(res.body.createdAt)).not.toBeNaN();
    const second = await saved(me, { name: "Posts about AI", q: "AI", type: "posts" });
    await saved(other, { q: "not mine", type: "posts" });

    const list = await get("/api/v1/search/saved", { token: me.token });
    expect(list.status).toBe(200);
    expect(list.body.data.map((s: { id: string }) => s.id)).toEqual([second.id, res.body.id]);
    const page = await get("/api/v1/search/saved?limit=1", { token: me.token });
    expect(page.body.data).toHaveLength(1);
    const next = await get(`/api/v1/search/saved?limit=1&cursor=${page.body.nextCursor}`, {
      token: me.token,
    });
    expect(next.body.data.map((s: { id: string }) => s.id)).toEqual([res.body.id]);
    expect(next.body.nextCursor).toBeNull();

    expect((await del(`/api/v1/search/saved/${second.id}`, undefined, { token: me.token })).status).toBe(204);
    expect((await del(`/api/v1/search/saved/${second.id}`, undefined, { token: me.token })).status).toBe(404);
    const after = await get("/api/v1/search/saved", { token: me.token });
    expect(after.body.data.map((s: { id: string }) => s.id)).toEqual([res.body.id]);
  });

  it("another member's saved search is 404 for delete and alert, and stays untouched", async () => {
    const [owner, intruder] = [await createUser(), await createUser()];
    const mine = await saved(owner, { q: "سري", type: "posts" });
    expect((await del(`/api/v1/search/saved/${mine.id}`, undefined, { token: intruder.token })).status).toBe(
      404,
    );
    const alert = await setAlert(intruder, mine.id, "DAILY");
    expect(alert.status).toBe(404);
    expect(alert.body.error.code).toBe("NOT_FOUND");
    expect(
      (await del(`/api/v1/search/saved/${mine.id}/alert`, undefined, { token: intruder.token })).status,
    ).toBe(404);
    const list = await get("/api/v1/search/saved", { token: owner.token });
    expect(list.body.data).toEqual([expect.objectContaining({ id: mine.id, alert: null })]);
    expect((await setAlert(owner, "no-such-id", "DAILY")).status).toBe(404);
  });

  it("refuses invalid input with 400", async () => {
    // Refused requests count against the 10/day limit too, so they are spread over members.
    const members = [await createUser(), await createUser()];
    const bad = [
      {},
      { q: "x" },
      { q: "", type: "posts" },
      { q: "x".repeat(201), type: "posts" },
      { q: "x", type: "planets" },
      { q: "x", type: "posts", filters: { colour: "red" } },
      { q: "x", type: "posts", filters: "{}" },
      { q: "x", type: "posts", filters: { from: "2026-02-01", to: "2026-01-01" } },
      { q: "x", type: "posts", filters: { type: "people" } },
      { q: "x", type: "posts", name: "n".repeat(201) },
      { q: "x", type: "posts", extra: true },
      { q: 42, type: "posts" },
    ];
    for (const [i, body] of bad.entries()) {
      const res = await save(members[i % 2]!, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code).toBe("VALIDATION_ERROR");
    }
    const me = await createUser();
    const created = await saved(me, { q: "x", type: "posts" });
    for (const frequency of ["HOURLY", "", 1, null]) {
      expect((await setAlert(me, created.id, frequency)).status, String(frequency)).toBe(400);
    }
  });

  it("needs a token", async () => {
    expect((await post("/api/v1/search/saved", { q: "x", type: "posts" })).status).toBe(401);
    expect((await get("/api/v1/search/saved")).status).toBe(401);
    expect((await del("/api/v1/search/saved/x")).status).toBe(401);
    expect(
      (await post("/api/v1/search/saved/x/alert", { frequency: "DAILY" }, { token: "garbage" })).status,
    ).toBe(401);
  });

  it("allows 10 saves per day, and keeps at most 50", async () => {
    const me = await createUser();
    for (let i = 0; i < 10; i++) expect((await save(me, { q: `q${i}`, type: "posts" })).status).toBe(201);
    const refused = await save(me, { q: "eleven", type: "posts" });
    expect(refused.status).toBe(429);
    expect(refused.headers.get("retry-after")).toBeTruthy();

    const full = await createUser();
    const now = Date.now();
    await env.DB.batch(
      Array.from({ length: 50 }, (_, i) =>
        env.DB.prepare(
          "INSERT INTO saved_searches (id, user_id, name, query, type, filters, created_at) VALUES (?, ?, ?, ?, 'posts', '{}', ?)",
        ).bind(newId(now + i), full.id, `s${i}`, `s${i}`, now),
      ),
    );
    const over = await save(full, { q: "one too many", type: "posts" });
    expect(over.status).toBe(409);
    expect(over.body.error.code).toBe("SAVED_SEARCH_LIMIT");
  });
});

describe("saved searches at the cap", () => {
  it("saves made at once never pass 50: the count and the insert are one statement", async () => {
    const member = await createUser();
    const now = Date.now();
    await env.DB.batch(
      Array.from({ length: 47 }, (_, i) =>
        env.DB.prepare(
          "INSERT INTO saved_searches (id, user_id, name, query, type, filters, created_at) VALUES (?, ?, ?, ?, 'posts', '{}', ?)",
        ).bind(newId(now + i), member.id, `s${i}`, `s${i}`, now),
      ),
    );
    const answers = await Promise.all(
      Array.from({ length: 6 }, (_, i) => save(member, { q: `at once ${i}`, type: "posts" })),
    );
    expect(answers.filter((r) => r.status === 201)).toHaveLength(3);
    const refused = answers.filter((r) => r.status !== 201);
    expect(refused.map((r) => r.body.error.code)).toEqual(Array(3).fill("SAVED_SEARCH_LIMIT"));
    const row = await env.DB.prepare("SELECT COUNT(*) AS n FROM saved_searches WHERE user_id = ?")
      .bind(member.id)
      .first<{ n: number }>();
    expect(row!.n).toBe(50);
  });
});

describe("alerts", () => {
  it("INSTANT: the hourly cron notifies new visible matches once", async () => {
    const mark = marker();
    const [me, author, blocked] = [await createUser(), await createUser(), await createUser()];
    // Matches from before the alert was set are not news.
    await indexedPosts(author, [`قديم ${mark}`]);
    const search = await saved(me, { name: "وظائف", q: mark, type: "posts" });
    const set = await setAlert(me, search.id, "INSTANT");
    expect(set.status).toBe(200);
    expect(set.body.alert).toEqual({ frequency: "INSTANT", lastSentAt: null });

    await block(me, blocked);
    await indexedPosts(author, [`جديد ${mark}`, `جديد أيضاً ${mark}`]);
    await indexedPosts(author, [`خاص ${mark}`], "PRIVATE");
    await indexedPosts(blocked, [`محجوب ${mark}`]);

    await runScheduled(env, Date.now(), "7 * * * *");
    const [notice] = await waitForNotifications(me, (l) => l.some((n) => n.data.savedSearchId === search.id));
    expect(notice).toMatchObject({
      type: "system",
      data: { savedSearchId: search.id, count: 2, more: false, q: mark },
      link: `/search?saved=${search.id}`,
    });
    expect(notice!.text).toContain("وظائف");

    // Nothing new: the next run sends nothing more.
    await runScheduled(env, Date.now() + 1000, "7 * * * *");
    await drainQueues();
    expect(await alertsFor(me, search.id)).toHaveLength(1);
    const list = await get("/api/v1/search/saved", { token: me.token });
    expect(list.body.data[0].alert.lastSentAt).not.toBeNull();
  });

  it("DAILY and WEEKLY wait for their period; no matches, no notification; a removed alert is silent", async () => {
    const mark = marker();
    const [me, author] = [await createUser(), await createUser()];
    const daily = await saved(me, { q: `${mark} يومي`, type: "posts" });
    const weekly = await saved(me, { q: `${mark} أسبوعي`, type: "posts" });
    const quiet = await saved(me, { q: `${mark} لا شيء`, type: "posts" });
    const removed = await saved(me, { q: `${mark} يومي`, type: "posts" });
    const t0 = Date.now();
    await setAlert(me, daily.id, "DAILY");
    await setAlert(me, weekly.id, "WEEKLY");
    await setAlert(me, quiet.id, "DAILY");
    await setAlert(me, removed.id, "DAILY");
    expect(
      (await del(`/api/v1/search/saved/${removed.id}/alert`, undefined, { token: me.token })).status,
    ).toBe(204);
    await indexedPosts(author, [`${mark} يومي`, `${mark} أسبوعي`]);

    const sentAt = async (id: string) =>
      (
        await env.DB.prepare("SELECT alert_sent_at AS s FROM saved_searches WHERE id = ?")
          .bind(id)
          .first<{ s: number | null }>()
      )?.s;
    // Within the first day nothing is due.
    await runSearchAlerts(env, t0 + DAY / 2);
    expect(await sentAt(daily.id)).toBeNull();
    // After a day the daily alert is due, the weekly one is not.
    await runSearchAlerts(env, t0 + DAY + 60_000);
    expect(await sentAt(daily.id)).toBe(t0 + DAY + 60_000);
    expect(await sentAt(weekly.id)).toBeNull();
    expect(await sentAt(quiet.id)).toBeNull();
    expect(await sentAt(removed.id)).toBeNull();
    await runSearchAlerts(env, t0 + 7 * DAY + 60_000);
    expect(await sentAt(weekly.id)).toBe(t0 + 7 * DAY + 60_000);
    await waitForNotifications(me, (l) => l.filter((n) => n.data.savedSearchId).length === 2);
    expect(await alertsFor(me, quiet.id)).toHaveLength(0);
    expect(await alertsFor(me, removed.id)).toHaveLength(0);
  });
});
