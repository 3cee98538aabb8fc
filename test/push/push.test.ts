import { env } from "cloudflare:test";
import { afterEach, describe, expect, it } from "vitest";
import { encryptPushPayload } from "../../src/modules/push/ece";
import { endpointAllowed, MAX_SUBSCRIPTIONS_PER_USER } from "../../src/modules/push/service";
import { parseVapidSecrets, vapidAuthorization, vapidKeys } from "../../src/modules/push/vapid";
import { HOUR } from "../../src/platform/clock";
import { base64url, fromBase64url } from "../../src/platform/encoding";
import { startOfFreshWindow } from "../support/clock";
import { follow } from "../support/graph";
import { del, get, patch, post } from "../support/http";
import {
  type BrowserSubscription,
  browserSubscription,
  capturePush,
  decryptPush,
  event,
  runNotify,
  storedNotification,
  verifyVapid,
  waitFor,
  waitForNotifications,
} from "../support/notifications";
import { createUser, createUsers, type TestUser } from "../support/users";

// RFC 8291 Appendix A, copied from the RFC.
const RFC = {
  plaintext: "When I grow up, I want to be a watermelon",
  asPublic: "BP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A8",
  asPrivate: "yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw",
  uaPublic: "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4",
  uaPrivate: "q1dXpw3UpT5VOmu_cf_v6ih07Aems3njxI-JWgLcM94",
  auth: "BTBZMqHH6r4Tts7J_aSIgg",
  salt: "DGv6ra1nlYgDCS1FRnbzlw",
  body:
    "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A_" +
    "yl95bQpu6cVPTpK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulcy4a-fN",
};

function jwkOf(publicB64: string, privateB64: string): JsonWebKey {
  const pub = fromBase64url(publicB64);
  return {
    kty: "EC",
    crv: "P-256",
    x: base64url(pub.slice(1, 33)),
    y: base64url(pub.slice(33, 65)),
    d: privateB64,
  };
}

const importEcdh = (jwk: JsonWebKey) =>
  crypto.subtle.importKey("jwk", jwk, { name: "ECDH", namedCurve: "P-256" }, false, ["deriveBits"]);

async function register(user: TestUser, sub: BrowserSubscription) {
  return post(
    "/api/v1/push/register",
    { endpoint: sub.endpoint, keys: sub.keys, expirationTime: null },
    { token: user.token },
  );
}

async function subscriptionCount(userId: string): Promise<number> {
  const row = await env.DB.prepare("SELECT COUNT(*) AS n FROM push_subscriptions WHERE user_id = ?")
    .bind(userId)
    .first<{ n: number }>();
  return row!.n;
}

let capture: ReturnType<typeof capturePush> | undefined;
afterEach(() => {
  capture?.restore();
  capture = undefined;
});

describe("Web Push encryption (RFC 8291, aes128gcm)", () => {
  it("matches the RFC 8291 Appendix A example byte for byte", async () => {
    const body = await encryptPushPayload(
      new TextEncoder().encode(RFC.plaintext),
      fromBase64url(RFC.uaPublic),
      fromBase64url(RFC.auth),
      {
        salt: fromBase64url(RFC.salt),
        ephemeral: {
          privateKey: await importEcdh(jwkOf(RFC.asPublic, RFC.asPrivate)),
          publicRaw: fromBase64url(RFC.asPublic),
        },
      },
    );
    expect(base64url(body)).toBe(RFC.body);
  });

  it("the test's independent decryptor reads the RFC example", async () => {
    const text = await decryptPush(
      fromBase64url(RFC.body),
      await importEcdh(jwkOf(RFC.uaPublic, RFC.uaPrivate)),
      fromBase64url(RFC.uaPublic),
      fromBase64url(RFC.auth),
    );
    expect(text).toBe(RFC.plaintext);
  });

  it("payloads for fresh browser keys decrypt (with and without padding, Arabic text)", async () => {
    const sub = await browserSubscription();
    for (const padding of [0, 17]) {
      const message = JSON.stringify({ body: "تفاعل جديد من سارة على منشورك", n: padding });
      const body = await encryptPushPayload(
        new TextEncoder().encode(message),
        sub.publicRaw,
        sub.authSecret,
        { padding },
      );
      expect(body.length).toBe(86 + new TextEncoder().encode(message).length + 1 + padding + 16);
      expect(await decryptPush(body, sub.privateKey, sub.publicRaw, sub.authSecret)).toBe(message);
    }
    // A fresh salt and sender key every time.
    const a = await encryptPushPayload(new Uint8Array([1]), sub.publicRaw, sub.authSecret);
    const b = await encryptPushPayload(new Uint8Array([1]), sub.publicRaw, sub.authSecret);
    expect(base64url(a.slice(0, 86))).not.toBe(base64url(b.slice(0, 86)));
  });

  it("refuses payloads that do not fit one 4096-byte record and malformed keys", async () => {
    const sub = await browserSubscription();
    await expect(encryptPushPayload(new Uint8Array(3994), sub.publicRaw, sub.authSecret)).rejects.toThrow();
    await expect(
      encryptPushPayload(new Uint8Array(3993), sub.publicRaw, sub.authSecret),
    ).resolves.toHaveLength(4096);
    await expect(
      encryptPushPayload(new Uint8Array(1), sub.publicRaw.slice(1), sub.authSecret),
    ).rejects.toThrow();
    await expect(encryptPushPayload(new Uint8Array(1), sub.publicRaw, new Uint8Array(8))).rejects.toThrow();
  });
});

