import { describe, expect, it } from "vitest";
import { freshIp, get, patch, post, waitForEmail } from "../support/http";
import { createUser, uniqueName } from "../support/users";

/** The first hour of a new member, over HTTP only, as a client app would do it. */
describe("newcomer journey", () => {
  it("register → code from the outbox → verify → login → edit profile → connect → block → 404", async () => {
    const ip = freshIp();
    const username = uniqueName("nour");
    const email = `${username}@example.com`;
    const password = "olive-tree-by-the-sea";

    const registered = await post(
      "/api/v1/auth/register",
      { username, email, password, displayName: "نور الهدى" },
      { ip, lang: "ar" },
    );
    expect(registered.status).toBe(201);

    const mail = await waitForEmail(email, "verify-email");
    expect(mail.subject).toMatch(/[\u0600-\u06FF]/);
    expect((await post("/api/v1/auth/verify-email", { email, code: mail.code }, { ip })).status).toBe(200);

    const login = await post("/api/v1/auth/login", { identifier: email, password }, { ip });
    expect(login.status).toBe(200);
    expect(login.body.user.emailVerified).toBe(true);
    const token = login.body.accessToken as string;

    const edited = await patch(
      "/api/v1/profiles/me",
      {
        headline: "مهندسة بيانات في الرياض",
        location: "الرياض",
        skills: ["SQL", "تحليل البيانات", "Python"],
        experience: [{ title: "مهندسة بيانات", company: "stc", startDate: "2022-01", endDate: null }],
      },
      { token },
    );
    expect(edited.status).toBe(200);
    const mine = await get("/api/v1/profiles/me", { token });
    expect(mine.body.headline).toBe("مهندسة بيانات في الرياض");
    expect(mine.body.skills.map((s: { name: string }) => s.name)).toEqual([
      "SQL",
      "تحليل البيانات",
      "Python",
    ]);

    const colleague = await createUser();
    const asked = await post(
      "/api/v1/connections/requests",
      { userId: colleague.id, note: "تشرفت بلقائك" },
      { token },
    );
    expect(asked.status).toBe(201);
    const incoming = await get("/api/v1/connections/requests?direction=incoming", { token: colleague.token });
    const request = incoming.body.data.find((r: { id: string }) => r.id === asked.body.request.id);
    expect(request.note).toBe("تشرفت بلقائك");
    expect(
      (await post(`/api/v1/connections/requests/${request.id}/accept`, undefined, { token: colleague.token }))
        .status,
    ).toBe(200);
    const connections = await get("/api/v1/connections", { token });
    expect(connections.body.data.map((c: { user: { id: string } }) => c.user.id)).toContain(colleague.id);
    const seen = await get(`/api/v1/profiles/${username}`, { token: colleague.token });
    expect(seen.body.relationship.connected).toBe(true);

    expect((await post(`/api/v1/users/${colleague.id}/block`, undefined, { token })).status).toBe(201);
    expect((await get(`/api/v1/profiles/${colleague.username}`, { token })).status).toBe(404);
    const hidden = await get(`/api/v1/profiles/${username}`, { token: colleague.token });
    expect(hidden.status).toBe(404);
    expect(hidden.body.error.code).toBe("NOT_FOUND");
    expect((await get("/api/v1/connections", { token })).body.data).toEqual([]);
  });
});
