import { REACTION_TYPES } from "../../db/schema";
import { HOUR } from "../../platform/clock";
import { REACTION_COLUMNS } from "./read";

/** Binds `value` to every `?` of `query`. */
function prepareWith(db: D1Database, query: string, value: number): D1PreparedStatement {
  const count = query.split("?").length - 1;
  return db.prepare(query).bind(...Array.from({ length: count }, () => value));
}

/**
 * Content of purged accounts (`doomed` selects their ids with one `?` bound to the cutoff): their posts
 * with everything hanging off them, and their comments, reactions, reposts, votes, bookmarks and hashtag
 * follows on other members' content. Counters of what stays lose exactly the rows being deleted, in the
 * same batch, before the rows go. Must run before the graph purge deletes the doomed members' follows.
 */
export function purgeContentOf(db: D1Database, doomed: string, cutoff: number): D1PreparedStatement[] {
  const D = `(${doomed})`;
  const DP = `(SELECT id FROM posts WHERE author_id IN ${D})`;
  const DC = `(SELECT id FROM comments WHERE author_id IN ${D} OR parent_id IN (SELECT id FROM comments WHERE author_id IN ${D}))`;
  const hour = (col: string) => `((${col} / ${HOUR}) * ${HOUR})`;
  const reactionDecrements = (table: "posts" | "comments", type: "POST" | "COMMENT") =>
    `UPDATE ${table} SET ${REACTION_COLUMNS.map(
      (c, i) => `${c} = ${c} - (SELECT COUNT(*) FROM reactions r WHERE r.target_type = '${type}'
        AND r.target_id = ${table}.id AND r.type = '${REACTION_TYPES[i]}' AND r.user_id IN ${D})`,
    ).join(", ")}
     WHERE id IN (SELECT target_id FROM reactions WHERE target_type = '${type}' AND user_id IN ${D})`;
  const statements = [
    // Hashtag follows.
    `UPDATE hashtags SET follower_count = follower_count - (SELECT COUNT(*) FROM follows f
       WHERE f.target_type = 'HASHTAG' AND f.target_id = hashtags.id AND f.follower_id IN ${D})
     WHERE id IN (SELECT target_id FROM follows WHERE target_type = 'HASHTAG' AND follower_id IN ${D})`,
    `DELETE FROM follows WHERE target_type = 'HASHTAG' AND follower_id IN ${D}`,
    // Their reactions.
    reactionDecrements("posts", "POST"),
    reactionDecrements("comments", "COMMENT"),
    `DELETE FROM reactions WHERE user_id IN ${D}`,
    // Their poll votes.
    `UPDATE poll_options SET vote_count = vote_count - (SELECT COUNT(*) FROM poll_votes v
       WHERE v.option_id = poll_options.id AND v.user_id IN ${D})
     WHERE id IN (SELECT option_id FROM poll_votes WHERE user_id IN ${D})`,
    `UPDATE polls SET total_votes = total_votes - (SELECT COUNT(*) FROM poll_votes v WHERE v.poll_id = polls.id AND v.user_id IN ${D})
     WHERE id IN (SELECT poll_id FROM poll_votes WHERE user_id IN ${D})`,
    `DELETE FROM poll_votes WHERE user_id IN ${D}`,
    // Their bookmarks.
    `UPDATE posts SET bookmark_count = bookmark_count - (SELECT COUNT(*) FROM bookmarks b
       WHERE b.post_id = posts.id AND b.user_id IN ${D})
     WHERE id IN (SELECT post_id FROM bookmarks WHERE user_id IN ${D})`,
    `DELETE FROM bookmarks WHERE user_id IN ${D}`,
    // Their comments, and the replies under their top-level comments.
    `UPDATE posts SET comment_count = comment_count - (SELECT COUNT(*) FROM comments c
       WHERE c.post_id = posts.id AND c.deleted_at IS NULL AND c.id IN ${DC})
     WHERE id IN (SELECT post_id FROM comments WHERE id IN ${DC})`,
    `UPDATE comments SET reply_count = reply_count - (SELECT COUNT(*) FROM comments r
       WHERE r.parent_id = comments.id AND r.deleted_at IS NULL AND r.author_id IN ${D})
     WHERE id IN (SELECT parent_id FROM comments WHERE author_id IN ${D} AND parent_id IS NOT NULL)`,
    `DELETE FROM reactions WHERE target_type = 'COMMENT' AND target_id IN ${DC}`,
    `DELETE FROM mentions WHERE comment_id IN ${DC}`,
    `DELETE FROM comments WHERE id IN ${DC}`,
    // Their live reposts of other members' posts.
    `UPDATE posts SET repost_count = repost_count - (SELECT COUNT(*) FROM posts r
       WHERE r.repost_of_id = posts.id AND r.deleted_at IS NULL AND r.author_id IN ${D})
     WHERE id IN (SELECT repost_of_id FROM posts WHERE author_id IN ${D} AND repost_of_id IS NOT NULL AND deleted_at IS NULL)`,
    // Their posts: hashtag rows (with counts and usage buckets), and everything on them.
    `UPDATE hashtags SET post_count = post_count - (SELECT COUNT(*) FROM post_hashtags ph
       WHERE ph.hashtag_id = hashtags.id AND ph.post_id IN ${DP})
     WHERE id IN (SELECT hashtag_id FROM post_hashtags WHERE post_id IN ${DP})`,
    `UPDATE hashtag_usage SET uses = uses - (SELECT COUNT(*) FROM post_hashtags ph
       WHERE ph.hashtag_id = hashtag_usage.hashtag_id AND ${hour("ph.created_at")} = hashtag_usage.hour AND ph.post_id IN ${DP})
     WHERE (hashtag_id, hour) IN (SELECT hashtag_id, ${hour("created_at")} FROM post_hashtags WHERE post_id IN ${DP})`,
    `DELETE FROM post_hashtags WHERE post_id IN ${DP}`,
    `DELETE FROM bookmarks WHERE post_id IN ${DP}`,
    `DELETE FROM reactions WHERE target_type = 'COMMENT' AND target_id IN (SELECT id FROM comments WHERE post_id IN ${DP})`,
    `DELETE FROM mentions WHERE comment_id IN (SELECT id FROM comments WHERE post_id IN ${DP})`,
    `DELETE FROM comments WHERE post_id IN ${DP}`,
    `DELETE FROM reactions WHERE target_type = 'POST' AND target_id IN ${DP}`,
    `DELETE FROM poll_votes WHERE poll_id IN (SELECT id FROM polls WHERE post_id IN ${DP})`,
    `DELETE FROM poll_options WHERE poll_id IN (SELECT id FROM polls WHERE post_id IN ${DP})`,
    `DELETE FROM polls WHERE post_id IN ${DP}`,
    `DELETE FROM post_media WHERE post_id IN ${DP}`,
    `DELETE FROM post_edits WHERE post_id IN ${DP}`,
    `DELETE FROM mentions WHERE post_id IN ${DP} OR user_id IN ${D}`,
    `DELETE FROM hot_posts WHERE post_id IN ${DP}`,
    // Other members' plain reposts of their posts show nothing any more (they carry no content, counters
    // or comments: actions on a plain repost go to its original).
    `DELETE FROM posts WHERE kind = 'REPOST' AND repost_of_id IN ${DP}`,
    `DELETE FROM posts WHERE author_id IN ${D}`,
  ];
  return statements.map((q) => prepareWith(db, q, cutoff));
}
