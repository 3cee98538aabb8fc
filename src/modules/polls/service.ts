import { sql } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import { postVisibleTo } from "../../core/access/posts";
import type { Deps } from "../../core/deps";
import type { Actor } from "../../core/identity/actor";
import { assertEmailVerified } from "../../core/identity/verified";
import { pollOptions, polls, pollVotes, posts } from "../../db/schema";
import { changed, runBatch, valueOrNull } from "../../platform/db/batch";
import { name } from "../../platform/db/statements";
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

const pl = alias(polls, "pl");
const p = alias(posts, "p");
const o = alias(pollOptions, "o");

function pollStateQuery(deps: Deps, viewerId: string | undefined, pollId: string, optionId?: string) {
  return deps.db.get<PollState | undefined>(sql`
    SELECT ${pl.id}, ${pl.closesAt} AS closesAt, ${pl.totalVotes} AS totalVotes, ${p.authorId} AS authorId,
      (SELECT json_group_array(json_object('id', ${o.id}, 'text', ${o.text}, 'votes', ${o.voteCount}))
        FROM (SELECT * FROM ${pollOptions} WHERE ${pollOptions.pollId} = ${pl.id} ORDER BY ${pollOptions.position}) ${o}) AS options,
      (SELECT ${pollVotes.optionId} FROM ${pollVotes} WHERE ${pollVotes.pollId} = ${pl.id}
        AND ${pollVotes.userId} = ${valueOrNull(viewerId)}) AS myVote
      ${optionId ? sql`, EXISTS (SELECT 1 FROM ${pollOptions} WHERE ${pollOptions.id} = ${optionId} AND ${pollOptions.pollId} = ${pl.id}) AS optionOk` : sql``}
    FROM ${polls} ${pl} JOIN ${posts} ${p} ON ${p.id} = ${pl.postId}
    WHERE ${pl.id} = ${pollId} AND ${postVisibleTo(viewerId, "p")}`);
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
  const voted = sql`EXISTS (SELECT 1 FROM ${pollVotes} WHERE ${pollVotes.id} = ${id})`;
  const results = await runBatch(db, [
    db.run(sql`INSERT INTO ${pollVotes} (${name(pollVotes.id)}, ${name(pollVotes.pollId)}, ${name(pollVotes.optionId)},
        ${name(pollVotes.userId)}, ${name(pollVotes.createdAt)})
      SELECT ${id}, ${pl.id}, ${o.id}, ${user.id}, ${now}
      FROM ${polls} ${pl} JOIN ${pollOptions} ${o} ON ${o.pollId} = ${pl.id} AND ${o.id} = ${optionId}
      WHERE ${pl.id} = ${pollId} AND ${pl.closesAt} > ${now}
        AND EXISTS (SELECT 1 FROM ${posts} ${p} WHERE ${p.id} = ${pl.postId} AND ${postVisibleTo(user.id, "p")})
      ON CONFLICT DO NOTHING`),
    db.run(sql`UPDATE ${pollOptions} SET ${name(pollOptions.voteCount)} = ${pollOptions.voteCount} + 1
      WHERE ${pollOptions.id} = ${optionId} AND ${voted}`),
    db.run(sql`UPDATE ${polls} SET ${name(polls.totalVotes)} = ${polls.totalVotes} + 1
      WHERE ${polls.id} = ${pollId} AND ${voted}`),
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
