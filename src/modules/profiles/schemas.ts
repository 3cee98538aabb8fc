import { z } from "@hono/zod-openapi";
import { LOCALE } from "../../platform/i18n";
import { line, text } from "../../platform/openapi";

/** Limits of the profile fields (the product's and LinkedIn's). */
export const LIMITS = {
  displayName: 100,
  headline: 220,
  about: 2600,
  location: 100,
  url: 300,
  socialLinks: 10,
  translationsLocales: 10,
  experience: 30,
  education: 20,
  skills: 50,
  skillName: 80,
  certifications: 20,
  languages: 20,
  entryDescription: 2000,
  shortText: 150,
} as const;

/** A month, YYYY-MM (1900-01 .. 2099-12). */
const MONTH = z
  .string()
  .regex(/^(19|20)\d{2}-(0[1-9]|1[0-2])$/, "A month as YYYY-MM")
  .openapi({ example: "2021-09" });

function urlProblem(value: string, httpsOnly: boolean): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return "Not a valid URL";
  }
  const allowed = httpsOnly ? ["https:"] : ["http:", "https:"];
  if (!allowed.includes(url.protocol)) return httpsOnly ? "Only https URLs" : "Only http or https URLs";
  if (url.username || url.password) return "URLs must not contain credentials";
  if (!url.hostname.includes(".")) return "The URL needs a domain name";
  return null;
}

/** An absolute web address: http(s) only, no credentials, no whitespace, at most 300 characters. */
export function webUrl(httpsOnly: boolean) {
  return z
    .string()
    .trim()
    .max(LIMITS.url)
    .regex(/^\S+$/, "No spaces or control characters")
    .superRefine((value, ctx) => {
      const problem = urlProblem(value, httpsOnly);
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    })
    .openapi({ format: "uri", example: "https://example.com" });
}

/** Optional free text that may be cleared with null or "" (stored as null). */
const clearable = (max: number, field = text) =>
  field(max)
    .nullable()
    .transform((v) => (v ? v : null));

export const SOCIAL_KINDS = [
  "LINKEDIN",
  "X",
  "GITHUB",
  "FACEBOOK",
  "INSTAGRAM",
  "YOUTUBE",
  "TIKTOK",
  "SNAPCHAT",
  "BEHANCE",
  "DRIBBBLE",
  "WEBSITE",
  "OTHER",
] as const;

export const SocialLinkSchema = z
  .object({ kind: z.enum(SOCIAL_KINDS), url: webUrl(true) })
  .strict()
  .openapi("SocialLink");

const TRANSLATED_FIELDS = {
  displayName: line(LIMITS.displayName, 1).optional(),
  headline: line(LIMITS.headline, 1).optional(),
  about: text(LIMITS.about, 1).optional(),
  location: line(LIMITS.location, 1).optional(),
};
export const TranslationsSchema = z
  .record(LOCALE, z.object(TRANSLATED_FIELDS).strict())
  .refine(
    (m) => Object.keys(m).length <= LIMITS.translationsLocales,
    `At most ${LIMITS.translationsLocales} locales`,
  )
  .openapi("Translations", {
    description: "Bilingual fields: translations[locale][field], e.g. translations.en.headline",
    example: { en: { headline: "Software engineer" } },
  });

export const EMPLOYMENT_TYPES = [
  "FULL_TIME",
  "PART_TIME",
  "SELF_EMPLOYED",
  "FREELANCE",
  "CONTRACT",
  "INTERNSHIP",
  "APPRENTICESHIP",
  "SEASONAL",
  "VOLUNTEER",
] as const;

const endAfterStart = (e: { startDate?: string | null | undefined; endDate?: string | null | undefined }) =>
  !e.startDate || !e.endDate || e.endDate >= e.startDate;
const endAfterStartIssue = { message: "endDate must not be before startDate", path: ["endDate"] };

export const ExperienceInput = z
  .object({
    title: line(LIMITS.shortText, 1),
    company: line(LIMITS.shortText, 1),
    location: clearable(LIMITS.location, line).optional(),
    employmentType: z.enum(EMPLOYMENT_TYPES).nullable().optional(),
    startDate: MONTH,
    endDate: MONTH.nullable().optional().openapi({ description: "null or absent: current position" }),
    description: clearable(LIMITS.entryDescription).optional(),
  })
  .strict()
  .refine(endAfterStart, endAfterStartIssue);

export const EducationInput = z
  .object({
    school: line(LIMITS.shortText, 1),
    degree: clearable(LIMITS.shortText, line).optional(),
    field: clearable(LIMITS.shortText, line).optional(),
    startDate: MONTH.nullable().optional(),
    endDate: MONTH.nullable().optional(),
    description: clearable(LIMITS.entryDescription).optional(),
  })
  .strict()
  .refine(endAfterStart, endAfterStartIssue);

export const CertificationSchema = z
  .object({
    name: line(LIMITS.shortText, 1),
    issuer: line(LIMITS.shortText, 1).optional(),
    issuedAt: MONTH.optional(),
    expiresAt: MONTH.optional(),
    credentialUrl: webUrl(true).optional(),
  })
  .strict()
  .refine((c) => !c.issuedAt || !c.expiresAt || c.expiresAt >= c.issuedAt, {
    message: "expiresAt must not be before issuedAt",
    path: ["expiresAt"],
  })
  .openapi("Certification");

