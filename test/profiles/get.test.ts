import { describe, expect, it } from "vitest";
import { advanceClockForTests, MINUTE } from "../../src/platform/clock";
import { get } from "../support/http";
import {
  blockRow,
  connectRows,
  editProfile,
  followRow,
  requestRow,
  setUserStatus,
} from "../support/profiles";
import { createUser } from "../support/users";

const path = (ref: string) => `/api/v1/profiles/${encodeURIComponent(ref)}`;

describe("GET /api/v1/profiles/{username}", () => {
  it("shows a public profile to anyone, by username in any case or by id", async () => {
    const owner = await createUser({ displayName: "سارة أحمد" });
    await editProfile(owner, {
      headline: "مهندسة برمجيات",
      about: "أحب بناء الأنظمة",
      location: "الرياض",
      website: "https://sara.example.com",
      translations: { en: { headline: "Software engineer" } },
      experience: [{ title: "Engineer", company: "Aramco", startDate: "2020-01", endDate: null }],
      education: [{ school: "KAUST", degree: "MSc" }],
      skills: ["TypeScript", "SQL"],
      languages: [{ language: "العربية", proficiency: "NATIVE" }],
    });
    const viewer = await createUser();

    const anonymous = await get(path(owner.username));
    expect(anonymous.status).toBe(200);
    expect(anonymous.body).toMatchObject({
      limited: false,
      id: owner.id,
      username: owner.username,
      displayName: "سارة أحمد",
      headline: "مهندسة برمجيات",
      location: "الرياض",
      website: "https://sara.example.com",
      translations: { en: { headline: "Software engineer" } },
      avatarUrl: null,
      bannerUrl: null,
      experience: [{ title: "Engineer", company: "Aramco", startDate: "2020-01", endDate: null }],
      education: [{ school: "KAUST", degree: "MSc" }],
      skills: [
        { name: "TypeScript", endorsementCount: 0, endorsedByMe: false },
        { name: "SQL", endorsementCount: 0, endorsedByMe: false },
      ],
      languages: [{ language: "العربية", proficiency: "NATIVE" }],
      followerCount: 0,
      followingCount: 0,
      connectionCount: 0,
      relationship: {
        isSelf: false,
        following: false,
        followedBy: false,
        connected: false,
        connectionRequest: null,
      },
    });
    expect(anonymous.body.createdAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    // Owner-only parts stay with the owner.
    for (const key of ["email", "privacy", "completeness", "viewCount"])
      expect(anonymous.body).not.toHaveProperty(key);

    const byId = await get(path(owner.id), { token: viewer.token });
    expect(byId.status).toBe(200);
    expect(byId.body.username).toBe(owner.username);
    const upper = await get(path(owner.username.toUpperCase()), { token: viewer.token });
    expect(upper.body.id).toBe(owner.id);
    const lowerId = await get(path(owner.id.toLowerCase()));
    expect(lowerId.body.id).toBe(owner.id);
  });

  it("gives the owner their email, privacy settings, view count and completeness", async () => {
    const owner = await createUser();
    const res = await get(path(owner.username), { token: owner.token });
    expect(res.status).toBe(200);
    expect(res.body.email).toBe(owner.email);
    expect(res.body.relationship.isSelf).toBe(true);
    expect(res.body.viewCount).toBe(0);
    expect(res.body.privacy).toEqual({
      visibility: "PUBLIC",
      showActivityStatus: true,
      allowMessages: "EVERYONE",
      showEmail: false,
      showConnections: true,
    });
    expect(res.body.completeness.score).toBe(0);
    expect(res.body.completeness.missing).toContain("headline");
    const me = await get("/api/v1/profiles/me", { token: owner.token });
    expect(me.body).toEqual(res.body);
  });

  it("reports the relationship with the viewer: follows both ways, connection, pending requests", async () => {
    const [owner, viewer, other] = [await createUser(), await createUser(), await createUser()];
    await followRow(viewer, owner);
    await followRow(owner, viewer);
    await connectRows(owner, viewer);
    const rel = (await get(path(owner.username), { token: viewer.token })).body.relationship;
    expect(rel).toEqual({
      isSelf: false,
      following: true,
      followedBy: true,
      connected: true,
      connectionRequest: null,
    });

    await requestRow(other, owner);
    expect(
      (await get(path(owner.username), { token: other.token })).body.relationship.connectionRequest,
    ).toBe("OUTGOING");
    expect(
      (await get(path(other.username), { token: owner.token })).body.relationship.connectionRequest,
    ).toBe("INCOMING");
  });

  it("keeps an ignored request looking pending to its sender only, and forgets expired ones", async () => {
    const [a, b, c] = [await createUser(), await createUser(), await createUser()];
    await requestRow(a, b, "IGNORED");
    expect((await get(path(b.username), { token: a.token })).body.relationship.connectionRequest).toBe(
      "OUTGOING",
    );
    expect((await get(path(a.username), { token: b.token })).body.relationship.connectionRequest).toBeNull();
    await requestRow(c, b, "PENDING", Date.now() - 1000);
    expect((await get(path(b.username), { token: c.token })).body.relationship.connectionRequest).toBeNull();
  });

  it("shows a CONNECTIONS profile in full to connections and a card with headline to others", async () => {
    const [owner, friend, stranger] = [await createUser(), await createUser(), await createUser()];
    await editProfile(owner, {
      headline: "Data scientist",
      about: "secret-ish",
      privacy: { visibility: "CONNECTIONS" },
    });
    await connectRows(owner, friend);

    const full = await get(path(owner.username), { token: friend.token });
    expect(full.body.limited).toBe(false);
    expect(full.body.about).toBe("secret-ish");

    for (const token of [stranger.token, undefined]) {
      const card = await get(path(owner.username), { token });
      expect(card.status).toBe(200);
      expect(card.body).toEqual({
        limited: true,
        id: owner.id,
        username: owner.username,
        displayName: owner.displayName,
        avatarUrl: null,
        headline: "Data scientist",
        relationship: {
          isSelf: false,
          following: false,
          followedBy: false,
          connected: false,
          connectionRequest: null,
        },
      });
    }
  });

  it("shows a PRIVATE profile to its owner only; others get a card without headline", async () => {
    const [owner, friend] = [await createUser(), await createUser()];
    await editProfile(owner, { headline: "Hidden", privacy: { visibility: "PRIVATE" } });
    await connectRows(owner, friend);
    const card = await get(path(owner.username), { token: friend.token });
    expect(card.body).toMatchObject({ limited: true, headline: null, relationship: { connected: true } });
    expect(card.body).not.toHaveProperty("about");
    expect(card.body).not.toHaveProperty("skills");
    const own = await get(path(owner.username), { token: owner.token });
    expect(own.body).toMatchObject({ limited: false, headline: "Hidden" });
  });

  it("shows the email only when showEmail is on, to signed-in viewers of the full profile", async () => {
    const [owner, viewer] = [await createUser(), await createUser()];
    expect((await get(path(owner.username), { token: viewer.token })).body).not.toHaveProperty("email");
    await editProfile(owner, { privacy: { showEmail: true } });
    expect((await get(path(owner.username), { token: viewer.token })).body.email).toBe(owner.email);
    expect((await get(path(owner.username))).body).not.toHaveProperty("email");
    await editProfile(owner, { privacy: { visibility: "PRIVATE" } });
    expect((await get(path(owner.username), { token: viewer.token })).body).not.toHaveProperty("email");
  });

  it("hides the connection count from others when showConnections is off", async () => {
    const [owner, viewer, friend] = [await createUser(), await createUser(), await createUser()];
    await connectRows(owner, friend);
    await editProfile(owner, { privacy: { showConnections: false } });
    expect((await get(path(owner.username), { token: viewer.token })).body.connectionCount).toBeNull();
    expect((await get(path(owner.username), { token: owner.token })).body.connectionCount).toEqual(
      expect.any(Number),
    );
  });

  it("answers 404 for a block in either direction, and for deleted or suspended members", async () => {
    const [owner, blocker, blocked] = [await createUser(), await createUser(), await createUser()];
    await blockRow(blocker, owner);
    await blockRow(owner, blocked);
    for (const viewer of [blocker, blocked]) {
      const res = await get(path(owner.username), { token: viewer.token });
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe("NOT_FOUND");
      expect((await get(path(viewer.username), { token: owner.token })).status).toBe(404);
    }
    // The block does not leak to others.
    expect((await get(path(owner.username))).status).toBe(200);

    const [gone, suspended] = [await createUser(), await createUser()];
    await setUserStatus(gone, "DELETED");
    await setUserStatus(suspended, "SUSPENDED");
    expect((await get(path(gone.username))).status).toBe(404);
    expect((await get(path(suspended.id))).status).toBe(404);
  });

  it("answers 404 for unknown or malformed references and 400 for absurdly long ones", async () => {
    for (const ref of ["nobody_here_at_all", "01ARZ3NDEKTSV4RRFFQ69G5FAV", "a b", "ab", "<script>", "سارة"]) {
      const res = await get(path(ref));
      expect(res.status, ref).toBe(404);
      expect(res.body.error.code).toBe("NOT_FOUND");
    }
    const long = await get(path("a".repeat(200)));
    expect(long.status).toBe(400);
    expect(long.body.error.code).toBe("VALIDATION_ERROR");
  });

  it("refuses an invalid or expired token with 401 even though sign-in is optional", async () => {
    const owner = await createUser();
    const garbage = await get(path(owner.username), { token: "not-a-jwt" });
    expect(garbage.status).toBe(401);
    const malformed = await get(path(owner.username), { headers: { authorization: "Basic abc" } });
    expect(malformed.status).toBe(401);
    advanceClockForTests(16 * MINUTE);
    const expired = await get(path(owner.username), { token: owner.token });
    expect(expired.status).toBe(401);
  });

  it("requires sign-in for /me", async () => {
    const res = await get("/api/v1/profiles/me");
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe("UNAUTHENTICATED");
  });
});
