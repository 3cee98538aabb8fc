/**
 * Messaging rows of purged accounts (`doomed` selects their ids with one `?` bound to the cutoff): their
 * memberships, invitations (sent and received), presence and the record of their chat attachments go; groups keep an admin and an exact member count. Messages they sent stay in
 * the rooms (like a letter that was delivered), shown with their sender id.
 */
export function purgeMessagingOf(db: D1Database, doomed: string, cutoff: number): D1PreparedStatement[] {
  const touched = `SELECT conversation_id FROM conversation_members WHERE user_id IN (${doomed})`;
  const statements = [
    // A group losing its only admins gets the longest-standing remaining member as admin.
    `UPDATE conversation_members SET role = 'ADMIN' WHERE rowid IN (
       SELECT (SELECT m.rowid FROM conversation_members m WHERE m.conversation_id = c.id AND m.user_id NOT IN (${doomed})
               ORDER BY m.joined_at, m.user_id LIMIT 1)
       FROM conversations c WHERE c.type = 'GROUP' AND c.id IN (${touched})
         AND NOT EXISTS (SELECT 1 FROM conversation_members a WHERE a.conversation_id = c.id AND a.role = 'ADMIN'
                         AND a.user_id NOT IN (${doomed})))`,
    `UPDATE conversations SET member_count = (SELECT COUNT(*) FROM conversation_members m
       WHERE m.conversation_id = conversations.id AND m.user_id NOT IN (${doomed})) WHERE id IN (${touched})`,
    `DELETE FROM conversation_members WHERE user_id IN (${doomed})`,
    `DELETE FROM conversation_invitations WHERE user_id IN (${doomed}) OR invited_by IN (${doomed})`,
    `DELETE FROM presence WHERE user_id IN (${doomed})`,
    `DELETE FROM message_attachments WHERE sender_id IN (${doomed})`,
  ];
  return statements.map((q) =>
    db.prepare(q).bind(...Array.from({ length: q.split("?").length - 1 }, () => cutoff)),
  );
}
