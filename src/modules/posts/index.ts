/** The public face of this module: what other modules may use. */
export {
  postJsonSql,
  reactionCountsOf,
  toPoll,
  toPost,
  toPosts,
} from "./read";
export { actionTargetSql } from "./reposts";
export {
  Id,
  MentionSchema,
  PollSchema,
  type Post,
  PostIdParam,
  PostSchema,
  ReactionCountsSchema,
  ReactionTypeSchema,
  TextDirectionSchema,
} from "./schemas";
export {
  insertMentions,
  linkMentions,
  type MentionCandidate,
  mentionCandidatesQuery,
  mentionedUsernames,
} from "./writes";
