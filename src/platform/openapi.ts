import { OpenAPIHono, z } from "@hono/zod-openapi";
import { BOOKMARK_HEADER, BOOKMARK_PATTERN } from "./db/session";
import type { AppEnv } from "./env";
import { AppError, type ErrorDetail } from "./errors";

/**
 * Helpers shared by every route declaration, so a route is described once: zod validates it, and the
 * same schemas produce /openapi.json and the typed client.
 */
export function createRouter() {
  const router = new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) {
        const details: ErrorDetail[] = result.error.issues.slice(0, 20).map((issue) => ({
          path: issue.path.map(String).join("."),
          message: issue.message,
          code: issue.code,
        }));
        throw new AppError("VALIDATION_ERROR", details);
      }
    },
  });
  const declare = router.openapi;
  router.openapi = ((route: Parameters<typeof declare>[0], ...rest: [never, never?]) =>
    declare(withApiWideAnswers(route), ...rest)) as typeof declare;
  return router;
}

/**
 * Adds to a route's documented answers the ones every API route can give whatever it declares: 401 for a
 * bad Authorization header (read on every /api route, see src/app.ts), 400 when it validates input, and
 * 413/415 when it takes a JSON body (body limit and content-type gate). The reliability fuzzer
 * (test/reliability) checks every answer against the document.
 */
function withApiWideAnswers<R extends { request?: Record<string, unknown>; responses: object }>(route: R): R {
  const request = (route.request ?? {}) as { body?: { content?: object }; [k: string]: unknown };
  const json = Object.keys(request.body?.content ?? {}).some((t) => t.includes("json"));
  const validates = ["params", "query", "headers", "body"].some((k) => request[k] !== undefined);
  const statuses: (400 | 401 | 413 | 415)[] = [
    401,
    ...(validates ? [400 as const] : []),
    ...(json ? [413 as const, 415 as const] : []),
  ];
  return { ...route, responses: { ...errors(...statuses), ...route.responses } };
}

export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: "VALIDATION_ERROR" }),
      message: z.string().openapi({ example: "الطلب غير صالح." }),
      details: z
        .array(z.object({ path: z.string().optional(), message: z.string(), code: z.string().optional() }))
        .optional(),
    }),
  })
  .openapi("Error");

const errorContent = { "application/json": { schema: ErrorSchema } };

/** The error answers a route can give, for the OpenAPI document. */
export function errors(...statuses: (400 | 401 | 403 | 404 | 409 | 413 | 415 | 429)[]) {
  const descriptions: Record<number, string> = {
    400: "Invalid input",
    401: "Missing, invalid or expired access token",
    403: "Not allowed",
    404: "Not found (also for objects hidden by privacy or a block)",
    409: "Conflict with the current state",
    413: "Body too large",
    415: "Unsupported media type",
    429: "Rate limited; see Retry-After",
  };
  return Object.fromEntries(
    statuses.map((s) => [s, { description: descriptions[s]!, content: errorContent }]),
  );
}

export function json<T extends z.ZodTypeAny>(schema: T, description = "OK") {
  return { description, content: { "application/json": { schema } } };
}

export function jsonBody<T extends z.ZodTypeAny>(schema: T) {
  return { required: true, content: { "application/json": { schema } } };
}

export const bearer = [{ bearerAuth: [] }];

export const IdParam = z.object({
  id: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: "id", in: "path" } }),
});

/**
 * `schema` or null, for a named schema (one with `.openapi("Name")`). Use it instead of `.nullable()`,
 * which this zod-to-openapi version documents wrongly for named schemas: plain `.nullable()` makes the named
 * component itself nullable everywhere (also in request bodies), and `.nullable().openapi({...})` gives an
 * allOf that can never be null. This gives `anyOf: [{$ref}, {type: "null"}]`.
 */
