import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { del, get, post } from "../support/http";
import { blockRow, connectRows, disconnectRows, editProfile, setUserStatus } from "../support/profiles";
import type { TestUser } from "../support/users";
import { createUser } from "../support/users";

const endorsePath = (owner: string, skillId: string) => `/api/v1/profiles/${owner}/skills/${skillId}/endorse`;

/** An owner with skills ["TypeScript", "SQL"] and a connection. */
async function setUp() {
  const [owner, friend] = [await createUser(), await createUser()];
  const profile = await editProfile(owner, { skills: ["TypeScript", "SQL"] });
  await connectRows(owner, friend);
  return { owner, friend, ts: profile.skills[0].id as string, sql: profile.skills[1].id as string };
}

const storedCount = (skillId: string) =>
  env.DB.prepare(
    "SELECT endorsement_count AS c, (SELECT COUNT(*) FROM endorsements WHERE skill_id = ?1) AS n FROM skills WHERE id = ?1",
  )
    .bind(skillId)
    .first<{ c: number; n: number }>();

const skillOf = async (owner: TestUser, viewer: TestUser, skillId: string) =>
  (await get(`/api/v1/profiles/${owner.username}`, { token: viewer.token })).body.skills.find(
    (s: { id: string }) => s.id === skillId,
  );

describe("skill endorsements", () => {
  it("lets a connection endorse once, shows the count and endorsedByMe, and withdraw", async () => {
    const { owner, friend, ts } = await setUp();
    const res = await post(endorsePath(owner.id, ts), undefined, { token: friend.token });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ skillId: ts, endorsementCount: 1, endorsedByMe: true });
    expect(await skillOf(owner, friend, ts)).toMatchObject({ endorsementCount: 1, endorsedByMe: true });
    expect(await skillOf(owner, owner, ts)).toMatchObject({ endorsementCount: 1, endorsedByMe: false });

    const again = await post(endorsePath(owner.username, ts), undefined, { token: friend.token });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe("ALREADY_EXISTS");
    expect(await storedCount(ts)).toEqual({ c: 1, n: 1 });

    const removed = await del(endorsePath(owner.id, ts), undefined, { token: friend.token });
    expect(removed.status).toBe(200);
    expect(removed.body).toEqual({ skillId: ts, endorsementCount: 0, endorsedByMe: false });
    const twice = await del(endorsePath(owner.id, ts), undefined, { token: friend.token });
    expect(twice.body.endorsementCount).toBe(0);
    expect(await skillOf(owner, friend, ts)).toMatchObject({ endorsementCount: 0, endorsedByMe: false });
  });

  it("keeps the count exact under simultaneous endorsements from several connections", async () => {
    const { owner, ts } = await setUp();
    const friends = [await createUser(), await createUser(), await createUser(), await createUser()];
    for (const f of friends) await connectRows(owner, f);
    const results = await Promise.all(
      friends.flatMap((f) =>
        [1, 2].map(() => post(endorsePath(owner.id, ts), undefined, { token: f.token })),
      ),
    );
    expect(results.map((r) => r.status).sort()).toEqual([201, 201, 201, 201, 409, 409, 409, 409]);
    expect(await storedCount(ts)).toEqual({ c: 4, n: 4 });
  });

  it("refuses members who are not connected (403), yourself (400) and lets a former connection withdraw", async () => {
    const { owner, friend, ts } = await setUp();
    const stranger = await createUser();
    const refused = await post(endorsePath(owner.id, ts), undefined, { token: stranger.token });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe("NOT_CONNECTED");
    const self = await post(endorsePath(owner.id, ts), undefined, { token: owner.token });
    expect(self.status).toBe(400);
    expect(self.body.error.code).toBe("CANNOT_TARGET_SELF");

    expect((await post(endorsePath(owner.id, ts), undefined, { token: friend.token })).status).toBe(201);
    await disconnectRows(owner, friend);
    const withdrawn = await del(endorsePath(owner.id, ts), undefined, { token: friend.token });
    expect(withdrawn.body.endorsementCount).toBe(0);
    expect(await storedCount(ts)).toEqual({ c: 0, n: 0 });
  });

  it("answers 404 for unknown skills, another member's skill, blocked and deleted owners", async () => {
    const { owner, friend, ts } = await setUp();
    const other = await setUp();
    const unknown = await post(endorsePath(owner.id, "01ARZ3NDEKTSV4RRFFQ69G5FAV"), undefined, {
      token: friend.token,
    });
    expect(unknown.status).toBe(404);
    // A real skill id under the wrong profile.
    const mismatched = await post(endorsePath(owner.id, other.ts), undefined, { token: friend.token });
    expect(mismatched.status).toBe(404);
    expect((await post(endorsePath("no_such_member", ts), undefined, { token: friend.token })).status).toBe(
      404,
    );

    await blockRow(owner, friend);
    const blocked = await post(endorsePath(owner.id, ts), undefined, { token: friend.token });
    expect(blocked.status).toBe(404);
    expect(blocked.body.error.code).toBe("NOT_FOUND");
    expect((await del(endorsePath(owner.id, ts), undefined, { token: friend.token })).status).toBe(404);
    expect(await storedCount(ts)).toEqual({ c: 0, n: 0 });

    await setUserStatus(other.owner, "SUSPENDED");
    expect(
      (await post(endorsePath(other.owner.id, other.ts), undefined, { token: other.friend.token })).status,
    ).toBe(404);
  });

  it("requires a valid token", async () => {
    const { owner, ts } = await setUp();
    expect((await post(endorsePath(owner.id, ts))).status).toBe(401);
    expect((await post(endorsePath(owner.id, ts), undefined, { token: "x.y.z" })).status).toBe(401);
    expect((await del(endorsePath(owner.id, ts))).status).toBe(401);
  });

  it("limits endorsements to 20 a day per member", async () => {
    const endorser = await createUser();
    const owners = [];
    for (let i = 0; i < 3; i++) {
      const owner = await createUser();
      const profile = await editProfile(owner, { skills: Array.from({ length: 8 }, (_, j) => `skill ${j}`) });
      await connectRows(owner, endorser);
      owners.push({ owner, skills: profile.skills.map((s: { id: string }) => s.id) as string[] });
    }
    const statuses: number[] = [];
    for (const { owner, skills } of owners) {
      for (const skillId of skills) {
        statuses.push(
          (await post(endorsePath(owner.id, skillId), undefined, { token: endorser.token })).status,
        );
      }
    }
    expect(statuses.slice(0, 20).every((s) => s === 201)).toBe(true);
    expect(statuses.slice(20)).toEqual([429, 429, 429, 429]);
    const last = await post(endorsePath(owners[0]!.owner.id, owners[0]!.skills[0]!), undefined, {
      token: endorser.token,
    });
    expect(last.headers.get("retry-after")).toMatch(/^\d+$/);
  });
});
