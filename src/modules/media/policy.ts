import { type SQL, sql } from "drizzle-orm";
import { activeUserSql, blockedEitherWaySql } from "../../core/access/members";
import { postVisibleTo, viewerRef } from "../../core/access/posts";

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
 * `alias` is the SQL name of the `media` row being tested (a trusted identifier, never user input).
 */
export function mediaVisibleTo(viewerId: string | undefined, alias = "m"): SQL {
  const col = (name: string) => sql.raw(`${alias}.${name}`);
  const owner = col("owner_id");
  const onPost = (viewer: string | undefined) =>
    sql`EXISTS (SELECT 1 FROM post_media mv_pm JOIN posts mv_p ON mv_p.id = mv_pm.post_id
      WHERE mv_pm.media_id = ${col("id")} AND ${postVisibleTo(viewer, "mv_p")})`;
  const publicByDesign = sql`${col("kind")} IN ('AVATAR', 'BANNER')`;
  if (!viewerId) {
    return sql`(${col("status")} = 'READY' AND ${activeUserSql(owner)} AND (${publicByDesign} OR ${onPost(undefined)}))`;
  }
  const v = viewerRef(viewerId);
  const groupPicture = sql`EXISTS (SELECT 1 FROM conversation_members mv_cm
    JOIN conversations mv_c ON mv_c.id = mv_cm.conversation_id
    WHERE mv_cm.user_id = ${v} AND mv_c.avatar_media_id = ${col("id")})`;
  const chatAttachment = sql`EXISTS (SELECT 1 FROM message_attachments mv_ma
    JOIN conversation_members mv_am ON mv_am.conversation_id = mv_ma.conversation_id AND mv_am.user_id = ${v}
    WHERE mv_ma.media_id = ${col("id")} AND mv_am.joined_at <= mv_ma.created_at)`;
  return sql`(${owner} = ${v} OR (${col("status")} = 'READY' AND ${activeUserSql(owner)}
    AND NOT ${blockedEitherWaySql(v, owner)}
    AND (${publicByDesign} OR ${onPost(viewerId)} OR ${groupPicture} OR ${chatAttachment})))`;
}

/** SQL boolean: the media row `alias` is public (its plain URL is served to anyone). */
export function mediaPublicSql(alias = "m"): SQL {
  return mediaVisibleTo(undefined, alias);
}
