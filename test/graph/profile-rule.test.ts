import { describe, expect, it } from "vitest";
import { block, connect } from "../support/graph";
import { get } from "../support/http";
import { createPost } from "../support/posts";
import { editProfile } from "../support/profiles";
import { marker, searchIds, waitIndexed } from "../support/search";
import { createUser, type TestUser } from "../support/users";

/**
 * One rule decides who may see a member's full profile (core/access/members.ts, fullProfileVisibleSql), and
 * every path that uses what only a full profile shows agrees with GET /profiles: the network lists, people
 * search on profile details, mentions, and the reasons of "people you may know".
 */
type Visibility = "PUBLIC" | "CONNECTIONS" | "PRIVATE";
type Relation = "connection" | "stranger" | "blocked";

interface Paths {
  profile: boolean;
  network: boolean;
  search: boolean;
  mention: boolean;
  suggested: boolean | null;
}

async function whatViewerSees(member: TestUser, viewer: TestUser, secret: string): Promise<Paths> {
  const profile = await get(`/api/v1/profiles/${member.username}`, { token: viewer.token });
  const network = await get(`/api/v1/follow/followers?userId=${member.id}`, { token: viewer.token });
  const found = await searchIds(viewer, `${secret}about`, { type: "people" });
  const p = await createPost(viewer, { content: `شكراً @${member.username}`, visibility: "PUBLIC" });
  const suggestions = await get("/api/v1/connections/suggestions", { token: viewer.token });
  return {
    profile: profile.status === 200 && profile.body.limited === false,
    network: network.status === 200,
    search: found.includes(member.id),
    mention: p.mentions.some((m: { userId: string }) => m.userId === member.id),
    // Connections are never suggested: only strangers tell whether the profile's details were used.
    suggested: suggestions.body.data.some((s: { user: { id: string } }) => s.user.id === member.id),
  };
}

describe("the full-profile rule is the same on every path", () => {
  const cases: [Visibility, Relation, boolean][] = [
    ["PUBLIC", "stranger", true],
    ["PUBLIC", "connection", true],
    ["PUBLIC", "blocked", false],
    ["CONNECTIONS", "stranger", false],
    ["CONNECTIONS", "connection", true],
    ["CONNECTIONS", "blocked", false],
    ["PRIVATE", "stranger", false],
    ["PRIVATE", "connection", false],
  ];

  it.each(cases)(
    "%s profile, %s viewer: full = %s everywhere",
    { timeout: 60_000 },
    async (visibility, relation, full) => {
      const mark = marker();
      const secret = `${mark}s`;
      const company = `${mark}corp`;
      const [member, viewer] = [await createUser(), await createUser()];
      await editProfile(member, {
        about: `${secret}about`,
        experience: [{ title: "Engineer", company, startDate: "2020-01" }],
        privacy: { visibility },
      });
      await editProfile(viewer, { experience: [{ title: "Analyst", company, startDate: "2021-01" }] });
      await waitIndexed("people", member.id);
      if (relation === "connection") await connect(member, viewer);
      if (relation === "blocked") await block(member, viewer);

      const seen = await whatViewerSees(member, viewer, secret);
      expect(seen).toEqual({
        profile: full,
        network: full,
        search: full,
        mention: full,
        suggested: relation === "stranger" ? full : false,
      });
    },
  );
});