export function orNull<T extends z.ZodTypeAny>(schema: T, description?: string) {
  const union = z.union([schema, z.null()]);
  return description ? union.openapi({ description }) : union;
}

/** Strips NUL, bidi overrides and other control characters from free text, then trims it. */
export function cleanText(value: string): string {
  return (
    value
      .normalize("NFC")
      // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
      .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\u202A-\u202E\u2066-\u2069\uFEFF]/g, "")
      .trim()
  );
}

/** Line breaks and tabs: CR, LF, TAB, NEL and the Unicode line and paragraph separators. */
const LINE_BREAKS = /[\t\n\r\u0085\u2028\u2029]+/g;

/**
 * One-line text: cleanText, and each run of line breaks or tabs becomes one space. Names, titles and
 * headlines travel into email subjects and headers, notification titles and HTML attributes, where a line
 * break could start a new header or line.
 */
export function cleanLine(value: string): string {
  return cleanText(value.replace(LINE_BREAKS, " "));
}

/** A free-text field: control characters removed, trimmed, then limited (in UTF-16 code units, like JS). */
export function text(max: number, min = 0) {
  return z.string().overwrite(cleanText).min(min).max(max);
}

/** A one-line text field (names, titles, queries): like text(), without line breaks or tabs. */
export function line(max: number, min = 0) {
  return z.string().overwrite(cleanLine).min(min).max(max);
}

type ApiDocument = ReturnType<OpenAPIHono<AppEnv>["getOpenAPI31Document"]>;
type Operation = { parameters?: unknown[]; responses?: Record<string, { headers?: object }> };

const OPERATION_METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/**
 * The `x-d1-bookmark` header (src/platform/db/session.ts), documented once in the components and referred to
 * by every operation under `prefix`: the request header that lets a client read its own writes, the
 * response header with the bookmark to send next, and the 400 INVALID_BOOKMARK any of them can answer.
 * Returns a new document; the generated one shares objects with the route declarations.
 */
export function withBookmarkHeader(doc: ApiDocument, prefix = "/api/"): ApiDocument {
  const schema = { type: "string", pattern: BOOKMARK_PATTERN } as const;
  const invalid: { description: string; content: object; headers?: object } = {
    description: "Invalid input (also: an x-d1-bookmark header that is not a bookmark, INVALID_BOOKMARK)",
    content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
  };
  const paths = Object.fromEntries(
    Object.entries(doc.paths ?? {}).map(([path, item]) => {
      if (!path.startsWith(prefix)) return [path, item];
      const methods = Object.entries(item as Record<string, unknown>).map(([method, value]) => {
        if (!OPERATION_METHODS.includes(method)) return [method, value];
        const op = value as Operation;
        const responses = Object.fromEntries(
          Object.entries({ 400: invalid, ...op.responses }).map(([status, response]) => [
            status,
            {
              ...response,
              headers: {
                ...response.headers,
                [BOOKMARK_HEADER]: { $ref: "#/components/headers/D1Bookmark" },
              },
            },
          ]),
        );
        const parameters = [...(op.parameters ?? []), { $ref: "#/components/parameters/D1Bookmark" }];
        return [method, { ...op, parameters, responses }];
      });
      return [path, Object.fromEntries(methods)];
    }),
  );
  return {
    ...doc,
    paths,
    components: {
      ...doc.components,
      parameters: {
        ...doc.components?.parameters,
        D1Bookmark: {
          name: BOOKMARK_HEADER,
          in: "header",
          required: false,
          description:
            "The last x-d1-bookmark this client received (keep the greatest: bookmarks sort as strings). Reads start no older than it, so the client sees its own writes; without it a read may be served by a replica that lags the primary.",
          schema,
        },
      },
      headers: {
        ...doc.components?.headers,
        D1Bookmark: {
          description:
            "The database position this answer was read or written at; send it back as x-d1-bookmark to read your own writes.",
          schema,
        },
      },
    },
  } as ApiDocument;
}
