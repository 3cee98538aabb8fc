// Where the bench keeps its generated config, bundles and seeded databases (gitignored).
import { resolve } from "node:path";

export const STATE = resolve("bench/.state");
/** Persist root of one data scale: D1 lives in <root>/v3/d1 (the layout scripts/lib/local-d1.mjs opens). */
export const persistRoot = (scale) => `${STATE}/data-${scale}`;
