import { describe, expect, it } from "vitest";
import { checkResponse, lintDocument, operationsOf } from "../reliability/oracle";
import { generate, propertyMutations, seededRng } from "../support/fuzz";
import { type OpenApiDoc, type Schema, SchemaSet } from "../support/jsonschema";

/**
 * The harness's oracles checked on a small document: each must catch the fault it is named after, or the
 * fuzzer and the matrix pass whatever the Worker does.
 */
const doc: OpenApiDoc = {
  paths: {
    "/api/v1/cards/{id}": {
      get: {
        security: [{ bearerAuth: [] }],
        parameters: [{ name: "id", in: "path", required: true, schema: { type: "string" } }],
        responses: {
          200: {
            description: "OK",
            content: { "application/json": { schema: { $ref: "#/components/schemas/Card" } } },
          },
          404: {
            description: "No",
            content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
          },
        },
      },
    },
  },
  components: {
    schemas: {
      UserCard: {
        type: "object",
        properties: { id: { type: "string" }, username: { type: "string", pattern: "^[a-z0-9_]{3,30}$" } },
        required: ["id", "username"],
      },
      Card: {
        allOf: [
          { $ref: "#/components/schemas/UserCard" },
          {
            type: "object",
            properties: {
              headline: { anyOf: [{ type: "string", maxLength: 20 }, { type: "null" }] },
              tags: { type: "array", items: { type: "string" }, maxItems: 3 },
              links: { type: "object", additionalProperties: { type: "string", format: "uri" } },
              owner: { anyOf: [{ $ref: "#/components/schemas/UserCard" }, { type: "null" }] },
            },
            required: ["headline"],
          },
        ],
      },
      Error: {
        type: "object",
        properties: {
          error: {
            type: "object",
            properties: { code: { type: "string" }, message: { type: "string" } },
            required: ["code", "message"],
          },
        },
        required: ["error"],
      },
    },
  },
};
const set = new SchemaSet(doc);
const card: Schema = { $ref: "#/components/schemas/Card" };
const valid = {
  id: "c1",
  username: "sara_1",
  headline: null,
  tags: ["a"],
  links: { site: "https://example.com" },
  owner: { id: "u1", username: "omar" },
};
const [op] = operationsOf(doc);
const answer = (status: number, body: unknown) => ({
  status,
  contentType: "application/json",
  text: JSON.stringify(body),
});

describe("response schemas are read closed", () => {
  it("accepts a body with exactly the documented properties (allOf branches count for each other)", () => {
    expect(set.validate(valid, card, "$", { closed: true })).toEqual([]);
  });

  it("catches a leaked property at the top (once, though two allOf branches see it) and inside anyOf", () => {
    expect(set.validate({ ...valid, email: "x@y.z" }, card, "$", { closed: true })).toEqual([
      '$: unexpected property "email" (not in the documented schema)',
    ]);
    const nested = { ...valid, owner: { id: "u1", username: "omar", isAdmin: true } };
    expect(set.validate(nested, card, "$", { closed: true }).join()).toContain("isAdmin");
    // Open reading (what the harness did before) lets both through.
    expect(set.validate({ ...valid, email: "x@y.z" }, card)).toEqual([]);
    expect(set.validate(nested, card)).toEqual([]);
  });

  it("keeps maps (additionalProperties: schema) open to their documented value type", () => {
    expect(
      set.validate({ ...valid, links: { a: "https://a.b", b: "https://c.d" } }, card, "$", { closed: true }),
    ).toEqual([]);
    expect(set.validate({ ...valid, links: { a: "not a uri" } }, card, "$", { closed: true })).not.toEqual(
      [],
    );
  });

  it("refuses to judge a keyword it does not understand", () => {
    expect(() => set.validate("x", { type: "string", contentEncoding: "base64" } as Schema)).toThrow(
      /unsupported/,
    );
  });
});

describe("checkResponse", () => {
  it("passes a documented answer", () => {
    expect(checkResponse(set, op!.op, answer(200, valid))).toEqual([]);
    expect(checkResponse(set, op!.op, answer(404, { error: { code: "NOT_FOUND", message: "No" } }))).toEqual(
      [],
    );
  });
  it("fails a leak, a 5xx, an undocumented status, a broken envelope and a code with another status", () => {
    expect(checkResponse(set, op!.op, answer(200, { ...valid, email: "x@y.z" })).join()).toContain('"email"');
    expect(
      checkResponse(set, op!.op, answer(500, { error: { code: "INTERNAL", message: "x" } })).join(),
    ).toContain("server error");
    expect(
      checkResponse(set, op!.op, answer(403, { error: { code: "FORBIDDEN", message: "x" } })).join(),
    ).toContain("undocumented status 403");
    expect(checkResponse(set, op!.op, answer(404, { message: "no" })).join()).toContain("envelope");
    expect(
      checkResponse(set, op!.op, answer(404, { error: { code: "FORBIDDEN", message: "x" } })).join(),
    ).toContain("catalog says 403");
  });
});

describe("the generator", () => {
  it("makes valid values for every schema of the document, deterministically", () => {
    for (const name of Object.keys(doc.components!.schemas!)) {
      const schema: Schema = { $ref: `#/components/schemas/${name}` };
      for (const optional of ["all", "min", "some"] as const) {
        const a = generate(set, schema, seededRng(7), {}, { optional });
        expect(set.validate(a, schema, "$", { closed: true }), `${name} (${optional})`).toEqual([]);
        expect(generate(set, schema, seededRng(7), {}, { optional })).toEqual(a);
      }
    }
  });
  it("mutates each property into something the schema refuses", () => {
    const value = generate(set, card, seededRng(1), {}, { optional: "all" });
    const mutations = propertyMutations(set, card, value).filter(
      (m) => "json" in m && m.label.startsWith("null "),
    );
    expect(mutations.length).toBeGreaterThan(3);
    for (const m of mutations.filter((x) => !/headline|owner/.test(x.label)))
      expect(set.validate((m as { json: unknown }).json, card), m.label).not.toEqual([]);
  });
});

describe("the document lint", () => {
  it("finds a nullable $ref written as allOf, a nullable component and a pattern with regex flags", () => {
    const bad: OpenApiDoc = {
      paths: {},
      components: {
        schemas: {
          A: { type: ["object", "null"], properties: {} },
          B: {
            type: "object",
            properties: { x: { allOf: [{ $ref: "#/components/schemas/A" }, { type: "null" }] } },
          },
          C: { type: "string", pattern: "^a+$/u" },
        },
      },
    };
    const problems = lintDocument(bad).join("\n");
    expect(problems).toContain("nullable $ref written as allOf");
    expect(problems).toContain("#/components/schemas/A is nullable everywhere");
    expect(problems).toContain("ends with regex flags");
  });
});
