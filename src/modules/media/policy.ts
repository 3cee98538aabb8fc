import { type SQL, sql } from "drizzle-orm";
import { alias, type SQLiteColumn } from "drizzle-orm/sqlite-core";
import { activeUserSql, blockedEitherWaySql } from "../../core/access/members";
import { postVisibleTo, viewerRef } from "../../core/access/posts";
import { conversationMembers, conversations, messageAttachments, postMedia, posts } from "../../db/schema";

/** The columns of a media row (the table or an alias) the rule reads. */
export interface MediaRef {
  id: SQLiteColumn;
  ownerId: SQLiteColumn;
  kind: SQLiteColumn;
  status: SQLiteColumn;
}

// Names no outer query uses, so a correlated column always means the media row.
const pm = alias(postMedia, "mv_pm");
const p = alias(posts, "mv_p");
const cm = alias(conversationMembers, "mv_cm");
const c = alias(conversations, "mv_c");
const ma = alias(messageAttachments, "mv_ma");
const am = alias(conversationMembers, "mv_am");

/**
 * Who may see a media item: the one rule for media, used by GET /api/v1/media/{id} (metadata and URLs)
 * and, for anonymous viewers, by delivery (whether the plain URL of an object is served).
 *
 * A media item follows what it is attached to:
 * - its owner sees it in every state;
 * - anyone else only when it is READY, its owner is active and the two have not blocked each other, and
 *   - it is an avatar or a banner: public by design (they show on every card and profile), or
 *   - it is attached to a post the viewer may see (`postVisibleTo`: so a deleted post, a post edited away
 *     from the viewer, or a hidden author takes its media along), or
 *   - it is the picture of a group conversation the viewer is a member of, or
 *   - it is attached to a chat message in a conversation the viewer belonged to when it was sent
 *     (`message_attachments`, recorded by the chat room; removed when the message is deleted for everyone).
 * Media attached to nothing (a draft) are the owner's alone.
 *
 * "Public" is this rule for an anonymous viewer: an avatar, a banner, or media of a live PUBLIC post of an
 * active member. Only public objects are served by their plain URL; the rest need a signed URL.
 *
 * `row` is the `media` row being tested: the table itself or an alias of it.
 */
export function mediaVisibleTo(viewerId: string | undefined, row: MediaRef): SQL {
  const owner = row.ownerId;
  const onPost = (viewer: string | undefined) =>
    sql`EXISTS (SELECT 1 FROM ${postMedia} ${pm} JOIN ${posts} ${p} ON ${p.id} = ${pm.postId}
      WHERE ${pm.mediaId} = ${row.id} AND ${postVisibleTo(viewer, "mv_p")})`;
  const publicByDesign = sql`${row.kind} IN ('AVATAR', 'BANNER')`;
  if (!viewerId) {
    return sql`(${row.status} = 'READY' AND ${activeUserSql(owner)} AND (${publicByDesign} OR ${onPost(undefined)}))`;
  }
  const v = viewerRef(viewerId);
  const groupPicture = sql`EXISTS (SELECT 1 FROM ${conversationMembers} ${cm}
    JOIN ${conversations} ${c} ON ${c.id} = ${cm.conversationId}
    WHERE ${cm.userId} = ${v} AND ${c.avatarMediaId} = ${row.id})`;
  const chatAttachment = sql`EXISTS (SELECT 1 FROM ${messageAttachments} ${ma}
    JOIN ${conversationMembers} ${am} ON ${am.conversationId} = ${ma.conversationId} AND ${am.userId} = ${v}
    WHERE ${ma.mediaId} = ${row.id} AND ${am.joinedAt} <= ${ma.createdAt})`;
  return sql`(${owner} = ${v} OR (${row.status} = 'READY' AND ${activeUserSql(owner)}
    AND NOT ${blockedEitherWaySql(v, owner)}
    AND (${publicByDesign} OR ${onPost(viewerId)} OR ${groupPicture} OR ${chatAttachment})))`;
}

/** SQL boolean: the media row `row` is public (its plain URL is served to anyone). */
export function mediaPublicSql(row: MediaRef): SQL {
  return mediaVisibleTo(undefined, row);
}
