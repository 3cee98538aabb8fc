import { afterEach, describe, expect, it, vi } from "vitest";
import type { Actor, Role } from "../../src/core/identity/actor";
import { signAccessToken, verifyAccessToken } from "../../src/core/identity/tokens";
import { signedDownloadPath, signUpload, verifyDownload } from "../../src/modules/media/signing";
import { unsubscribeToken, verifyUnsubscribeToken } from "../../src/modules/notifications/unsubscribe";
import type { Bindings } from "../../src/platform/env";
import { freshIp } from "../support/http";
import { fetchWith, productionEnv, randomSecret } from "../support/production";
import { registerUser } from "../support/users";

/**
 * The Worker with wrangler.toml's default (ENVIRONMENT = "production"), called through its deployed entry
 * point: no development route, no public fallback key, and a clear refusal when a secret is missing.
 */
afterEach(() => vi.restoreAllMocks());

const DEVELOPMENT = { ENVIRONMENT: "development" } as const;
const member = (id: string, role: Role = "member"): Actor => ({
  id,
  sessionId: `s-${id}`,
  role,
  emailVerified: true,
});

async function login(bindings: Bindings, identifier: string, password: string) {
  return fetchWith(bindings, "/api/v1/auth/login", {
    method: "POST",
    body: { identifier, password },
    ip: freshIp(),
  });
}

async function rejection(work: Promise<unknown>): Promise<string> {
  try {
    await work;
  } catch (err) {
    return (err as { code?: string }).code ?? String(err);
  }
  return "resolved";
}

describe("a correctly configured production Worker", () => {
  it("signs in and answers /auth/me with its own key; tokens carry no key id", async () => {
    const user = await registerUser();
    const prod = productionEnv();
    expect((await fetchWith(prod, "/health")).body).toMatchObject({ status: "ok" });
    const signedIn = await login(prod, user.username, user.password);
    expect(signedIn.status).toBe(200);
    const token: string = signedIn.body.accessToken;
    const header = JSON.parse(atob(token.split(".")[0]!.replace(/-/g, "+").replace(/_/g, "/")));
    expect(header).toEqual({ alg: "HS256", typ: "JWT" });
    const me = await fetchWith(prod, "/api/v1/auth/me", { token });
    expect(me.status).toBe(200);
    expect(me.body.user.id).toBe(user.id);
  });

  it("refuses the development outbox", async () => {
    const res = await fetchWith(productionEnv(), "/api/v1/dev/outbox?to=a@b.example");
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe("DEV_ONLY");
  });

  it("rejects a token signed with the public development key, also for an admin", async () => {
    const user = await registerUser();
    const forged = await signAccessToken(DEVELOPMENT, member(user.id, "admin"), Date.now());
    const prod = productionEnv();
    const me = await fetchWith(prod, "/api/v1/auth/me", { token: forged });
    expect(me.status).toBe(401);
    expect(me.body.error.code).toBe("INVALID_TOKEN");
    const admin = await fetchWith(prod, "/api/v1/admin/search/rebuild", {
      method: "POST",
      token: forged,
      body: {},
    });
    expect(admin.status).toBe(401);
  });

  it("verifies the current key, then JWT_SECRET_PREVIOUS during a rotation, and nothing else", async () => {
    const user = await registerUser();
    const [oldKey, newKey] = [randomSecret(), randomSecret()];
    const before = productionEnv({ JWT_SECRET: oldKey });
    const token: string = (await login(before, user.username, user.password)).body.accessToken;
    const rotating = productionEnv({ JWT_SECRET: newKey, JWT_SECRET_PREVIOUS: oldKey });
    expect((await fetchWith(rotating, "/api/v1/auth/me", { token })).status).toBe(200);
    const fresh: string = (await login(rotating, user.username, user.password)).body.accessToken;
    expect((await fetchWith(rotating, "/api/v1/auth/me", { token: fresh })).status).toBe(200);
    const after = productionEnv({ JWT_SECRET: newKey });
    expect((await fetchWith(after, "/api/v1/auth/me", { token })).status).toBe(401);
    expect((await fetchWith(after, "/api/v1/auth/me", { token: fresh })).status).toBe(200);
  });
});