describe("VAPID", () => {
  it("serves a stable development key and signs ES256 JWTs that verify with it", async () => {
    const a = await get("/api/v1/push/vapid-public-key");
    const b = await get("/api/v1/push/vapid-public-key");
    expect(a.status).toBe(200);
    expect(a.body.publicKey).toBe(b.body.publicKey);
    const raw = fromBase64url(a.body.publicKey);
    expect(raw).toHaveLength(65);
    expect(raw[0]).toBe(4);
    const keys = (await vapidKeys(env))!;
    const endpoint = "https://fcm.googleapis.com/fcm/send/abc";
    const now = Date.now();
    const header = await vapidAuthorization(keys, endpoint, "mailto:ops@example.com", now);
    const checked = await verifyVapid(header, endpoint);
    expect(checked).toMatchObject({ ok: true, audienceOk: true, publicKey: a.body.publicKey });
    expect(checked.header).toEqual({ typ: "JWT", alg: "ES256" });
    expect(checked.claims.sub).toBe("mailto:ops@example.com");
    expect(checked.claims.exp).toBeGreaterThan(now / 1000);
    expect(checked.claims.exp).toBeLessThanOrEqual(now / 1000 + 24 * 3600);
  });

  it("reads configured keys as a JWK or as base64url raw keys, and rejects mismatches", async () => {
    const pair = (await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, [
      "sign",
    ])) as CryptoKeyPair;
    const jwk = (await crypto.subtle.exportKey("jwk", pair.privateKey)) as JsonWebKey;
    const pub = base64url(
      new Uint8Array((await crypto.subtle.exportKey("raw", pair.publicKey)) as ArrayBuffer),
    );
    const fromJwk = await vapidKeys({
      ...env,
      VAPID_PRIVATE_KEY: JSON.stringify(jwk),
      VAPID_PUBLIC_KEY: undefined,
    });
    const fromRaw = await vapidKeys({ ...env, VAPID_PRIVATE_KEY: jwk.d!, VAPID_PUBLIC_KEY: pub });
    expect(fromJwk!.publicKey).toBe(pub);
    expect(fromRaw!.publicKey).toBe(pub);
    const header = await vapidAuthorization(
      fromRaw!,
      "https://updates.push.services.mozilla.com/x",
      "mailto:a@b.c",
      Date.now(),
    );
    expect((await verifyVapid(header, "https://updates.push.services.mozilla.com/x")).ok).toBe(true);
    const stranger = (await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, [
      "sign",
    ])) as CryptoKeyPair;
    const otherPub = base64url(
      new Uint8Array((await crypto.subtle.exportKey("raw", stranger.publicKey)) as ArrayBuffer),
    );
    await expect(
      vapidKeys({ ...env, VAPID_PRIVATE_KEY: jwk.d!, VAPID_PUBLIC_KEY: otherPub }),
    ).rejects.toThrow();
    expect(() => parseVapidSecrets(JSON.stringify(jwk), otherPub)).toThrow(/does not match/);
    expect(() => parseVapidSecrets("short", pub)).toThrow();
    expect(() => parseVapidSecrets('{"kty":"RSA"}', undefined)).toThrow(/P-256/);
    // Outside development, no keys means no Web Push.
    expect(await vapidKeys({ ...env, ENVIRONMENT: "production", VAPID_PRIVATE_KEY: undefined })).toBeNull();
  });
});

