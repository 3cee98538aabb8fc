import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { get, patch } from "../support/http";
import { connectRows, editProfile } from "../support/profiles";
import { createUser } from "../support/users";

const edit = (token: string | undefined, body: unknown) => patch("/api/v1/profiles/me", body, { token });

describe("PATCH /api/v1/profiles/me", () => {
  it("changes only the fields given and returns the owner's full profile", async () => {
    const user = await createUser();
    const first = await editProfile(user, { headline: "Engineer", location: "Jeddah", about: "Hello" });
    expect(first).toMatchObject({ headline: "Engineer", location: "Jeddah", about: "Hello", limited: false });
    expect(first.privacy).toBeDefined();

    const second = await editProfile(user, { location: "Riyadh" });
    expect(second).toMatchObject({ headline: "Engineer", location: "Riyadh", about: "Hello" });

    const cleared = await editProfile(user, { headline: null, about: "" });
    expect(cleared.headline).toBeNull();
    expect(cleared.about).toBeNull();
    expect(cleared.location).toBe("Riyadh");
  });

  it("renames the member everywhere (users.display_name), trimming and cleaning text", async () => {
    const user = await createUser();
    const res = await editProfile(user, { displayName: "  \u202Eنورة\u2066  ", headline: "a\u0000b" });
    expect(res.displayName).toBe("نورة");
    expect(res.headline).toBe("ab");
    const row = await env.DB.prepare("SELECT display_name FROM users WHERE id = ?")
      .bind(user.id)
      .first<string>("display_name");
    expect(row).toBe(res.displayName);
    expect(row).not.toContain("\u202E");
  });

  it("replaces lists given, keeps their order, and stores normalized company/school keys", async () => {
    const user = await createUser();
    await editProfile(user, {
      experience: [
        { title: "Dev", company: "Old Co", startDate: "2015-01", endDate: "2018-06" },
        { title: "Lead", company: "Older", startDate: "2010-01", endDate: "2014-12" },
      ],
    });
    const res = await editProfile(user, {
      experience: [
        {
          title: "CTO",
          company: "  شركة   أرامكو ",
          location: "الظهران",
          employmentType: "FULL_TIME",
          startDate: "2019-03",
          description: "Leading",
        },
      ],
      education: [
        { school: "جامعة الملك سعود", degree: "BSc", field: "CS", startDate: "2010-09", endDate: "2014-06" },
      ],
      certifications: [
        {
          name: "AWS SA",
          issuer: "Amazon",
          issuedAt: "2022-01",
          credentialUrl: "https://aws.example.com/c/1",
        },
      ],
      socialLinks: [{ kind: "GITHUB", url: "https://github.com/someone" }],
      website: "http://example.org/me",
    });
    expect(res.experience).toEqual([
      {
        id: expect.any(String),
        title: "CTO",
        company: "شركة   أرامكو",
        location: "الظهران",
        employmentType: "FULL_TIME",
        startDate: "2019-03",
        endDate: null,
        description: "Leading",
      },
    ]);
    expect(res.education[0]).toMatchObject({ school: "جامعة الملك سعود", degree: "BSc", endDate: "2014-06" });
    expect(res.certifications).toEqual([
      { name: "AWS SA", issuer: "Amazon", issuedAt: "2022-01", credentialUrl: "https://aws.example.com/c/1" },
    ]);
    expect(res.socialLinks).toEqual([{ kind: "GITHUB", url: "https://github.com/someone" }]);
    expect(res.website).toBe("http://example.org/me");
    const keys = await env.DB.prepare(
      "SELECT (SELECT company_key FROM experiences WHERE user_id = ?1) AS c, (SELECT school_key FROM educations WHERE user_id = ?1) AS s",
    )
      .bind(user.id)
      .first<{ c: string; s: string }>();
    expect(keys).toEqual({ c: "شركه ارامكو", s: "جامعه الملك سعود" });

    const emptied = await editProfile(user, { experience: [] });
    expect(emptied.experience).toEqual([]);
    expect(emptied.education).toHaveLength(1);
  });

  it("de-duplicates skills case-insensitively and keeps ids and endorsements of skills that stay", async () => {
    const [user, friend] = [await createUser(), await createUser()];
    const first = await editProfile(user, { skills: ["TypeScript", "typescript ", "SQL", "Go"] });
    expect(first.skills.map((s: { name: string }) => s.name)).toEqual(["TypeScript", "SQL", "Go"]);
    const ts = first.skills[0];
    const go = first.skills[2];
    await connectRows(user, friend);
    for (const skill of [ts, go]) {
      const res = await fetchEndorse(user.id, skill.id, friend.token);
      expect(res.status).toBe(201);
    }

    const second = await editProfile(user, { skills: ["Rust", "TYPESCRIPT", "SQL"] });
    expect(second.skills.map((s: { name: string }) => s.name)).toEqual(["Rust", "TYPESCRIPT", "SQL"]);
    const kept = second.skills.find((s: { name: string }) => s.name === "TYPESCRIPT");
    expect(kept).toMatchObject({ id: ts.id, endorsementCount: 1 });
    const left = await env.DB.prepare("SELECT COUNT(*) AS n FROM endorsements WHERE skill_id = ?")
      .bind(go.id)
      .first<number>("n");
    expect(left).toBe(0);
  });

  it("stores translations and privacy settings", async () => {
    const user = await createUser();
    const res = await editProfile(user, {
      translations: { en: { displayName: "Noura", headline: "Designer" }, fr: {} },
      privacy: { visibility: "CONNECTIONS", allowMessages: "CONNECTIONS", showActivityStatus: false },
    });
    expect(res.translations).toEqual({ en: { displayName: "Noura", headline: "Designer" } });
    expect(res.privacy).toEqual({
      visibility: "CONNECTIONS",
      showActivityStatus: false,
      allowMessages: "CONNECTIONS",
      showEmail: false,
      showConnections: true,
    });
    const again = await editProfile(user, { privacy: { showEmail: true } });
    expect(again.privacy).toMatchObject({
      visibility: "CONNECTIONS",
      showEmail: true,
      allowMessages: "CONNECTIONS",
    });
  });

  it("scores completeness with the documented weights", async () => {
    const user = await createUser();
    const res = await editProfile(user, {
      headline: "h",
      about: "a",
      location: "l",
      experience: [{ title: "t", company: "c", startDate: "2020-01" }],
      education: [{ school: "s" }],
      skills: ["a", "b"],
      languages: [{ language: "English", proficiency: "NATIVE" }],
    });
    // headline 15 + about 10 + location 5 + experience 20 + education 10 + languages 5; skills need 3.
    expect(res.completeness).toEqual({ score: 65, missing: ["avatarUrl", "skills", "bannerUrl"] });
    const more = await editProfile(user, { skills: ["a", "b", "c"] });
    expect(more.completeness.score).toBe(80);
  });

  it.each([
    ["headline over 220", { headline: "x".repeat(221) }],
    ["about over 2600", { about: "x".repeat(2601) }],
    ["location over 100", { location: "x".repeat(101) }],
    ["empty displayName", { displayName: "   " }],
    ["null displayName", { displayName: null }],
    ["numeric headline", { headline: 42 }],
    ["javascript website", { website: "javascript:alert(1)" }],
    ["ftp website", { website: "ftp://example.com" }],
    ["website with credentials", { website: "https://user:pw@example.com" }],
    ["http social link", { socialLinks: [{ kind: "X", url: "http://x.com/a" }] }],
    ["unknown social kind", { socialLinks: [{ kind: "MYSPACE", url: "https://myspace.com/a" }] }],
    [
      "11 social links",
      { socialLinks: Array.from({ length: 11 }, () => ({ kind: "OTHER", url: "https://a.example" })) },
    ],
    ["bad month", { experience: [{ title: "t", company: "c", startDate: "2020-13" }] }],
    [
      "end before start",
      { experience: [{ title: "t", company: "c", startDate: "2020-05", endDate: "2019-01" }] },
    ],
    [
      "description over 2000",
      { experience: [{ title: "t", company: "c", startDate: "2020-01", description: "x".repeat(2001) }] },
    ],
    [
      "31 experiences",
      { experience: Array.from({ length: 31 }, () => ({ title: "t", company: "c", startDate: "2020-01" })) },
    ],
    ["21 educations", { education: Array.from({ length: 21 }, () => ({ school: "s" })) }],
    ["51 skills", { skills: Array.from({ length: 51 }, (_, i) => `skill${i}`) }],
    ["empty skill", { skills: ["ok", " "] }],
    ["skills not a list", { skills: "TypeScript" }],
    ["bad proficiency", { languages: [{ language: "English", proficiency: "GOOD" }] }],
    ["bad visibility", { privacy: { visibility: "FRIENDS" } }],
    ["bad allowMessages", { privacy: { allowMessages: "SOME" } }],
    ["showEmail as string", { privacy: { showEmail: "yes" } }],
    ["bad translation locale", { translations: { "not a locale": { headline: "x" } } }],
    ["unknown translated field", { translations: { en: { email: "x" } } }],
    ["unknown field", { headLine: "typo" }],
    ["avatarUrl is read-only here", { avatarUrl: "https://evil.example/a.png" }],
  ])("refuses %s with 400 and changes nothing", async (_label, body) => {
    const user = await createUser();
    await editProfile(user, { headline: "before", skills: ["keep"] });
    const res = await edit(user.token, { location: "should not be saved", ...body });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("VALIDATION_ERROR");
    expect(res.body.error.details.length).toBeGreaterThan(0);
    const after = await get("/api/v1/profiles/me", { token: user.token });
    expect(after.body).toMatchObject({ headline: "before", location: null, skills: [{ name: "keep" }] });
  });

  it("refuses malformed JSON with 400", async () => {
    const user = await createUser();
    const res = await patch("/api/v1/profiles/me", "{not json", {
      token: user.token,
      headers: { "content-type": "application/json" },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("MALFORMED_JSON");
  });

  it("accepts the longest allowed values and Arabic text", async () => {
    const user = await createUser();
    const res = await edit(user.token, {
      headline: "ع".repeat(220),
      about: "ب".repeat(2600),
      experience: Array.from({ length: 30 }, (_, i) => ({
        title: `t${i}`,
        company: "c",
        startDate: "2020-01",
      })),
      skills: Array.from({ length: 50 }, (_, i) => `مهارة ${i}`),
    });
    expect(res.status).toBe(200);
    expect(res.body.experience).toHaveLength(30);
    expect(res.body.experience[29].title).toBe("t29");
    expect(res.body.skills).toHaveLength(50);
  });

  it("requires a valid token", async () => {
    expect((await edit(undefined, { headline: "x" })).status).toBe(401);
    const garbage = await edit("garbage", { headline: "x" });
    expect(garbage.status).toBe(401);
    expect(garbage.body.error.code).toBe("INVALID_TOKEN");
  });
});

async function fetchEndorse(ownerId: string, skillId: string, token: string) {
  const { post } = await import("../support/http");
  return post(`/api/v1/profiles/${ownerId}/skills/${skillId}/endorse`, undefined, { token });
}
