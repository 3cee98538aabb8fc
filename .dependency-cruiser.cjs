/**
 * The layers of the Worker, checked by `npm run check:layers` (part of `npm run check`):
 *
 *   entry      src/index.ts, src/app.ts, durable-objects/, queues/   (thin: wire modules to the runtime)
 *   modules    src/modules/<name>/            (features; reach each other only through <name>/index.ts)
 *   core       src/core/                      (identity, access rules, cards, targets, events, the module kit)
 *   schema     src/db/schema/                 (tables; import nothing of ours but each other)
 *   platform   src/platform/                  (db pipeline, queues, HTTP, errors, i18n, ids, text; no domain)
 *
 * Each layer imports only layers below it, type imports included, and no import circle is allowed.
 */
const PLATFORM = "^src/platform/";
const SCHEMA = "^src/db/schema/";
const CORE = "^src/core/";
const MODULES = "^src/modules/";
const ENTRY = "^(src/index\\.ts|src/app\\.ts|durable-objects/|queues/)";

module.exports = {
  forbidden: [
    {
      name: "no-circular",
      severity: "error",
      comment:
        "Import circles make load order and ownership unclear; break them by moving the shared piece down a layer.",
      from: {},
      to: { circular: true },
    },
    {
      name: "platform-knows-no-domain",
      severity: "error",
      comment: "The platform layer knows nothing of members, posts or modules.",
      from: { path: PLATFORM },
      to: { path: [SCHEMA, CORE, MODULES, ENTRY] },
    },
    {
      name: "schema-stands-alone",
      severity: "error",
      comment: "Table definitions import only drizzle and each other.",
      from: { path: SCHEMA },
      to: { path: [PLATFORM, CORE, MODULES, ENTRY] },
    },
    {
      name: "core-below-modules",
      severity: "error",
      comment: "Core rules are shared by every module, so they cannot depend on one.",
      from: { path: CORE },
      to: { path: [MODULES, ENTRY] },
    },
    {
      name: "modules-below-entry",
      severity: "error",
      comment: "Modules do not reach the Worker's entry points (durable-objects/, queues/, app).",
      from: { path: MODULES },
      to: { path: ENTRY },
    },
    {
      name: "modules-meet-through-index",
      severity: "error",
      comment: "Another module is reached only through its public face, src/modules/<name>/index.ts.",
      from: { path: "^src/modules/([^/]+)/" },
      to: {
        path: "^src/modules/([^/]+)/",
        pathNot: ["^src/modules/$1/", "^src/modules/[^/]+/index\\.ts$"],
      },
    },
    {
      name: "no-orphans",
      severity: "error",
      comment: "A source file nothing imports is dead code (entry points excepted).",
      from: {
        orphan: true,
        pathNot: ["^src/index\\.ts$", "\\.d\\.ts$", "^(durable-objects|queues)/"],
      },
      to: {},
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    includeOnly: "^(src|durable-objects|queues)/",
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { extensions: [".ts", ".js"] },
  },
};
