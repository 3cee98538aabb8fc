import { z } from "@hono/zod-openapi";
import type { SearchHit } from "../../core/searchables";
import { ALERT_FREQUENCIES } from "../../db/schema";
import { line } from "../../platform/openapi";
import { indexedTypes, SEARCH_TYPES, searchables } from "./types";

export const LIMITS = {
  query: 200,
  savedName: 200,
  savedPerMember: 50,
  maxLimit: 50,
  maxPage: 100,
};

export const SearchTypeSchema = z.enum(SEARCH_TYPES).openapi("SearchType", {
  description: "jobs, companies, groups, events and articles answer an empty page until they exist",
});

const DateOrDateTime = z.union([z.iso.date(), z.iso.datetime({ offset: true })]);

/** The `filters` JSON (also stored with saved searches). Unknown keys are refused. */
export const SearchFiltersSchema = z
  .object({
    location: line(100, 1)
      .optional()
      .openapi({ description: "people: words of the profile location (matched like the query, no prefix)" }),
    industry: line(100, 1).optional().openapi({
      description:
        "reserved for companies and jobs; accepted and ignored for people and posts (no industry yet)",
    }),
    from: DateOrDateTime.optional().openapi({
      description: "posts created at or after (ISO date or date-time)",
    }),
    to: DateOrDateTime.optional().openapi({
      description: "posts created before (a date includes that whole UTC day)",
    }),
    type: SearchTypeSchema.optional().openapi({
      description: "same as ?type= (they must agree when both are given)",
    }),
  })
  .strict()
  .openapi("SearchFilters");
export type SearchFilters = z.infer<typeof SearchFiltersSchema>;

export const SearchQuery = z.object({
  q: line(LIMITS.query, 1).openapi({
    description: "Search text (1-200 characters). Arabic and Latin are normalized the same way as the index.",
    example: "مهندس بالرياض",
  }),
  type: SearchTypeSchema.optional().openapi({
    description: "What to search; required here or in filters.type",
  }),
  filters: z
    .string()
    .max(1000)
    .optional()
    .openapi({ description: "JSON object, see SearchFilters", example: '{"location":"الرياض"}' }),
  prefix: z.enum(["true", "false"]).optional().openapi({
    description:
      "Typeahead (default true): when the words as typed match nothing, the last word also matches as a prefix of 2+ letters",
  }),
  page: z.coerce
    .number()
    .int()
    .min(1)
    .max(LIMITS.maxPage)
    .default(1)
    .openapi({ description: "1-100 (default 1)" }),
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(LIMITS.maxLimit)
    .default(20)
    .openapi({ description: "Page size, 1-50 (default 20)" }),
});

/**
 * One hit: the hit schemas of the registered searchable types (each declared by its module), read when
 * the OpenAPI document is built, by which time every module has registered its types.
 */
type HitOption = Parameters<typeof z.discriminatedUnion>[1][number];
export const SearchHitSchema = z
  .lazy(() => {
    const hits = searchables().map((s) => s.hit as unknown as HitOption);
    return z.discriminatedUnion("type", hits as [HitOption, ...HitOption[]]);
  })
  .openapi("SearchHit") as unknown as z.ZodType<SearchHit>;

export const SearchPageSchema = z
  .object({
    data: z.array(SearchHitSchema),
    page: z.number().int(),
    limit: z.number().int(),
    hasMore: z.boolean(),
  })
  .openapi("SearchPage");
export type SearchPage = z.infer<typeof SearchPageSchema>;

export const AlertFrequencySchema = z.enum(ALERT_FREQUENCIES).openapi("AlertFrequency");

export const SavedSearchSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    q: z.string(),
    type: SearchTypeSchema,
    filters: SearchFiltersSchema,
    alert: z
      .object({ frequency: AlertFrequencySchema, lastSentAt: z.string().nullable() })
      .nullable()
      .openapi({ description: "null when no alert is set" }),
    createdAt: z.string(),
  })
  .openapi("SavedSearch");
export type SavedSearch = z.infer<typeof SavedSearchSchema>;

export const SaveSearchBody = z
  .object({
    name: line(LIMITS.savedName, 1).optional().openapi({ description: "Defaults to q" }),
    q: line(LIMITS.query, 1),
    type: SearchTypeSchema,
    filters: SearchFiltersSchema.optional(),
  })
  .strict()
  .openapi("SaveSearchBody");
export type SaveSearchInput = z.output<typeof SaveSearchBody>;

export const AlertBody = z.object({ frequency: AlertFrequencySchema }).strict().openapi("SearchAlertBody");

export const SavedIdParam = z.object({
  id: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: "id", in: "path" } }),
});

export const RebuildBody = z
  .object({
    // The types with an index, read when a request is checked (every module has registered its types).
    type: z.lazy(() => z.enum([...indexedTypes(), "all"])).default("all"),
    engine: z.enum(["d1", "meilisearch", "all"]).default("all").openapi({
      description:
        "Which index to rebuild: d1, meilisearch (must be configured) or all (d1, plus meilisearch if configured)",
    }),
  })
  .strict()
  .openapi("SearchRebuildBody");
