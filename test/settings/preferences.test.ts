import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { advanceClockForTests, MINUTE } from "../../src/platform/clock";
import { get, patch } from "../support/http";
import { createUser } from "../support/users";

const PATH = "/api/v1/settings/preferences";

describe("/api/v1/settings/preferences", () => {
  it("starts with the defaults and the locale chosen at registration", async () => {
    const user = await createUser();
    const res = await get(PATH, { token: user.token });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ theme: "SYSTEM", feedSort: "RELEVANCE", locale: "en" });
    const arabic = await createUser({ locale: "ar" });
    expect((await get(PATH, { token: arabic.token })).body.locale).toBe("ar");
  });

  it("changes only the fields given and mirrors the locale into the account (used by emails)", async () => {
    const user = await createUser();
    const dark = await patch(PATH, { theme: "DARK" }, { token: user.token });
    expect(dark.status).toBe(200);
    expect(dark.body).toMatchObject({ theme: "DARK", feedSort: "RELEVANCE" });

    const res = await patch(PATH, { feedSort: "RECENT", locale: "ar-SA" }, { token: user.token });
    expect(res.body).toMatchObject({ theme: "DARK", feedSort: "RECENT", locale: "ar-SA" });
    expect(res.body.updatedAt).toMatch(/^\d{4}-/);
    expect((await get(PATH, { token: user.token })).body).toEqual(res.body);
    const account = await get("/api/v1/auth/me", { token: user.token });
    expect(account.body.user.locale).toBe("ar-SA");
  });

  it("works for a member whose preferences row is missing", async () => {
    const user = await createUser();
    await env.DB.prepare("DELETE FROM user_preferences WHERE user_id = ?").bind(user.id).run();
    expect((await get(PATH, { token: user.token })).body).toMatchObject({
      theme: "SYSTEM",
      feedSort: "RELEVANCE",
    });
    const res = await patch(PATH, { theme: "LIGHT" }, { token: user.token });
    expect(res.body.theme).toBe("LIGHT");
  });

  it.each([
    ["unknown theme", { theme: "BLUE" }],
    ["lower-case theme", { theme: "dark" }],
    ["unknown feed order", { feedSort: "OLDEST" }],
    ["bad locale", { locale: "arabic language" }],
    ["locale with control characters", { locale: "ar\u0000" }],
    ["over-long locale", { locale: `en-${"a".repeat(40)}` }],
    ["number theme", { theme: 1 }],
    ["unknown field", { colour: "red" }],
    ["not an object", ["DARK"]],
  ])("refuses %s with 400 and changes nothing", async (_label, body) => {
    const user = await createUser();
    const res = await patch(PATH, { theme: "DARK", ...(body as object) }, { token: user.token });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("VALIDATION_ERROR");
    expect((await get(PATH, { token: user.token })).body.theme).toBe("SYSTEM");
  });

  it("requires a valid, unexpired token", async () => {
    const user = await createUser();
    expect((await get(PATH)).status).toBe(401);
    expect((await patch(PATH, { theme: "DARK" })).status).toBe(401);
    expect((await patch(PATH, { theme: "DARK" }, { token: "garbage" })).status).toBe(401);
    advanceClockForTests(16 * MINUTE);
    const expired = await get(PATH, { token: user.token });
    expect(expired.status).toBe(401);
    expect(expired.body.error.code).toBe("TOKEN_EXPIRED");
  });
});
