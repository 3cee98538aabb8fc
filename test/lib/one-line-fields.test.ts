import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { cleanLine, line, text } from "../../src/platform/openapi";
import { get, post } from "../support/http";
import { editProfile } from "../support/profiles";
import { createUser, uniqueName } from "../support/users";

/**
 * One-line fields (names, titles, headlines, queries) lose CR, LF, tabs and the Unicode line separators
 * at the input boundary: a display name travels into email subjects and notification titles, where a line
 * break could start a new mail header. Free text (posts, about, messages) keeps its line breaks.
 */
const INJECTION = "Sara\r\nBcc: victim@example.com\n\tX\u2028Y\u2029Z\u0085W";

describe("one-line text fields", () => {
  it("turn every line break and tab into one space; free text keeps its lines", () => {
    expect(cleanLine(INJECTION)).toBe("Sara Bcc: victim@example.com X Y Z W");
    expect(line(100).parse("  a\r\n\r\nb  ")).toBe("a b");
    expect(text(100).parse("first line\nsecond line")).toBe("first line\nsecond line");
  });

  it("strip line breaks from a display name given at registration", async () => {
    const username = uniqueName();
    const res = await post("/api/v1/auth/register", {
      username,
      email: `${username}@example.com`,
      password: "a-long-unusual-passphrase",
      displayName: INJECTION,
    });
    expect(res.status).toBe(201);
    const stored = await env.DB.prepare("SELECT display_name FROM users WHERE username = ?")
      .bind(username)
      .first<string>("display_name");
    expect(stored).toBe("Sara Bcc: victim@example.com X Y Z W");
  });

  it("strip line breaks from profile names, titles and lists, not from the about text", async () => {
    const user = await createUser();
    const profile = await editProfile(user, {
      displayName: INJECTION,
      headline: "Engineer\r\nat Majlis",
      location: "Riyadh\nKSA",
      about: "Line one\nLine two",
      skills: ["Type\nScript"],
      experience: [{ title: "Lead\r\nEngineer", company: "Majlis\nInc", startDate: "2020-01" }],
    });
    expect(profile.displayName).toBe("Sara Bcc: victim@example.com X Y Z W");
    expect(profile.headline).toBe("Engineer at Majlis");
    expect(profile.location).toBe("Riyadh KSA");
    expect(profile.about).toBe("Line one\nLine two");
    expect(profile.skills.map((s: { name: string }) => s.name)).toEqual(["Type Script"]);
    expect(profile.experience[0]).toMatchObject({ title: "Lead Engineer", company: "Majlis Inc" });
    const me = await get("/api/v1/auth/me", { token: user.token });
    expect(me.body.user.displayName).not.toMatch(/[\r\n]/);
  });
});
