import { describe, expect, it } from "vitest";
import { advanceClockForTests, DAY } from "../../src/platform/clock";
import { get, post } from "../support/http";
import { createPost } from "../support/posts";
import { signInAgain } from "../support/profiles";
import { createUser } from "../support/users";

async function pollPost() {
  const [author, voter, other] = await Promise.all([createUser(), createUser(), createUser()]);
  const p = await createPost(author, {
    content: "أفضل وقت للاجتماع؟",
    poll: { options: ["صباحاً", "مساءً"], durationDays: 1 },
  });
  return { author, voter, other, p, poll: p.poll, options: p.poll.options as { id: string }[] };
}

describe("polls", () => {
  it("hides results until you vote, then shows them; one vote per member", async () => {
    const { voter, other, poll, options, p } = await pollPost();
    const hidden = await get(`/api/v1/polls/${poll.id}/results`, { token: voter.token });
    expect(hidden.status).toBe(403);
    expect(hidden.body.error.code).toBe("POLL_RESULTS_HIDDEN");
    const seen = await get(`/api/v1/posts/${p.id}`, { token: voter.token });
    expect(seen.body.poll.options[0]).not.toHaveProperty("votes");
    const voted = await post(
      `/api/v1/polls/${poll.id}/vote`,
      { optionId: options[1]!.id },
      { token: voter.token },
    );
    expect(voted.status).toBe(200);
    expect(voted.body).toMatchObject({ myVote: options[1]!.id, totalVotes: 1, resultsVisible: true });
    expect(voted.body.options.map((o: { votes: number }) => o.votes)).toEqual([0, 1]);
    const again = await post(
      `/api/v1/polls/${poll.id}/vote`,
      { optionId: options[0]!.id },
      { token: voter.token },
    );
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe("ALREADY_VOTED");
    expect((await get(`/api/v1/polls/${poll.id}/results`, { token: voter.token })).body.totalVotes).toBe(1);
    expect((await get(`/api/v1/posts/${p.id}`, { token: voter.token })).body.poll.myVote).toBe(
      options[1]!.id,
    );
    expect((await get(`/api/v1/polls/${poll.id}/results`, { token: other.token })).status).toBe(403);
  });

  it("refuses votes after close (409 POLL_CLOSED) and then shows results to everyone", async () => {
    const { voter, poll, options } = await pollPost();
    advanceClockForTests(DAY + 1000);
    const token = await signInAgain(voter); // the access token expired meanwhile
    const late = await post(`/api/v1/polls/${poll.id}/vote`, { optionId: options[0]!.id }, { token });
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe("POLL_CLOSED");
    const results = await get(`/api/v1/polls/${poll.id}/results`);
    expect(results.status).toBe(200);
    expect(results.body).toMatchObject({ closed: true, totalVotes: 0 });
  });

  it("answers 400 for an option of another poll, 404 for unknown polls, 401 without token", async () => {
    const a = await pollPost();
    const b = await pollPost();
    const wrong = await post(
      `/api/v1/polls/${a.poll.id}/vote`,
      { optionId: b.options[0]!.id },
      { token: a.voter.token },
    );
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.code).toBe("INVALID_POLL_OPTION");
    expect((await post("/api/v1/polls/nope/vote", { optionId: "x" }, { token: a.voter.token })).status).toBe(
      404,
    );
    expect(
      (await post(`/api/v1/polls/${a.poll.id}/vote`, { optionId: 3 }, { token: a.voter.token })).status,
    ).toBe(400);
    expect((await post(`/api/v1/polls/${a.poll.id}/vote`, { optionId: a.options[0]!.id })).status).toBe(401);
  });
});
