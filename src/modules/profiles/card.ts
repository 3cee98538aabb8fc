import { z } from "@hono/zod-openapi";
import { sql } from "drizzle-orm";
import { profiles, users } from "../../db/schema";

/**
 * The compact member representation used wherever a member appears next to something else (post
 * authors, followers, connections, suggestions, conversation members). One definition for all lists.
 */
export const UserCardSchema = z
  .object({
    id: z.string(),
    username: z.string(),
    displayName: z.string(),
    headline: z.string().nullable(),
    avatarUrl: z.string().nullable(),
  })
  .openapi("UserCard");
export type UserCard = z.infer<typeof UserCardSchema>;

/** Drizzle select columns for a card; join `profiles` on `profiles.user_id = users.id`. */
export const userCardColumns = {
  id: users.id,
  username: users.username,
  displayName: users.displayName,
  headline: profiles.headline,
  avatarUrl: profiles.avatarUrl,
};

/** The same card as a JSON object built in SQL, for queries that embed the author in a row. */
export function userCardJsonSql(userIdColumn: unknown) {
  return sql<string>`(SELECT json_object('id', u.id, 'username', u.username, 'displayName', u.display_name,
    'headline', p.headline, 'avatarUrl', p.avatar_url) FROM users u LEFT JOIN profiles p ON p.user_id = u.id
    WHERE u.id = ${userIdColumn})`;
}
