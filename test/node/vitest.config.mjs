import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

/**
 * Node-side checks (plain Node, not workerd): independent implementations that only exist for Node,
 * e.g. the `http_ece` package decrypting our Web Push payloads. Run by `npm test` after the workerd suite.
 */
export default defineConfig({
  root: fileURLToPath(new URL("../..", import.meta.url)),
  test: {
    include: ["test/node/**/*.spec.mjs"],
    environment: "node",
  },
});
