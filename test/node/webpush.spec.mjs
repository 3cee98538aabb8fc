import { createECDH, createPublicKey, verify } from "node:crypto";
import ece from "http_ece";
import { describe, expect, it } from "vitest";
import { encryptPushPayload } from "../../src/modules/push/ece.ts";
import { vapidAuthorization } from "../../src/modules/push/vapid.ts";

/**
 * Cross-checks of src/modules/push against implementations we did not write: `http_ece` (the aes128gcm
 * reference used by the web-push libraries) must decrypt what Majlis encrypts, and Node's own ECDSA
 * must accept the VAPID JWT.
 */
const b64 = (buf) => Buffer.from(buf).toString("base64url");

function browser() {
  const ecdh = createECDH("prime256v1");
  ecdh.generateKeys();
  const authSecret = Buffer.from(crypto.getRandomValues(new Uint8Array(16)));
  return { ecdh, publicKey: ecdh.getPublicKey(), authSecret };
}

describe("Web Push payloads, decrypted by http_ece", () => {
  it("decrypts Majlis' aes128gcm body for fresh browser keys", async () => {
    for (const text of [
      "hello",
      JSON.stringify({ title: "مجلس", body: "تفاعلات جديدة من سارة و14 شخصاً آخر" }),
      "x".repeat(3000),
    ]) {
      const ua = browser();
      const body = await encryptPushPayload(new TextEncoder().encode(text), ua.publicKey, ua.authSecret);
      const plain = ece.decrypt(Buffer.from(body), {
        version: "aes128gcm",
        privateKey: ua.ecdh,
        authSecret: b64(ua.authSecret),
      });
      expect(plain.toString("utf8")).toBe(text);
    }
  });

  it("decrypts padded payloads", async () => {
    const ua = browser();
    const body = await encryptPushPayload(new TextEncoder().encode("padded"), ua.publicKey, ua.authSecret, {
      padding: 100,
    });
    const plain = ece.decrypt(Buffer.from(body), {
      version: "aes128gcm",
      privateKey: ua.ecdh,
      authSecret: b64(ua.authSecret),
    });
    expect(plain.toString()).toBe("padded");
  });

  it("agrees with http_ece on the RFC 8291 Appendix A example", () => {
    const ua = createECDH("prime256v1");
    ua.setPrivateKey(Buffer.from("q1dXpw3UpT5VOmu_cf_v6ih07Aems3njxI-JWgLcM94", "base64url"));
    const body =
      "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A_" +
      "yl95bQpu6cVPTpK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulcy4a-fN";
    const plain = ece.decrypt(Buffer.from(body, "base64url"), {
      version: "aes128gcm",
      privateKey: ua,
      authSecret: "BTBZMqHH6r4Tts7J_aSIgg",
    });
    expect(plain.toString()).toBe("When I grow up, I want to be a watermelon");
  });
});

describe("VAPID JWT, verified by Node's crypto", () => {
  it("is an ES256 JWT for the push service's origin, signed by the advertised key", async () => {
    const pair = await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, [
      "sign",
      "verify",
    ]);
    const publicKey = b64(new Uint8Array(await crypto.subtle.exportKey("raw", pair.publicKey)));
    const endpoint = "https://updates.push.services.mozilla.com/wpush/v2/abc";
    const header = await vapidAuthorization(
      { privateKey: pair.privateKey, publicKey },
      endpoint,
      "mailto:ops@example.com",
      Date.now(),
    );
    const [, jwt, k] = /^vapid t=([^,]+), k=(.+)$/.exec(header);
    expect(k).toBe(publicKey);
    const [h, p, s] = jwt.split(".");
    const raw = Buffer.from(k, "base64url");
    const key = createPublicKey({
      key: { kty: "EC", crv: "P-256", x: b64(raw.subarray(1, 33)), y: b64(raw.subarray(33, 65)) },
      format: "jwk",
    });
    const ok = verify(
      "sha256",
      Buffer.from(`${h}.${p}`),
      { key, dsaEncoding: "ieee-p1363" },
      Buffer.from(s, "base64url"),
    );
    expect(ok).toBe(true);
    expect(JSON.parse(Buffer.from(h, "base64url").toString())).toEqual({ typ: "JWT", alg: "ES256" });
    const claims = JSON.parse(Buffer.from(p, "base64url").toString());
    expect(claims.aud).toBe("https://updates.push.services.mozilla.com");
    expect(claims.sub).toBe("mailto:ops@example.com");
  });
});
