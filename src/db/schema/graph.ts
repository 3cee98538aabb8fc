import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

/** One follow model for members, companies and hashtags. */
export const follows = sqliteTable(
  "follows",
  {
    id: text("id").primaryKey(),
    followerId: text("follower_id").notNull(),
    targetType: text("target_type", { enum: ["USER", "COMPANY", "HASHTAG"] }).notNull(),
    targetId: text("target_id").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [
    uniqueIndex("follows_unique").on(t.followerId, t.targetType, t.targetId),
    index("follows_target_idx").on(t.targetType, t.targetId, t.id),
    index("follows_follower_idx").on(t.followerId, t.targetType, t.id),
  ],
);

/**
 * A connection is stored as two rows (A→B and B→A) so "my connections" is one index range. Both rows
 * share `id`, a fresh time-sortable id per connection: lists page by it, and the write that creates the
 * pair guards its counter updates on it (only the batch that inserted the rows bumps the counts).
 */
export const connections = sqliteTable(
  "connections",
  {
    id: text("id").notNull(),
    userId: text("user_id").notNull(),
    otherId: text("other_id").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.userId, t.otherId] }),
    index("connections_user_id_idx").on(t.userId, t.id),
  ],
);

export const connectionRequests = sqliteTable(
  "connection_requests",
  {
    id: text("id").primaryKey(),
    requesterId: text("requester_id").notNull(),
    addresseeId: text("addressee_id").notNull(),
    /** min(requester, addressee) + ":" + max(...): A→B and B→A are one pair. */
    pairKey: text("pair_key").notNull(),
    note: text("note"),
    /** IGNORED still looks pending to the requester until it expires; EXPIRED is set by the maintenance cron. */
    status: text("status", { enum: ["PENDING", "ACCEPTED", "IGNORED", "WITHDRAWN", "EXPIRED"] }).notNull(),
    createdAt: integer("created_at").notNull(),
    expiresAt: integer("expires_at").notNull(),
    respondedAt: integer("responded_at"),
  },
  (t) => [
    uniqueIndex("connection_requests_pending_pair").on(t.pairKey).where(sql`status = 'PENDING'`),
    index("connection_requests_addressee_idx").on(t.addresseeId, t.status, t.id),
    index("connection_requests_requester_idx").on(t.requesterId, t.status, t.id),
    index("connection_requests_pair_idx").on(t.pairKey, t.status),
    index("connection_requests_expiry_idx").on(t.expiresAt, t.status),
  ],
);

export const blocks = sqliteTable(
  "blocks",
  {
    blockerId: text("blocker_id").notNull(),
    blockedId: text("blocked_id").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.blockerId, t.blockedId] }),
    index("blocks_blocked_idx").on(t.blockedId, t.blockerId),
    index("blocks_blocker_time_idx").on(t.blockerId, t.createdAt, t.blockedId),
  ],
);
