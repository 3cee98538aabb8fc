import { type SQL, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import {
  bookmarks,
  comments,
  follows,
  hashtags,
  hashtagUsage,
  hotPosts,
  mentions,
  pollOptions,
  polls,
  pollVotes,
  postEdits,
  postHashtags,
  postMedia,
  posts,
  REACTION_TYPES,
  reactions,
} from "../../db/schema";
import { HOUR } from "../../platform/clock";
import { name, statement } from "../../platform/db/statements";
import { REACTION_COUNTERS } from "./read";

// Second copies of tables, for subqueries that read the same table as the statement they are in.
const f = alias(follows, "f");
const r = alias(reactions, "r");
const v = alias(pollVotes, "v");
const b = alias(bookmarks, "b");
const c = alias(comments, "c");
const rc = alias(comments, "r");
const rp = alias(posts, "r");
const ph = alias(postHashtags, "ph");
const dp = alias(posts, "dp");
const dc = alias(comments, "dc");
const dcp = alias(comments, "dcp");

/**
 * Content of purged accounts (`doomed` selects their ids ): their posts
 * with everything hanging off them, and their comments, reactions, reposts, votes, bookmarks and hashtag
 * follows on other members' content. Counters of what stays lose exactly the rows being deleted, in the
 * same batch, before the rows go. Must run before the graph purge deletes the doomed members' follows.
 */
export function purgeContentOf(db: D1Database, doomed: SQL): D1PreparedStatement[] {
  const D = sql`(${doomed})`;
  // Their posts, and their comments with the replies under their top-level comments.
  const DP = sql`(SELECT ${dp.id} FROM ${posts} ${dp} WHERE ${dp.authorId} IN ${D})`;
  const DC = sql`(SELECT ${dc.id} FROM ${comments} ${dc} WHERE ${dc.authorId} IN ${D}
    OR ${dc.parentId} IN (SELECT ${dcp.id} FROM ${comments} ${dcp} WHERE ${dcp.authorId} IN ${D}))`;
  // Hourly usage buckets: integer division by a literal (a bound number could divide as a real).
  const hour = (column: SQL | typeof ph.createdAt) =>
    sql`((${column} / ${sql.raw(String(HOUR))}) * ${sql.raw(String(HOUR))})`;
  const reactionDecrements = (table: typeof posts | typeof comments, type: "POST" | "COMMENT") =>
    sql`UPDATE ${table} SET ${sql.join(
      REACTION_COUNTERS.map(
        (k, i) => sql`${name(table[k])} = ${table[k]} - (SELECT COUNT(*) FROM ${reactions} ${r}
          WHERE ${r.targetType} = ${type} AND ${r.targetId} = ${table.id} AND ${r.type} = ${REACTION_TYPES[i]}
            AND ${r.userId} IN ${D})`,
      ),
      sql`, `,
    )}
     WHERE ${table.id} IN (SELECT ${reactions.targetId} FROM ${reactions}
       WHERE ${reactions.targetType} = ${type} AND ${reactions.userId} IN ${D})`;
  const statements: SQL[] = [
    // Hashtag follows.
    sql`UPDATE ${hashtags} SET ${name(hashtags.followerCount)} = ${hashtags.followerCount} - (SELECT COUNT(*) FROM ${follows} ${f}
       WHERE ${f.targetType} = 'HASHTAG' AND ${f.targetId} = ${hashtags.id} AND ${f.followerId} IN ${D})
     WHERE ${hashtags.id} IN (SELECT ${follows.targetId} FROM ${follows}
       WHERE ${follows.targetType} = 'HASHTAG' AND ${follows.followerId} IN ${D})`,
    sql`DELETE FROM ${follows} WHERE ${follows.targetType} = 'HASHTAG' AND ${follows.followerId} IN ${D}`,
    // Their reactions.
    reactionDecrements(posts, "POST"),
    reactionDecrements(comments, "COMMENT"),
    sql`DELETE FROM ${reactions} WHERE ${reactions.userId} IN ${D}`,
    // Their poll votes.
    sql`UPDATE ${pollOptions} SET ${name(pollOptions.voteCount)} = ${pollOptions.voteCount} - (SELECT COUNT(*) FROM ${pollVotes} ${v}
       WHERE ${v.optionId} = ${pollOptions.id} AND ${v.userId} IN ${D})
     WHERE ${pollOptions.id} IN (SELECT ${pollVotes.optionId} FROM ${pollVotes} WHERE ${pollVotes.userId} IN ${D})`,
    sql`UPDATE ${polls} SET ${name(polls.totalVotes)} = ${polls.totalVotes} - (SELECT COUNT(*) FROM ${pollVotes} ${v}
       WHERE ${v.pollId} = ${polls.id} AND ${v.userId} IN ${D})
     WHERE ${polls.id} IN (SELECT ${pollVotes.pollId} FROM ${pollVotes} WHERE ${pollVotes.userId} IN ${D})`,
    sql`DELETE FROM ${pollVotes} WHERE ${pollVotes.userId} IN ${D}`,
    // Their bookmarks.
    sql`UPDATE ${posts} SET ${name(posts.bookmarkCount)} = ${posts.bookmarkCount} - (SELECT COUNT(*) FROM ${bookmarks} ${b}
       WHERE ${b.targetType} = 'POST' AND ${b.targetId} = ${posts.id} AND ${b.userId} IN ${D})
     WHERE ${posts.id} IN (SELECT ${bookmarks.targetId} FROM ${bookmarks} WHERE ${bookmarks.userId} IN ${D} AND ${bookmarks.targetType} = 'POST')`,
    sql`DELETE FROM ${bookmarks} WHERE ${bookmarks.userId} IN ${D}`,
    // Their comments, and the replies under their top-level comments.
    sql`UPDATE ${posts} SET ${name(posts.commentCount)} = ${posts.commentCount} - (SELECT COUNT(*) FROM ${comments} ${c}
       WHERE ${c.postId} = ${posts.id} AND ${c.deletedAt} IS NULL AND ${c.id} IN ${DC})
     WHERE ${posts.id} IN (SELECT ${comments.postId} FROM ${comments} WHERE ${comments.id} IN ${DC})`,
    sql`UPDATE ${comments} SET ${name(comments.replyCount)} = ${comments.replyCount} - (SELECT COUNT(*) FROM ${comments} ${rc}
       WHERE ${rc.parentId} = ${comments.id} AND ${rc.deletedAt} IS NULL AND ${rc.authorId} IN ${D})
     WHERE ${comments.id} IN (SELECT ${c.parentId} FROM ${comments} ${c}
       WHERE ${c.authorId} IN ${D} AND ${c.parentId} IS NOT NULL)`,
    sql`DELETE FROM ${reactions} WHERE ${reactions.targetType} = 'COMMENT' AND ${reactions.targetId} IN ${DC}`,
    sql`DELETE FROM ${mentions} WHERE ${mentions.commentId} IN ${DC}`,
    sql`DELETE FROM ${comments} WHERE ${comments.id} IN ${DC}`,
    // Their live reposts of other members' posts.
    sql`UPDATE ${posts} SET ${name(posts.repostCount)} = ${posts.repostCount} - (SELECT COUNT(*) FROM ${posts} ${rp}
       WHERE ${rp.repostOfId} = ${posts.id} AND ${rp.deletedAt} IS NULL AND ${rp.authorId} IN ${D})
     WHERE ${posts.id} IN (SELECT ${rp.repostOfId} FROM ${posts} ${rp} WHERE ${rp.authorId} IN ${D}
       AND ${rp.repostOfId} IS NOT NULL AND ${rp.deletedAt} IS NULL)`,
    // Their posts: hashtag rows (with counts and usage buckets), and everything on them.
    sql`UPDATE ${hashtags} SET ${name(hashtags.postCount)} = ${hashtags.postCount} - (SELECT COUNT(*) FROM ${postHashtags} ${ph}
       WHERE ${ph.hashtagId} = ${hashtags.id} AND ${ph.postId} IN ${DP})
     WHERE ${hashtags.id} IN (SELECT ${ph.hashtagId} FROM ${postHashtags} ${ph} WHERE ${ph.postId} IN ${DP})`,
    sql`UPDATE ${hashtagUsage} SET ${name(hashtagUsage.uses)} = ${hashtagUsage.uses} - (SELECT COUNT(*) FROM ${postHashtags} ${ph}
       WHERE ${ph.hashtagId} = ${hashtagUsage.hashtagId} AND ${hour(ph.createdAt)} = ${hashtagUsage.hour}
         AND ${ph.postId} IN ${DP})
     WHERE (${hashtagUsage.hashtagId}, ${hashtagUsage.hour}) IN (SELECT ${ph.hashtagId}, ${hour(ph.createdAt)}
       FROM ${postHashtags} ${ph} WHERE ${ph.postId} IN ${DP})`,
    sql`DELETE FROM ${postHashtags} WHERE ${postHashtags.postId} IN ${DP}`,
    sql`DELETE FROM ${bookmarks} WHERE ${bookmarks.targetType} = 'POST' AND ${bookmarks.targetId} IN ${DP}`,
    sql`DELETE FROM ${reactions} WHERE ${reactions.targetType} = 'COMMENT'
      AND ${reactions.targetId} IN (SELECT ${c.id} FROM ${comments} ${c} WHERE ${c.postId} IN ${DP})`,
    sql`DELETE FROM ${mentions}
      WHERE ${mentions.commentId} IN (SELECT ${c.id} FROM ${comments} ${c} WHERE ${c.postId} IN ${DP})`,
    sql`DELETE FROM ${comments} WHERE ${comments.postId} IN ${DP}`,
    sql`DELETE FROM ${reactions} WHERE ${reactions.targetType} = 'POST' AND ${reactions.targetId} IN ${DP}`,
    sql`DELETE FROM ${pollVotes}
      WHERE ${pollVotes.pollId} IN (SELECT ${polls.id} FROM ${polls} WHERE ${polls.postId} IN ${DP})`,
    sql`DELETE FROM ${pollOptions}
      WHERE ${pollOptions.pollId} IN (SELECT ${polls.id} FROM ${polls} WHERE ${polls.postId} IN ${DP})`,
    sql`DELETE FROM ${polls} WHERE ${polls.postId} IN ${DP}`,
    sql`DELETE FROM ${postMedia} WHERE ${postMedia.postId} IN ${DP}`,
    sql`DELETE FROM ${postEdits} WHERE ${postEdits.postId} IN ${DP}`,
    sql`DELETE FROM ${mentions} WHERE ${mentions.postId} IN ${DP} OR ${mentions.userId} IN ${D}`,
    sql`DELETE FROM ${hotPosts} WHERE ${hotPosts.postId} IN ${DP}`,
    // Other members' plain reposts of their posts show nothing any more (they carry no content, counters
    // or comments: actions on a plain repost go to its original).
    sql`DELETE FROM ${posts} WHERE ${posts.kind} = 'REPOST' AND ${posts.repostOfId} IN ${DP}`,
    sql`DELETE FROM ${posts} WHERE ${posts.authorId} IN ${D}`,
  ];
  return statements.map((query) => statement(db, query));
}
