import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { unsubscribeToken } from "../../src/modules/notifications/unsubscribe";
import { base64url, fromBase64url } from "../../src/platform/encoding";
import { call, freshIp, get, post, waitForEmail } from "../support/http";
import {
  event,
  runNotify,
  storedNotification,
  waitFor,
  waitForNotifications,
} from "../support/notifications";
import { createUser, createUsers } from "../support/users";

function tokenFrom(text: string): string {
  const match = /unsubscribe\?token=([A-Za-z0-9_.-]+)/.exec(text);
  if (!match) throw new Error(`no unsubscribe link in: ${text}`);
  return match[1]!;
}

async function outbox(email: string, template: string) {
  const res = await get(`/api/v1/dev/outbox?to=${encodeURIComponent(email)}`);
  return (res.body.data as { template: string; subject: string; text: string; html: string }[]).filter(
    (m) => m.template === template,
  );
}

describe("notification emails and unsubscribe links", () => {
  it("emails a connection request in the member's language, with a working unsubscribe link", async () => {
    const sara = await createUser();
    const omar = await createUser({ locale: "ar" });
    const asked = await post("/api/v1/connections/requests", { userId: omar.id }, { token: sara.token });
    expect(asked.status).toBe(201);
    const mail = await waitForEmail(omar.email, "notification");
    expect(mail.subject).toBe(`طلب تواصل جديد من ${sara.displayName}`);
    expect(mail.html).toContain('dir="rtl"');
    expect(mail.text).toContain(`${env.APP_URL}/network/requests`);

    // The link works without signing in, and turns off exactly that email.
    const token = tokenFrom(mail.text);
    const res = await get(`/api/v1/notifications/unsubscribe?token=${token}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ unsubscribed: true, scope: "connection_request", channel: "email" });
    const prefs = await get("/api/v1/notifications/preferences", { token: omar.token });
    expect(prefs.body.channels.connection_request).toEqual({ inApp: true, email: false, push: true });
    expect(prefs.body.channels.mention.email).toBe(true);
    // Following the link again is harmless.
    expect((await get(`/api/v1/notifications/unsubscribe?token=${token}`)).status).toBe(200);

    // The next request is in the list but not emailed.
    const lina = await createUser();
    await post("/api/v1/connections/requests", { userId: omar.id }, { token: lina.token });
    const list = await waitForNotifications(
      omar,
      (l) => l.filter((n) => n.type === "connection_request").length === 2,
    );
    expect((await storedNotification(list[0]!.id))!.pending).toBe(0);
    expect(await outbox(omar.email, "notification")).toHaveLength(1);
  });

  it("does not email members whose address is not verified", async () => {
    const sara = await createUser();
    const omar = await createUser({ verified: false });
    await runNotify([event({ type: "mention", actorId: sara.id, recipientId: omar.id })]);
    const [n] = await waitForNotifications(omar, (l) => l.length === 1);
    expect((await storedNotification(n!.id))!.pending).toBe(0);
  });

  it("sends the email of an aggregated notification once, for its first event", async () => {
    const [omar, a, b] = await createUsers(3);
    await call("PATCH", "/api/v1/notifications/preferences", {
      token: omar!.token,
      body: { channels: { follow: { email: true } } },
    });
    await runNotify([event({ type: "follow", actorId: a!.id, recipientId: omar!.id })]);
    await runNotify([event({ type: "follow", actorId: b!.id, recipientId: omar!.id })]);
    await waitForEmail(omar!.email, "notification");
    const [n] = await waitForNotifications(omar!, (l) => l.length === 1 && l[0]!.actorCount === 2);
    await waitFor(async () => (await storedNotification(n!.id))!.pending === 0);
    expect(await outbox(omar!.email, "notification")).toHaveLength(1);
  });

  it("a digest link turns the digest off; one-click POST works too", async () => {
    const user = await createUser();
    const digestToken = await unsubscribeToken(env, user.id, "digest");
    const res = await post(`/api/v1/notifications/unsubscribe?token=${digestToken}`);
    expect(res.status).toBe(200);
    expect(res.body.scope).toBe("digest");
    expect((await get("/api/v1/notifications/preferences", { token: user.token })).body.digest).toBe("OFF");
  });

  it("in a browser the link shows a confirmation page (GET changes nothing) whose button unsubscribes", async () => {
    const user = await createUser();
    const token = await unsubscribeToken(env, user.id, "mention");
    const url = `/api/v1/notifications/unsubscribe?token=${token}`;
    const browser = { accept: "text/html,application/xhtml+xml,*/*;q=0.8", "accept-language": "ar" };
    const ip = freshIp();

    const page = await get<string>(url, { headers: browser, ip });
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toMatch(/^text\/html/);
    expect(page.body).toContain('dir="rtl"');
    expect(page.body).toContain("إلغاء الاشتراك");
    expect(page.body).toContain(`<form method="post" action="?token=${token}">`);
    // A mail scanner fetching the link unsubscribes nobody.
    const before = await get("/api/v1/notifications/preferences", { token: user.token });
    expect(before.body.channels.mention.email).toBe(true);

    const done = await call<string>("POST", url, {
      headers: { ...browser, "accept-language": "en", "content-type": "application/x-www-form-urlencoded" },
      ip,
    });
    expect(done.status).toBe(200);
    expect(done.body).toContain("You are unsubscribed");
    const after = await get("/api/v1/notifications/preferences", { token: user.token });
    expect(after.body.channels.mention.email).toBe(false);

    const broken = await get<string>(`${url}x`, { headers: { ...browser, "accept-language": "en" }, ip });
    expect(broken.status).toBe(400);
    expect(broken.headers.get("content-type")).toMatch(/^text\/html/);
    expect(broken.body).toContain("This link is invalid.");
  });

  it("forged, altered or foreign tokens are refused and change nothing", async () => {
    const [victim, attacker] = await createUsers(2);
    const own = await unsubscribeToken(env, attacker!.id, "mention");
    const [payload, signature] = own.split(".");
    const swapped = base64url(
      new TextEncoder().encode(
        new TextDecoder().decode(fromBase64url(payload!)).replace(attacker!.id, victim!.id),
      ),
    );
    const other = await unsubscribeToken(
      { ...env, UNSUBSCRIBE_SECRET: "someone-elses-secret-of-at-least-32-bytes" },
      victim!.id,
      "mention",
    );
    const bad = [
      `${swapped}.${signature}`,
      `${payload}.${signature}x`,
      `${payload}`,
      `${payload}.${signature}.extra`,
      other,
      "aaaaaaaaaaaa.bbbbbbbbbbbb",
      `${base64url(new TextEncoder().encode(`v1:${victim!.id}:not_a_type`))}.${signature}`,
    ];
    for (const token of bad) {
      const res = await get(`/api/v1/notifications/unsubscribe?token=${encodeURIComponent(token)}`);
      expect(res.status, token).toBe(400);
      expect(res.body.error.code).toBe("INVALID_LINK");
    }
    expect((await get("/api/v1/notifications/unsubscribe")).status).toBe(400);
    expect((await get("/api/v1/notifications/unsubscribe?token=short")).status).toBe(400);
    const prefs = await get("/api/v1/notifications/preferences", { token: victim!.token });
    expect(prefs.body.channels.mention.email).toBe(true);
    expect(prefs.body.updatedAt).toBeNull();
  });

  it("a token of a deleted account answers 404", async () => {
    const user = await createUser();
    const token = await unsubscribeToken(env, user.id, "follow");
    await env.DB.prepare("UPDATE users SET status = 'DELETED', deleted_at = ? WHERE id = ?")
      .bind(Date.now(), user.id)
      .run();
    expect((await get(`/api/v1/notifications/unsubscribe?token=${token}`)).status).toBe(404);
  });

  it("unsubscribe links are rate limited per address", async () => {
    const user = await createUser();
    const token = await unsubscribeToken(env, user.id, "follow");
    const ip = "198.51.100.77";
    let limited: Awaited<ReturnType<typeof get>> | undefined;
    for (let i = 0; i < 31 && !limited; i++) {
      const res = await get(`/api/v1/notifications/unsubscribe?token=${token}`, { ip });
      if (res.status === 429) limited = res;
    }
    expect(limited?.status).toBe(429);
    expect(limited!.headers.get("retry-after")).toBeTruthy();
  });
});
