import { sql } from "drizzle-orm";
import { defineTargets, type Target } from "../../core/targets";

/** A hashtag is public: anyone may follow it and see its page. */
export const hashtagTarget: Target = {
  type: "hashtag",
  code: "HASHTAG",
  table: "hashtags",
  visibleTo: () => sql`1`,
  counters: { followers: "follower_count" },
};

export const hashtagTargets = defineTargets([hashtagTarget]);
