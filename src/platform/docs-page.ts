import type { Handler } from "hono";
import { utf8 } from "./encoding";
import type { AppEnv } from "./env";

/**
 * GET /docs: Swagger UI over /openapi.json. Its script and stylesheet come from a CDN, so each is pinned
 * to one version of the `swagger-ui-dist` package and carries a Subresource Integrity hash: the browser
 * refuses a file whose bytes differ from the ones published in that npm version. The hashes are
 * recomputed from node_modules/swagger-ui-dist by test/node/docs-assets.spec.mjs (the package is a pinned
 * devDependency of the same version). To upgrade: bump the devDependency, update SWAGGER_UI below to
 * what that test prints.
 *
 * The page has its own Content-Security-Policy: the two asset URLs exactly, the inline start-up script by
 * its hash, requests to this origin only, no framing.
 */
const CDN = "https://cdn.jsdelivr.net/npm";

export const SWAGGER_UI = {
  version: "5.35.0",
  stylesheet: {
    file: "swagger-ui.css",
    integrity: "sha384-WlYgdmXYOOBWL5apwjDEZwN+U3HmXSSu5R6V5aGxEcf7z+KuRNwBhoxKVN1i3D5I",
  },
  script: {
    file: "swagger-ui-bundle.js",
    integrity: "sha384-gjRm0bEPMeTmMh5jT2cHccIwCUZSTd8YC+j0d0sXw0MdGEfScduGpSyF3ZSSLkX9",
  },
} as const;

export const assetUrl = (file: string) => `${CDN}/swagger-ui-dist@${SWAGGER_UI.version}/${file}`;

const START_SCRIPT =
  'window.ui = SwaggerUIBundle({ url: "/openapi.json", dom_id: "#swagger-ui", validatorUrl: "none", deepLinking: true });';

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Majlis API</title>
<link rel="stylesheet" href="${assetUrl(SWAGGER_UI.stylesheet.file)}" integrity="${SWAGGER_UI.stylesheet.integrity}" crossorigin="anonymous">
</head>
<body>
<div id="swagger-ui"></div>
<script src="${assetUrl(SWAGGER_UI.script.file)}" integrity="${SWAGGER_UI.script.integrity}" crossorigin="anonymous"></script>
<script>${START_SCRIPT}</script>
</body>
</html>
`;

/** The CSP of the page, given the CSP hash source of its inline start-up script. */
export function docsCsp(startScriptHash: string): string {
  return [
    "default-src 'none'",
    `script-src '${startScriptHash}' ${assetUrl(SWAGGER_UI.script.file)}`,
    // Swagger UI (React) sets some element styles at run time; styles cannot run script.
    `style-src ${assetUrl(SWAGGER_UI.stylesheet.file)} 'unsafe-inline'`,
    "img-src data:",
    "connect-src 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join("; ");
}

let startScriptHash: Promise<string> | undefined;

function hashOfStartScript(): Promise<string> {
  startScriptHash ??= crypto.subtle
    .digest("SHA-256", utf8(START_SCRIPT))
    .then((digest) => `sha256-${btoa(String.fromCharCode(...new Uint8Array(digest)))}`);
  return startScriptHash;
}

export const docsPage: Handler<AppEnv> = async (c) => {
  c.header("Content-Security-Policy", docsCsp(await hashOfStartScript()));
  return c.html(PAGE);
};
