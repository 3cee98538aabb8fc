import { describe, expect, it } from "vitest";
import { advanceClockForTests, MINUTE } from "../../src/platform/clock";
import { call } from "../support/http";
import { createUser } from "../support/users";
import { NOBODY } from "./helpers";

/** Every graph route, with a body that would be valid for a signed-in member. */
const ROUTES: [method: string, path: string, body?: unknown][] = [
  ["POST", "/api/v1/follow", { userId: NOBODY }],
  ["DELETE", "/api/v1/follow", { userId: NOBODY }],
  ["GET", "/api/v1/follow/followers"],
  ["GET", "/api/v1/follow/following"],
  ["POST", "/api/v1/connections/requests", { userId: NOBODY }],
  ["GET", "/api/v1/connections/requests?direction=outgoing"],
  ["POST", `/api/v1/connections/requests/${NOBODY}/accept`],
  ["POST", `/api/v1/connections/requests/${NOBODY}/ignore`],
  ["POST", `/api/v1/connections/requests/${NOBODY}/withdraw`],
  ["DELETE", `/api/v1/connections/requests/${NOBODY}`],
  ["GET", "/api/v1/connections"],
  ["GET", "/api/v1/connections/suggestions"],
  ["DELETE", `/api/v1/connections/${NOBODY}`],
  ["POST", `/api/v1/users/${NOBODY}/block`],
  ["DELETE", `/api/v1/users/${NOBODY}/block`],
  ["GET", "/api/v1/users/blocked"],
];

describe("graph routes refuse unauthenticated callers", () => {
  it.each(ROUTES)(
    "%s %s answers 401 without a token, with a garbage token and with an expired one",
    async (method, path, body) => {
      const none = await call(method, path, { body });
      expect(none.status).toBe(401);
      expect(none.body.error.code).toBe("UNAUTHENTICATED");

      const garbage = await call(method, path, { body, token: "not.a.jwt" });
      expect(garbage.status).toBe(401);

      const user = await createUser();
      advanceClockForTests(16 * MINUTE);
      const expired = await call(method, path, { body, token: user.token });
      expect(expired.status).toBe(401);
      expect(["TOKEN_EXPIRED", "INVALID_TOKEN"]).toContain(expired.body.error.code);
    },
  );

  it("every route is in the OpenAPI document", async () => {
    const doc = await call("GET", "/openapi.json");
    const paths = Object.keys(doc.body.paths);
    for (const p of [
      "/api/v1/follow",
      "/api/v1/follow/followers",
      "/api/v1/follow/following",
      "/api/v1/connections",
      "/api/v1/connections/requests",
      "/api/v1/connections/requests/{id}/accept",
      "/api/v1/connections/requests/{id}/ignore",
      "/api/v1/connections/requests/{id}/withdraw",
      "/api/v1/connections/requests/{id}",
      "/api/v1/connections/suggestions",
      "/api/v1/connections/{userId}",
      "/api/v1/users/{id}/block",
      "/api/v1/users/blocked",
    ]) {
      expect(paths).toContain(p);
    }
  });
});