describe("push subscriptions", () => {
  it("registers, re-registers the same browser, and unregisters", async () => {
    const user = await createUser();
    const sub = await browserSubscription();
    const first = await register(user, sub);
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      id: expect.any(String),
      endpoint: sub.endpoint,
      createdAt: expect.any(String),
    });
    const again = await register(user, sub);
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(first.body.id);
    expect(await subscriptionCount(user.id)).toBe(1);
    const gone = await del("/api/v1/push/unregister", { endpoint: sub.endpoint }, { token: user.token });
    expect(gone.status).toBe(204);
    expect(await subscriptionCount(user.id)).toBe(0);
    expect(
      (await del("/api/v1/push/unregister", { endpoint: sub.endpoint }, { token: user.token })).status,
    ).toBe(204);
  });

  it("an endpoint registered by one member cannot be taken over, changed or removed by another", async () => {
    const [a, b] = await createUsers(2);
    const sub = await browserSubscription();
    expect((await register(a!, sub)).status).toBe(201);
    const before = await env.DB.prepare("SELECT * FROM push_subscriptions WHERE endpoint = ?")
      .bind(sub.endpoint)
      .first();
    expect(
      (await del("/api/v1/push/unregister", { endpoint: sub.endpoint }, { token: b!.token })).status,
    ).toBe(204);
    // B knows A's endpoint (a leak) and registers it with B's own keys.
    const theirs = await browserSubscription();
    const taken = await post(
      "/api/v1/push/register",
      { endpoint: sub.endpoint, keys: theirs.keys },
      { token: b!.token, lang: "ar" },
    );
    expect(taken.status).toBe(409);
    expect(taken.body.error.code).toBe("PUSH_ENDPOINT_TAKEN");
    expect(taken.body.error.message).toMatch(/[\u0600-\u06FF]/);
    const parallel = await Promise.all([register(b!, sub), register(b!, sub), register(b!, sub)]);
    expect(parallel.map((r) => r.status)).toEqual([409, 409, 409]);
    // A's row is exactly as it was: same owner, same keys; B has nothing.
    const after = await env.DB.prepare("SELECT * FROM push_subscriptions WHERE endpoint = ?")
      .bind(sub.endpoint)
      .first();
    expect(after).toEqual(before);
    expect(await subscriptionCount(b!.id)).toBe(0);
    // A's pushes still reach A's browser, encrypted for A's keys.
    capture = capturePush();
    await runNotify([event({ type: "follow", actorId: b!.id, recipientId: a!.id })]);
    const [request] = await waitFor(() => {
      const sent = capture!.captured.filter((c) => c.url === sub.endpoint);
      return sent.length > 0 ? sent : undefined;
    });
    expect(
      JSON.parse(await decryptPush(request!.body, sub.privateKey, sub.publicRaw, sub.authSecret)).type,
    ).toBe("follow");
    // Once A lets it go, the browser may be registered by B.
    expect(
      (await del("/api/v1/push/unregister", { endpoint: sub.endpoint }, { token: a!.token })).status,
    ).toBe(204);
    expect((await register(b!, sub)).status).toBe(201);
    expect(await subscriptionCount(b!.id)).toBe(1);
  });

  it(`keeps the newest ${MAX_SUBSCRIPTIONS_PER_USER} subscriptions of a member, evicting the oldest`, async () => {
    // The registrations of one window of the push rate limit, then more in the next window.
    startOfFreshWindow(HOUR);
    const user = await createUser();
    const subs = await Promise.all(
      Array.from({ length: MAX_SUBSCRIPTIONS_PER_USER }, () => browserSubscription()),
    );
    for (const s of subs) expect((await register(user, s)).status).toBe(201);
    expect(await subscriptionCount(user.id)).toBe(MAX_SUBSCRIPTIONS_PER_USER);
    const limited = await register(user, await browserSubscription());
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBeTruthy();

    // Next window: the access token expired too, so sign in again.
    startOfFreshWindow(HOUR);
    const fresh = await post(
      "/api/v1/auth/login",
      { identifier: user.username, password: user.password },
      { ip: user.ip },
    );
    const again = { ...user, token: fresh.body.accessToken as string };
    const newest = await browserSubscription();
    expect((await register(again, newest)).status).toBe(201);
    const endpoints = async () =>
      (
        await env.DB.prepare("SELECT endpoint FROM push_subscriptions WHERE user_id = ?")
          .bind(user.id)
          .all<{ endpoint: string }>()
      ).results.map((r) => r.endpoint);
    let kept = await endpoints();
    expect(kept).toHaveLength(MAX_SUBSCRIPTIONS_PER_USER);
    expect(kept).toContain(newest.endpoint);
    expect(kept).not.toContain(subs[0]!.endpoint);

    // Registrations at once never leave more than the cap, and the newest ones stay.
    const burst = await Promise.all(Array.from({ length: 6 }, () => browserSubscription()));
    const answers = await Promise.all(burst.map((s) => register(again, s)));
    expect(answers.map((r) => r.status)).toEqual(Array(6).fill(201));
    kept = await endpoints();
    expect(kept).toHaveLength(MAX_SUBSCRIPTIONS_PER_USER);
    for (const s of burst) expect(kept).toContain(s.endpoint);
    expect(kept).toContain(newest.endpoint);
    for (const s of subs.slice(0, 7)) expect(kept).not.toContain(s.endpoint);
  });

  it("rejects endpoints the server must not call and malformed keys", async () => {
    const user = await createUser();
    const sub = await browserSubscription();
    const cases: unknown[] = [
      { endpoint: "http://fcm.googleapis.com/fcm/send/x", keys: sub.keys },
      { endpoint: "https://127.0.0.1/push/x", keys: sub.keys },
      { endpoint: "https://localhost/push/x", keys: sub.keys },
      { endpoint: "https://evil.example/push/x", keys: sub.keys },
      { endpoint: "https://fcm.googleapis.com.evil.example/x", keys: sub.keys },
      { endpoint: "https://user:pw@fcm.googleapis.com/x", keys: sub.keys },
      { endpoint: "not a url at all", keys: sub.keys },
      {
        endpoint: sub.endpoint,
        keys: { p256dh: base64url(new Uint8Array(65).fill(4)), auth: sub.keys.auth },
      },
      { endpoint: sub.endpoint, keys: { p256dh: sub.keys.p256dh, auth: base64url(new Uint8Array(12)) } },
      { endpoint: sub.endpoint, keys: { p256dh: "!!!", auth: sub.keys.auth } },
      { endpoint: sub.endpoint, keys: { p256dh: sub.keys.p256dh } },
      { endpoint: sub.endpoint },
      { endpoint: 42, keys: sub.keys },
      { endpoint: `https://fcm.googleapis.com/${"x".repeat(2100)}`, keys: sub.keys },
    ];
    for (const body of cases) {
      const res = await post("/api/v1/push/register", body, { token: user.token });
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(res.body.error.code).toBe("VALIDATION_ERROR");
    }
    expect(await subscriptionCount(user.id)).toBe(0);
    expect(endpointAllowed({ PUSH_ENDPOINT_HOSTS: "*" }, "https://push.example.org/x")).toBe(true);
    expect(endpointAllowed({ PUSH_ENDPOINT_HOSTS: "*" }, "https://[::1]/x")).toBe(false);
    expect(endpointAllowed({}, "https://wns2-by3p.notify.windows.com/w/?token=x")).toBe(true);
    expect(endpointAllowed({}, "https://web.push.apple.com/QGx")).toBe(true);
  });
});