export const PROFICIENCIES = [
  "ELEMENTARY",
  "LIMITED_WORKING",
  "PROFESSIONAL_WORKING",
  "FULL_PROFESSIONAL",
  "NATIVE",
] as const;
export const LanguageSchema = z
  .object({ language: line(50, 1), proficiency: z.enum(PROFICIENCIES) })
  .strict()
  .openapi("LanguageSkill");

export const VISIBILITIES = ["PUBLIC", "CONNECTIONS", "PRIVATE"] as const;
export const ALLOW_MESSAGES = ["EVERYONE", "CONNECTIONS", "NONE"] as const;

export const PrivacySchema = z
  .object({
    visibility: z.enum(VISIBILITIES).openapi({
      description:
        "PUBLIC: everyone, signed in or not. CONNECTIONS: only connections see the full profile. PRIVATE: only you",
    }),
    showActivityStatus: z.boolean(),
    allowMessages: z.enum(ALLOW_MESSAGES),
    showEmail: z.boolean(),
    showConnections: z.boolean(),
  })
  .openapi("PrivacySettings");

export const UpdateProfileBody = z
  .object({
    displayName: line(LIMITS.displayName, 1),
    headline: clearable(LIMITS.headline, line),
    about: clearable(LIMITS.about),
    location: clearable(LIMITS.location, line),
    website: webUrl(false)
      .nullable()
      .or(z.literal("").transform(() => null)),
    socialLinks: z.array(SocialLinkSchema).max(LIMITS.socialLinks),
    translations: TranslationsSchema,
    experience: z.array(ExperienceInput).max(LIMITS.experience),
    education: z.array(EducationInput).max(LIMITS.education),
    skills: z.array(line(LIMITS.skillName, 1)).max(LIMITS.skills),
    certifications: z.array(CertificationSchema).max(LIMITS.certifications),
    languages: z.array(LanguageSchema).max(LIMITS.languages),
    privacy: PrivacySchema.partial().strict(),
  })
  .partial()
  .strict()
  .openapi("UpdateProfileRequest", {
    description:
      'Only the fields given change; a list given replaces the whole list. null or "" clears a text field',
  });
export type UpdateProfileInput = z.output<typeof UpdateProfileBody>;

// ---- responses ----

export const RelationshipSchema = z
  .object({
    isSelf: z.boolean(),
    following: z.boolean(),
    followedBy: z.boolean(),
    connected: z.boolean(),
    connectionRequest: z.enum(["OUTGOING", "INCOMING"]).nullable(),
  })
  .openapi("Relationship");

export const ExperienceSchema = z
  .object({
    id: z.string(),
    title: z.string(),
    company: z.string(),
    location: z.string().nullable(),
    employmentType: z.string().nullable(),
    startDate: z.string(),
    endDate: z.string().nullable(),
    description: z.string().nullable(),
  })
  .openapi("Experience");

export const EducationSchema = z
  .object({
    id: z.string(),
    school: z.string(),
    degree: z.string().nullable(),
    field: z.string().nullable(),
    startDate: z.string().nullable(),
    endDate: z.string().nullable(),
    description: z.string().nullable(),
  })
  .openapi("Education");

export const SkillSchema = z
  .object({ id: z.string(), name: z.string(), endorsementCount: z.number().int(), endorsedByMe: z.boolean() })
  .openapi("Skill");

export const CompletenessSchema = z
  .object({
    score: z.number().int().min(0).max(100),
    missing: z.array(z.string()),
  })
  .openapi("ProfileCompleteness");

export const FullProfileSchema = z
  .object({
    limited: z.literal(false),
    id: z.string(),
    username: z.string(),
    displayName: z.string(),
    headline: z.string().nullable(),
    about: z.string().nullable(),
    location: z.string().nullable(),
    website: z.string().nullable(),
    socialLinks: z.array(z.object({ kind: z.string(), url: z.string() })),
    translations: TranslationsSchema,
    avatarUrl: z.string().nullable(),
    bannerUrl: z.string().nullable(),
    email: z.string().optional().openapi({ description: "Only to the owner, or when showEmail is on" }),
    experience: z.array(ExperienceSchema),
    education: z.array(EducationSchema),
    skills: z.array(SkillSchema),
    certifications: z.array(CertificationSchema),
    languages: z.array(LanguageSchema),
    followerCount: z.number().int(),
    followingCount: z.number().int(),
    connectionCount: z
      .number()
      .int()
      .nullable()
      .openapi({ description: "null when the owner hides connections" }),
    createdAt: z.string(),
    relationship: RelationshipSchema,
    viewCount: z.number().int().optional().openapi({ description: "Owner only" }),
    privacy: PrivacySchema.optional().openapi({ description: "Owner only" }),
    completeness: CompletenessSchema.optional().openapi({ description: "Owner only" }),
  })
  .openapi("Profile");

export const LimitedProfileSchema = z
  .object({
    limited: z.literal(true),
    id: z.string(),
    username: z.string(),
    displayName: z.string(),
    avatarUrl: z.string().nullable(),
    headline: z
      .string()
      .nullable()
      .openapi({ description: "Given for CONNECTIONS profiles, null for PRIVATE" }),
    relationship: RelationshipSchema,
  })
  .openapi("LimitedProfile", { description: "What a viewer who may not see the full profile gets" });

export const ProfileResponse = z.union([FullProfileSchema, LimitedProfileSchema]);
export type FullProfile = z.infer<typeof FullProfileSchema>;
export type LimitedProfile = z.infer<typeof LimitedProfileSchema>;
