import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { runScheduled } from "../../src/core/cron";
import { DAY } from "../../src/platform/clock";
import { get, post } from "../support/http";
import { connectRows, editProfile, eventually, viewRows } from "../support/profiles";
import { createUser } from "../support/users";

describe("purge of deleted accounts", () => {
  it("removes a purged member's endorsements and views and keeps the counters of others exact", async () => {
    const [owner, leaver, stayer] = [await createUser(), await createUser(), await createUser()];
    const profile = await editProfile(owner, { skills: ["Design"] });
    const skillId = profile.skills[0].id;
    for (const member of [leaver, stayer]) {
      await connectRows(owner, member);
      expect(
        (
          await post(`/api/v1/profiles/${owner.id}/skills/${skillId}/endorse`, undefined, {
            token: member.token,
          })
        ).status,
      ).toBe(201);
      await get(`/api/v1/profiles/${owner.username}`, { token: member.token });
    }
    await eventually(
      () => viewRows(owner),
      (v) => v.viewCount >= 2,
    );
    await env.DB.prepare("UPDATE users SET status = 'DELETED', deleted_at = ? WHERE id = ?")
      .bind(Date.now() - 31 * DAY, leaver.id)
      .run();

    await runScheduled(env, Date.now(), "test");

    const skill = await env.DB.prepare(
      "SELECT endorsement_count AS c, (SELECT COUNT(*) FROM endorsements WHERE skill_id = ?1) AS n FROM skills WHERE id = ?1",
    )
      .bind(skillId)
      .first();
    expect(skill).toEqual({ c: 1, n: 1 });
    const views = await viewRows(owner);
    expect(views.rows.map((r) => r.viewer_id)).toEqual([stayer.id]);
    expect(views.viewCount).toBe(1);
    const leftovers = await env.DB.prepare("SELECT COUNT(*) AS n FROM endorsements WHERE endorser_id = ?")
      .bind(leaver.id)
      .first("n");
    expect(leftovers).toBe(0);
  });
});
