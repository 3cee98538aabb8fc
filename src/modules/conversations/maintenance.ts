import { type SQL, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import {
  conversationInvitations,
  conversationMembers,
  conversations,
  messageAttachments,
  presence,
} from "../../db/schema";
import { name, statement } from "../../platform/db/statements";

const m = alias(conversationMembers, "m");
const a = alias(conversationMembers, "a");
const c = alias(conversations, "c");

/**
 * Messaging rows of purged accounts (`doomed` selects their ids): their memberships, invitations (sent and
 * received), presence and the record of their chat attachments go; groups keep an admin and an exact
 * member count. Messages they sent stay in the rooms (like a letter that was delivered), shown with their
 * sender id.
 */
export function purgeMessagingOf(db: D1Database, doomed: SQL): D1PreparedStatement[] {
  const members = conversationMembers;
  const touched = sql`SELECT ${members.conversationId} FROM ${members} WHERE ${members.userId} IN (${doomed})`;
  return [
    // A group losing its only admins gets the longest-standing remaining member as admin.
    sql`UPDATE ${members} SET ${name(members.role)} = 'ADMIN' WHERE rowid IN (
       SELECT (SELECT ${m}.rowid FROM ${members} ${m} WHERE ${m.conversationId} = ${c.id} AND ${m.userId} NOT IN (${doomed})
               ORDER BY ${m.joinedAt}, ${m.userId} LIMIT 1)
       FROM ${conversations} ${c} WHERE ${c.type} = 'GROUP' AND ${c.id} IN (${touched})
         AND NOT EXISTS (SELECT 1 FROM ${members} ${a} WHERE ${a.conversationId} = ${c.id} AND ${a.role} = 'ADMIN'
                         AND ${a.userId} NOT IN (${doomed})))`,
    sql`UPDATE ${conversations} SET ${name(conversations.memberCount)} = (SELECT COUNT(*) FROM ${members} ${m}
       WHERE ${m.conversationId} = ${conversations.id} AND ${m.userId} NOT IN (${doomed}))
     WHERE ${conversations.id} IN (${touched})`,
    sql`DELETE FROM ${members} WHERE ${members.userId} IN (${doomed})`,
    sql`DELETE FROM ${conversationInvitations} WHERE ${conversationInvitations.userId} IN (${doomed})
      OR ${conversationInvitations.invitedBy} IN (${doomed})`,
    sql`DELETE FROM ${presence} WHERE ${presence.userId} IN (${doomed})`,
    sql`DELETE FROM ${messageAttachments} WHERE ${messageAttachments.senderId} IN (${doomed})`,
  ].map((query) => statement(db, query));
}
