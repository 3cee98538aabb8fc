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
  // Aliases unlikely to collide with the outer query's, so a correlated column always means the outer one.
  return sql<string>`(SELECT json_object('id', card_u.id, 'username', card_u.username,
    'displayName', card_u.display_name, 'headline', card_p.headline, 'avatarUrl', card_p.avatar_url)
    FROM users card_u LEFT JOIN profiles card_p ON card_p.user_id = card_u.id WHERE card_u.id = ${userIdColumn})`;
}
