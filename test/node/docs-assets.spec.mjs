import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { SWAGGER_UI } from "../../src/platform/docs-page.ts";

/**
 * /docs loads Swagger UI from a CDN with Subresource Integrity. The hashes in src/platform/docs-page.ts must
 * be those of the files published in the pinned `swagger-ui-dist` version, which is also a pinned
 * devDependency: recompute them from the installed package.
 */
const require = createRequire(import.meta.url);
const packageDir = (name) => require.resolve(`${name}/package.json`).replace(/package\.json$/, "");
const sri = (path) => `sha384-${createHash("sha384").update(readFileSync(path)).digest("base64")}`;

describe("/docs assets", () => {
  const dir = packageDir("swagger-ui-dist");

  it("pins the installed swagger-ui-dist version, which package.json pins exactly", () => {
    const installed = JSON.parse(readFileSync(`${dir}package.json`, "utf8")).version;
    const declared = JSON.parse(readFileSync("package.json", "utf8")).devDependencies["swagger-ui-dist"];
    expect(declared).toBe(installed);
    expect(SWAGGER_UI.version).toBe(installed);
  });

  it("carries the SRI sha384 of each file as published in that version", () => {
    for (const asset of [SWAGGER_UI.script, SWAGGER_UI.stylesheet]) {
      expect({ file: asset.file, integrity: asset.integrity }).toEqual({
        file: asset.file,
        integrity: sri(`${dir}${asset.file}`),
      });
    }
  });
});