describe("push delivery", () => {
  it("sends an encrypted, VAPID-signed push that the browser can decrypt", async () => {
    const sara = await createUser();
    const omar = await createUser({ locale: "ar" });
    const sub = await browserSubscription();
    expect((await register(omar, sub)).status).toBe(201);
    capture = capturePush();
    await follow(sara, omar);
    const [request] = await waitFor(() => {
      const sent = capture!.captured.filter((c) => c.url === sub.endpoint);
      return sent.length > 0 ? sent : undefined;
    });
    expect(request!.headers.get("content-encoding")).toBe("aes128gcm");
    expect(request!.headers.get("content-type")).toBe("application/octet-stream");
    expect(Number(request!.headers.get("ttl"))).toBeGreaterThan(0);
    expect(request!.headers.get("urgency")).toBe("normal");
    const vapid = await verifyVapid(request!.headers.get("authorization")!, sub.endpoint);
    expect(vapid).toMatchObject({ ok: true, audienceOk: true });
    expect(vapid.publicKey).toBe((await get("/api/v1/push/vapid-public-key")).body.publicKey);
    const payload = JSON.parse(
      await decryptPush(request!.body, sub.privateKey, sub.publicRaw, sub.authSecret),
    );
    const [listed] = await waitForNotifications(omar, (l) => l.length === 1);
    expect(payload).toMatchObject({
      id: listed!.id,
      type: "follow",
      title: "مجلس",
      tag: listed!.id,
      body: `متابع جديد: ${sara.displayName}`,
      url: `${env.APP_URL}/u/${sara.username}`,
    });
    expect(request!.headers.get("topic")).toBe(listed!.id);
    await waitFor(async () => (await storedNotification(listed!.id))!.pending === 0);
  });

  it("removes subscriptions the push service says are gone (404, 410) and keeps the others", async () => {
    const [sara, omar] = await createUsers(2);
    const gone = await browserSubscription();
    const missing = await browserSubscription("updates.push.services.mozilla.com");
    const fine = await browserSubscription();
    for (const s of [gone, missing, fine]) await register(omar!, s);
    capture = capturePush((url) => (url === gone.endpoint ? 410 : url === missing.endpoint ? 404 : 201));
    await runNotify([event({ type: "follow", actorId: sara!.id, recipientId: omar!.id })]);
    await waitFor(async () => (await subscriptionCount(omar!.id)) === 1);
    const left = await env.DB.prepare(
      "SELECT endpoint, last_success_at FROM push_subscriptions WHERE user_id = ?",
    )
      .bind(omar!.id)
      .first<{ endpoint: string; last_success_at: number | null }>();
    expect(left!.endpoint).toBe(fine.endpoint);
    await waitFor(async () => {
      const row = await env.DB.prepare("SELECT last_success_at FROM push_subscriptions WHERE endpoint = ?")
        .bind(fine.endpoint)
        .first<{ last_success_at: number | null }>();
      return row?.last_success_at !== null;
    });
  });

  it("retries when the push service fails, then delivers once", async () => {
    const [sara, omar] = await createUsers(2);
    const sub = await browserSubscription();
    await register(omar!, sub);
    let calls = 0;
    capture = capturePush(() => (++calls === 1 ? 503 : 201));
    await runNotify([event({ type: "follow", actorId: sara!.id, recipientId: omar!.id })]);
    const [n] = await waitForNotifications(omar!, (l) => l.length === 1);
    await waitFor(async () => (await storedNotification(n!.id))!.pending === 0, 25_000);
    expect(capture.captured.filter((c) => c.url === sub.endpoint)).toHaveLength(2);
    expect(await subscriptionCount(omar!.id)).toBe(1);
  });

  it("respects the push preference and sends nothing for a read notification", async () => {
    const [sara, omar, lina] = await createUsers(3);
    const sub = await browserSubscription();
    await register(omar!, sub);
    capture = capturePush();
    const off = await patch(
      "/api/v1/notifications/preferences",
      { channels: { follow: { push: false } } },
      { token: omar!.token },
    );
    expect(off.status).toBe(200);
    await runNotify([event({ type: "follow", actorId: sara!.id, recipientId: omar!.id })]);
    const [n] = await waitForNotifications(omar!, (l) => l.length === 1);
    expect((await storedNotification(n!.id))!.pending).toBe(0);
    // A delivery job for a notification read meanwhile sends nothing.
    await env.DB.prepare("UPDATE notifications SET pending = 1 WHERE id = ?").bind(n!.id).run();
    await post(`/api/v1/notifications/${n!.id}/read`, undefined, { token: omar!.token });
    await runNotify([
      {
        key: `deliver-test-${n!.id}`,
        body: { type: "deliver", notificationId: n!.id, userId: omar!.id, channel: "push" },
      },
    ]);
    expect((await storedNotification(n!.id))!.pending).toBe(0);
    // Another member's id in a job changes nothing.
    await runNotify([
      {
        key: `deliver-test2-${n!.id}`,
        body: { type: "deliver", notificationId: n!.id, userId: lina!.id, channel: "push" },
      },
    ]);
    expect(capture.captured.filter((c) => c.url === sub.endpoint)).toHaveLength(0);
  });
});
