/**
 * Structured logs: one JSON object per line. Info lines can be silenced with LOG_REQUESTS=false (the
 * test suite does); errors are always written. Never pass secrets, tokens or passwords in `fields`.
 */
export function logInfo(
  env: { LOG_REQUESTS?: string | undefined },
  msg: string,
  fields: Record<string, unknown> = {},
): void {
  if (env.LOG_REQUESTS === "false") return;
  console.log(JSON.stringify({ level: "info", msg, ...fields }));
}

export function logError(msg: string, fields: Record<string, unknown> = {}): void {
  console.error(JSON.stringify({ level: "error", msg, ...fields }));
}
