import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * Uploaded media (issue #5 owns this module). Other modules reference media by id and may only attach
 * media whose owner is the acting member and whose status is READY.
 */
export const media = sqliteTable(
  "media",
  {
    id: text("id").primaryKey(),
    ownerId: text("owner_id").notNull(),
    kind: text("kind", { enum: ["AVATAR", "BANNER", "POST_IMAGE", "VIDEO", "DOCUMENT", "RESUME"] }).notNull(),
    status: text("status", { enum: ["PROCESSING", "READY", "FAILED"] }).notNull(),
    mimeType: text("mime_type").notNull(),
    size: integer("size").notNull(),
    altText: text("alt_text"),
    width: integer("width"),
    height: integer("height"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [index("media_owner_idx").on(t.ownerId, t.id)],
);
