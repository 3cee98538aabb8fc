import { sql } from "drizzle-orm";
import { postVisibleTo } from "../../core/access/posts";
import type { Deps } from "../../core/deps";
import type { Actor } from "../../core/identity/actor";
import { assertEmailVerified } from "../../core/identity/verified";
import { changed, runAll, valueOrNull } from "../../platform/db/batch";
import { AppError } from "../../platform/errors";
import { newId } from "../../platform/ids";
import { toPoll } from "../posts";

/**
 * Polls live on posts (created with the post). One vote per member per poll (unique index); a vote and
 * the option's and poll's counters are written in one batch, the counters guarded on the new vote row.
 */
interface PollState {
  id: string;
  closesAt: number;
  totalVotes: number;
  authorId: string;
  options: string;
  myVote: string | null;
  optionOk?: number;
}

function pollStateQuery(deps: Deps, viewerId: string | undefined, pollId: string, optionId?: string) {
  return deps.db.get<PollState | undefined>(sql`
    SELECT pl.id, pl.closes_at AS closesAt, pl.total_votes AS totalVotes, p.author_id AS authorId,
      (SELECT json_group_array(json_object('id', o.id, 'text', o.text, 'votes', o.vote_count))
        FROM (SELECT * FROM poll_options WHERE poll_id = pl.id ORDER BY position) o) AS options,
      (SELECT option_id FROM poll_votes WHERE poll_id = pl.id AND user_id = ${valueOrNull(viewerId)}) AS myVote
      ${optionId ? sql`, EXISTS (SELECT 1 FROM poll_options WHERE id = ${optionId} AND poll_id = pl.id) AS optionOk` : sql``}
    FROM polls pl JOIN posts p ON p.id = pl.post_id
    WHERE pl.id = ${pollId} AND ${postVisibleTo(viewerId, "p")}`);
}

function view(deps: Deps, state: PollState, viewerId: string | undefined) {
  return toPoll(
    {
      id: state.id,
      closesAt: state.closesAt,
      totalVotes: state.totalVotes,
      options: JSON.parse(state.options),
    },
    state.authorId,
    viewerId,
    state.myVote,
    deps.now,
  );
}

export async function vote(deps: Deps, user: Actor, pollId: string, optionId: string) {
  await assertEmailVerified(deps, user);
  const { db, now } = deps;
  const id = newId(now);
  const voted = sql`EXISTS (SELECT 1 FROM poll_votes WHERE id = ${id})`;
  const results = await runAll(db, [
    db.run(sql`INSERT INTO poll_votes (id, poll_id, option_id, user_id, created_at)
      SELECT ${id}, pl.id, o.id, ${user.id}, ${now}
      FROM polls pl JOIN poll_options o ON o.poll_id = pl.id AND o.id = ${optionId}
      WHERE pl.id = ${pollId} AND pl.closes_at > ${now}
        AND EXISTS (SELECT 1 FROM posts p WHERE p.id = pl.post_id AND ${postVisibleTo(user.id, "p")})
      ON CONFLICT DO NOTHING`),
    db.run(sql`UPDATE poll_options SET vote_count = vote_count + 1 WHERE id = ${optionId} AND ${voted}`),
    db.run(sql`UPDATE polls SET total_votes = total_votes + 1 WHERE id = ${pollId} AND ${voted}`),
    pollStateQuery(deps, user.id, pollId, optionId),
  ]);
  const state = results[3] as PollState | undefined;
  if (!state) throw new AppError("NOT_FOUND");
  if (changed(results[0]) === 0) {
    if (state.optionOk !== 1) throw new AppError("INVALID_POLL_OPTION");
    if (state.closesAt <= now) throw new AppError("POLL_CLOSED");
    throw new AppError("ALREADY_VOTED");
  }
  return view(deps, state, user.id);
}

/** Results: after voting, after close, or for the post's author; otherwise 403 POLL_RESULTS_HIDDEN. */
export async function results(deps: Deps, viewerId: string | undefined, pollId: string) {
  const state = await pollStateQuery(deps, viewerId, pollId);
  if (!state) throw new AppError("NOT_FOUND");
  const poll = view(deps, state, viewerId);
  if (!poll.resultsVisible) throw new AppError("POLL_RESULTS_HIDDEN");
  return poll;
}
