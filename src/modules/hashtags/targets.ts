import { sql } from "drizzle-orm";
import { defineTargets, type TargetSpec } from "../../core/targets";
import { hashtags } from "../../db/schema";

/** A hashtag is public: anyone may follow it and see its page. */
export const hashtagTarget: TargetSpec<typeof hashtags> = {
  type: "hashtag",
  code: "HASHTAG",
  table: hashtags,
  id: hashtags.id,
  visibleTo: () => sql`1`,
  counters: { followers: hashtags.followerCount },
};

export const hashtagTargets = defineTargets([hashtagTarget]);
