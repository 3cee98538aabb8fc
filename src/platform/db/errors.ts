/** D1 surfaces SQLite constraint failures as errors whose message names the constraint. */
export function isUniqueViolation(err: unknown): boolean {
  const text = String((err as { cause?: unknown })?.cause ?? "") + String((err as Error)?.message ?? err);
  return text.includes("UNIQUE constraint failed") || text.includes("SQLITE_CONSTRAINT");
}
