import { describe, expect, it } from "vitest";
import { get } from "../support/http";

describe("profile and settings routes in the API document", () => {
  it("documents every route with its request and response schemas", async () => {
    const res = await get("/openapi.json");
    expect(res.status).toBe(200);
    const paths = res.body.paths;
    expect(Object.keys(paths)).toEqual(
      expect.arrayContaining([
        "/api/v1/profiles/me",
        "/api/v1/profiles/me/views",
        "/api/v1/profiles/{username}",
        "/api/v1/profiles/{id}/skills/{skillId}/endorse",
        "/api/v1/settings/preferences",
      ]),
    );
    expect(Object.keys(paths["/api/v1/profiles/me"])).toEqual(expect.arrayContaining(["get", "patch"]));
    expect(Object.keys(paths["/api/v1/profiles/{id}/skills/{skillId}/endorse"])).toEqual(["post", "delete"]);
    for (const name of ["Profile", "LimitedProfile", "UpdateProfileRequest", "Preferences", "ProfileViews"]) {
      expect(res.body.components.schemas).toHaveProperty(name);
    }
  });
});
