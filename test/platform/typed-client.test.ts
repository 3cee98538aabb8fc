import { SELF } from "cloudflare:test";
import { hc } from "hono/client";
import { describe, expect, it } from "vitest";
import type { AppType } from "../../src/app";
import { freshIp } from "../support/http";
import { uniqueName } from "../support/users";

describe("typed client (hono/client with AppType)", () => {
  it("registers and reads /me with request and response types checked by tsc", async () => {
    const ip = freshIp();
    const client = hc<AppType>("http://majlis.test", {
      fetch: (input: RequestInfo | URL, init?: RequestInit) => SELF.fetch(input, init),
      headers: { "cf-connecting-ip": ip },
    });
    const username = uniqueName();
    const res = await client.api.v1.auth.register.$post({
      json: {
        username,
        email: `${username}@example.com`,
        password: "typed-client-passphrase",
        displayName: "Typed",
      },
    });
    expect(res.status).toBe(201);
    const login = await client.api.v1.auth.login.$post({
      json: { identifier: username, password: "typed-client-passphrase" },
    });
    if (login.status !== 200) throw new Error("login failed");
    const { accessToken } = await login.json();
    const me = await client.api.v1.auth.me.$get({}, { headers: { authorization: `Bearer ${accessToken}` } });
    if (me.status !== 200) throw new Error("me failed");
    const body = await me.json();
    expect(body.user.username).toBe(username);
  });
});
