import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

export type Visibility = "PUBLIC" | "CONNECTIONS" | "PRIVATE";
export type AllowMessages = "EVERYONE" | "CONNECTIONS" | "NONE";

export interface SocialLink {
  kind: string;
  url: string;
}
export interface Certification {
  name: string;
  issuer?: string;
  issuedAt?: string;
  expiresAt?: string;
  credentialUrl?: string;
}
export interface LanguageSkill {
  language: string;
  proficiency: "ELEMENTARY" | "LIMITED_WORKING" | "PROFESSIONAL_WORKING" | "FULL_PROFESSIONAL" | "NATIVE";
}
/** Bilingual fields: translations[locale][field] = text, e.g. translations.en.headline. */
export type Translations = Record<
  string,
  Partial<Record<"displayName" | "headline" | "about" | "location", string>>
>;

export const profiles = sqliteTable("profiles", {
  userId: text("user_id").primaryKey(),
  headline: text("headline"),
  about: text("about"),
  location: text("location"),
  website: text("website"),
  socialLinks: text("social_links", { mode: "json" }).$type<SocialLink[]>().notNull().default([]),
  translations: text("translations", { mode: "json" }).$type<Translations>().notNull().default({}),
  certifications: text("certifications", { mode: "json" }).$type<Certification[]>().notNull().default([]),
  languages: text("languages", { mode: "json" }).$type<LanguageSkill[]>().notNull().default([]),
  avatarUrl: text("avatar_url"),
  bannerUrl: text("banner_url"),
  visibility: text("visibility", { enum: ["PUBLIC", "CONNECTIONS", "PRIVATE"] })
    .notNull()
    .default("PUBLIC"),
  showActivityStatus: integer("show_activity_status", { mode: "boolean" }).notNull().default(true),
  allowMessages: text("allow_messages", { enum: ["EVERYONE", "CONNECTIONS", "NONE"] })
    .notNull()
    .default("EVERYONE"),
  showEmail: integer("show_email", { mode: "boolean" }).notNull().default(false),
  showConnections: integer("show_connections", { mode: "boolean" }).notNull().default(true),
  followerCount: integer("follower_count").notNull().default(0),
  followingCount: integer("following_count").notNull().default(0),
  connectionCount: integer("connection_count").notNull().default(0),
  viewCount: integer("view_count").notNull().default(0),
  updatedAt: integer("updated_at").notNull(),
});

export const experiences = sqliteTable(
  "experiences",
  {
    id: text("id").primaryKey(),
    userId: text("user_id").notNull(),
    title: text("title").notNull(),
    company: text("company").notNull(),
    /** Normalized company name, for "same company" suggestions. */
    companyKey: text("company_key").notNull(),
    location: text("location"),
    employmentType: text("employment_type"),
    startDate: text("start_date").notNull(),
    endDate: text("end_date"),
    description: text("description"),
    position: integer("position").notNull(),
  },
  (t) => [
    index("experiences_user_idx").on(t.userId, t.position),
    index("experiences_company_idx").on(t.companyKey),
  ],
);

export const educations = sqliteTable(
  "educations",
  {
    id: text("id").primaryKey(),
    userId: text("user_id").notNull(),
    school: text("school").notNull(),
    schoolKey: text("school_key").notNull(),
    degree: text("degree"),
    field: text("field"),
    startDate: text("start_date"),
    endDate: text("end_date"),
    description: text("description"),
    position: integer("position").notNull(),
  },
  (t) => [
    index("educations_user_idx").on(t.userId, t.position),
    index("educations_school_idx").on(t.schoolKey),
  ],
);

export const skills = sqliteTable(
  "skills",
  {
    id: text("id").primaryKey(),
    userId: text("user_id").notNull(),
    name: text("name").notNull(),
    nameKey: text("name_key").notNull(),
    endorsementCount: integer("endorsement_count").notNull().default(0),
    position: integer("position").notNull(),
  },
  (t) => [
    uniqueIndex("skills_user_name_unique").on(t.userId, t.nameKey),
    index("skills_name_idx").on(t.nameKey),
  ],
);

/** One row per viewer per viewed profile per UTC day. */
export const profileViews = sqliteTable(
  "profile_views",
  {
    viewedId: text("viewed_id").notNull(),
    viewerId: text("viewer_id").notNull(),
    day: text("day").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.viewedId, t.viewerId, t.day] }),
    index("profile_views_time_idx").on(t.viewedId, t.createdAt),
  ],
);

export const userPreferences = sqliteTable("user_preferences", {
  userId: text("user_id").primaryKey(),
  theme: text("theme", { enum: ["LIGHT", "DARK", "SYSTEM"] })
    .notNull()
    .default("SYSTEM"),
  feedSort: text("feed_sort", { enum: ["RELEVANCE", "RECENT"] })
    .notNull()
    .default("RELEVANCE"),
  locale: text("locale").notNull().default("ar"),
  updatedAt: integer("updated_at").notNull(),
});

/**
 * One endorsement per endorser per skill. `ownerId` is the skill's owner (kept for the account purge and
 * for "endorsements received" queries); skills.endorsement_count is recounted from these rows on every
 * change, in the same batch.
 */
export const endorsements = sqliteTable(
  "endorsements",
  {
    skillId: text("skill_id").notNull(),
    endorserId: text("endorser_id").notNull(),
    ownerId: text("owner_id").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.skillId, t.endorserId] }),
    index("endorsements_endorser_idx").on(t.endorserId, t.ownerId),
    index("endorsements_owner_idx").on(t.ownerId, t.endorserId),
  ],
);