describe("a production Worker without its secrets", () => {
  it("counts any ENVIRONMENT but development or test as production", async () => {
    for (const ENVIRONMENT of ["staging", "Development", "dev", "", "production "]) {
      const configured = productionEnv({ ENVIRONMENT });
      expect((await fetchWith(configured, "/api/v1/dev/outbox?to=a@b.example")).body.error.code).toBe(
        "DEV_ONLY",
      );
      const unconfigured = productionEnv({ ENVIRONMENT, JWT_SECRET: undefined });
      expect((await fetchWith(unconfigured, "/api/v1/dev/outbox?to=a@b.example")).status).toBe(503);
    }
    const unset = productionEnv({ JWT_SECRET: undefined });
    delete (unset as Partial<Bindings>).ENVIRONMENT;
    expect((await fetchWith(unset, "/health")).status).toBe(503);
  });

  it("answers the API with 503 SERVICE_MISCONFIGURED, reports /health and logs one line naming the settings", async () => {
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    const broken = productionEnv({
      JWT_SECRET: undefined,
      MEDIA_SIGNING_SECRET: "x".repeat(31),
      UNSUBSCRIBE_SECRET: "too-short-for-an-hmac-key",
    });
    const user = await registerUser();
    const answers = [
      await login(broken, user.username, user.password),
      await fetchWith(broken, "/api/v1/dev/outbox?to=a@b.example"),
      await fetchWith(broken, "/api/v1/profiles/sara"),
      await fetchWith(broken, "/media/avatars/x.webp"),
    ];
    for (const res of answers) {
      expect(res.status).toBe(503);
      expect(res.body.error).toEqual({
        code: "SERVICE_MISCONFIGURED",
        message: "The service is not configured correctly. Try again later.",
      });
    }
    const ar = await fetchWith(broken, "/api/v1/auth/me", { headers: { "accept-language": "ar" } });
    expect(ar.body.error.message).toBe("الخدمة غير مُعدّة بشكل صحيح. حاول لاحقاً.");
    expect(JSON.stringify(answers.map((a) => a.body))).not.toContain("JWT_SECRET");

    const health = await fetchWith(broken, "/health");
    expect(health.status).toBe(503);
    expect(health.body).toMatchObject({
      status: "misconfigured",
      problems: [
        { setting: "JWT_SECRET", problem: "missing" },
        { setting: "MEDIA_SIGNING_SECRET", problem: "too short" },
        { setting: "UNSUBSCRIBE_SECRET", problem: "too short" },
      ],
    });
    const lines = errors.mock.calls.map((call) => String(call[0])).filter((l) => l.includes("misconfigured"));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain("JWT_SECRET is not set");
    expect(lines[0]).toContain("MEDIA_SIGNING_SECRET is shorter than 32 bytes");
    expect(lines[0]).not.toContain("x".repeat(31));
  });

  it("never signs or verifies access tokens with the development key", async () => {
    const bare = { ENVIRONMENT: "production" };
    expect(await rejection(signAccessToken(bare, member("u1"), Date.now()))).toBe("SERVICE_MISCONFIGURED");
    const devToken = await signAccessToken(DEVELOPMENT, member("u1"), Date.now());
    expect(await rejection(verifyAccessToken(bare, devToken, Date.now()))).toBe("SERVICE_MISCONFIGURED");
  });

  it("refuses to sign with a secret shorter than 32 bytes, in any mode", async () => {
    const now = Date.now();
    for (const ENVIRONMENT of ["production", "development"]) {
      const short = { ENVIRONMENT, JWT_SECRET: "s".repeat(31) };
      expect(await rejection(signAccessToken(short, member("u2"), now))).toBe("SERVICE_MISCONFIGURED");
    }
    // Bytes, not characters: 16 two-byte letters are 32 bytes.
    const arabic = { ENVIRONMENT: "production", JWT_SECRET: "ع".repeat(16) };
    expect(await signAccessToken(arabic, member("u2"), now)).toMatch(/^ey/);
    const user = await registerUser();
    const res = await login(productionEnv({ JWT_SECRET: "s".repeat(31) }), user.username, user.password);
    expect(res.status).toBe(503);
  });

  it("refuses media signing without MEDIA_SIGNING_SECRET, and a development signature never verifies", async () => {
    const grant = {
      id: "m1",
      ownerId: "u1",
      kind: "POST_IMAGE",
      size: 10,
      contentType: "image/png",
      expiresAt: 1,
    };
    const unset = productionEnv({ MEDIA_SIGNING_SECRET: undefined });
    expect(await rejection(signUpload(unset, grant))).toBe("SERVICE_MISCONFIGURED");
    expect(await rejection(signedDownloadPath(unset, "documents/a.pdf", 1))).toBe("SERVICE_MISCONFIGURED");
    const dev = { ...productionEnv(), ...DEVELOPMENT, MEDIA_SIGNING_SECRET: undefined };
    const devPath = await signedDownloadPath(dev, "documents/a.pdf", 1);
    const devSig = new URL(devPath, "https://x").searchParams.get("sig")!;
    const prod = productionEnv();
    expect(await verifyDownload(prod, "documents/a.pdf", 1, devSig)).toBe(false);
    expect(await signUpload(prod, grant)).not.toBe(await signUpload(dev, grant));
  });

  it("signs unsubscribe links only with UNSUBSCRIBE_SECRET or a key derived from the real JWT_SECRET", async () => {
    const noJwt = productionEnv({ JWT_SECRET: undefined });
    expect(await rejection(unsubscribeToken(noJwt, "u1", "mention"))).toBe("SERVICE_MISCONFIGURED");
    const short = productionEnv({ UNSUBSCRIBE_SECRET: "short" });
    expect(await rejection(unsubscribeToken(short, "u1", "mention"))).toBe("SERVICE_MISCONFIGURED");

    const prod = productionEnv();
    const devToken = await unsubscribeToken(DEVELOPMENT, "u1", "mention");
    expect(await rejection(verifyUnsubscribeToken(prod, devToken))).toBe("INVALID_LINK");
    const token = await unsubscribeToken(prod, "u1", "mention");
    expect(await verifyUnsubscribeToken(prod, token)).toEqual({ userId: "u1", scope: "mention" });
    // Derived from JWT_SECRET: another JWT_SECRET gives other links.
    expect(await rejection(verifyUnsubscribeToken(productionEnv(), token))).toBe("INVALID_LINK");
    const own = productionEnv({ UNSUBSCRIBE_SECRET: randomSecret() });
    expect(await unsubscribeToken(own, "u1", "mention")).not.toBe(token);
  });
});
