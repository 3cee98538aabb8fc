import { z } from "@hono/zod-openapi";
import { type SQL, sql } from "drizzle-orm";
import { alias, type SQLiteColumn } from "drizzle-orm/sqlite-core";
import { profiles, users } from "../db/schema";
import { cardHeadlineSql } from "./access/members";

/**
 * The compact member representation used wherever a member appears next to something else (post
 * authors, followers, connections, suggestions, conversation members, notifications, search hits). One
 * definition for all lists, in three forms (drizzle columns, a JSON object, raw columns for lists aliasing users `u` and
 * profiles `p`); what it shows is the card rule of access/members.ts (`cardHeadlineSql`): the headline
 * is null for a PRIVATE profile, except on the member's own card when the card knows its viewer.
 */
export const UserCardSchema = z
  .object({
    id: z.string(),
    username: z.string(),
    displayName: z.string(),
    headline: z.string().nullable().openapi({ description: "null when the profile is PRIVATE" }),
    avatarUrl: z.string().nullable(),
  })
  .openapi("UserCard");
export type UserCard = z.infer<typeof UserCardSchema>;

/** Drizzle select columns for a card; join `profiles` on `profiles.user_id = users.id`. */
export const userCardColumns = {
  id: users.id,
  username: users.username,
  displayName: users.displayName,
  headline: sql<
    string | null
  >`${cardHeadlineSql(undefined, { id: users.id, visibility: profiles.visibility }, profiles.headline)}`,
  avatarUrl: profiles.avatarUrl,
};

/**
 * The same card as a JSON object built in SQL, for queries that embed the author in a row. `viewerId`,
 * when given, lets the member's own card show their headline even when their profile is PRIVATE.
 */
export function userCardJsonSql(userIdColumn: SQL | SQLiteColumn | string, viewerId?: SQL | string) {
  const u = jsonCardUser;
  const p = jsonCardProfile;
  const headline = cardHeadlineSql(viewerId, { id: u.id, visibility: p.visibility }, p.headline);
  return sql<string>`(SELECT json_object('id', ${u.id}, 'username', ${u.username},
    'displayName', ${u.displayName}, 'headline', ${headline}, 'avatarUrl', ${p.avatarUrl})
    FROM ${users} ${u} LEFT JOIN ${profiles} ${p} ON ${p.userId} = ${u.id} WHERE ${u.id} = ${userIdColumn})`;
}

// Aliases unlikely to collide with the outer query's, so a correlated column always means the outer one.
const jsonCardUser = alias(users, "card_u");
const jsonCardProfile = alias(profiles, "card_p");

/** The `users` and `profiles` rows of raw SQL lists of cards: `FROM ${users} ${cardUser}` (alias `u`, `p`). */
export const cardUser = alias(users, "u");
export const cardProfile = alias(profiles, "p");

/**
 * Card columns for raw SQL lists that join users as `cardUser` (`u`) and profiles as `cardProfile` (`p`). The
 * headline follows the card rule (`cardHeadlineSql`); with a viewer, a PRIVATE member's own card keeps
 * their headline.
 */
export function cardColumnsFor(viewer: SQL | string | undefined): SQL {
  const u = cardUser;
  const p = cardProfile;
  return sql`${u.id} AS id, ${u.username} AS username, ${u.displayName} AS displayName,
    ${cardHeadlineSql(viewer, { id: u.id, visibility: p.visibility }, p.headline)} AS headline,
    ${p.avatarUrl} AS avatarUrl`;
}

/** Card columns for lists that do not name their viewer (a PRIVATE member's headline is always null). */
export const cardColumnsSql = cardColumnsFor(undefined);

export interface CardRow {
  id: string;
  username: string;
  displayName: string;
  headline: string | null;
  avatarUrl: string | null;
}

export function toCard(row: CardRow): UserCard {
  return {
    id: row.id,
    username: row.username,
    displayName: row.displayName,
    headline: row.headline ?? null,
    avatarUrl: row.avatarUrl ?? null,
  };
}
