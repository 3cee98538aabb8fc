/** See patch-deps.mjs. */
export declare function patchPoolWorkers(opts?: {
  quiet?: boolean;
}): "absent" | "patched" | "unknown" | "applied";
