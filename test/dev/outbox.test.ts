import { describe, expect, it } from "vitest";
import { app } from "../../src/app";
import { get, post, waitForEmail } from "../support/http";
import { productionEnv } from "../support/production";
import { registerUser } from "../support/users";

describe("GET /api/v1/dev/outbox", () => {
  it("shows the messages delivered to one address, newest first, and nobody else's", async () => {
    const a = await registerUser();
    const b = await registerUser();
    const first = await waitForEmail(a.email, "verify-email");
    await post("/api/v1/auth/resend-verification", { email: a.email }, { ip: a.ip });
    await waitForEmail(a.email, "verify-email", { after: first.id });
    const list = await get(`/api/v1/dev/outbox?to=${encodeURIComponent(a.email)}`);
    expect(list.body.data).toHaveLength(2);
    expect(list.body.data[0].id > list.body.data[1].id).toBe(true);
    expect(list.body.data.every((m: { to: string }) => m.to === a.email)).toBe(true);
    await waitForEmail(b.email, "verify-email");
  });

  it("is refused outside development and needs ?to=", async () => {
    const res = await app.request("/api/v1/dev/outbox?to=a@b.example", {}, productionEnv());
    expect(res.status).toBe(403);
    expect((await get("/api/v1/dev/outbox")).status).toBe(400);
  });
});
