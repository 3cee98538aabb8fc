// Batched inserts for large seeds: multi-row INSERT statements with escaped literals (D1 allows at most
// 100 bound parameters per statement, and one round trip per row would take hours at 1M rows).
const MAX_STATEMENT_BYTES = 90_000;
const STATEMENTS_PER_BATCH = 20;

export function literal(value) {
  if (value === null || value === undefined) return "NULL";
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : "NULL";
  if (typeof value === "boolean") return value ? "1" : "0";
  if (typeof value === "object") return literal(JSON.stringify(value));
  return `'${String(value).replace(/'/g, "''")}'`;
}

export class SqlWriter {
  constructor(db, { onProgress } = {}) {
    this.db = db;
    this.pending = [];
    this.onProgress = onProgress;
    this.rowsWritten = 0;
  }

  /** Queues rows (objects with the same keys, column names in snake_case) for `table`. */
  async insert(table, rows, { orIgnore = false } = {}) {
    if (rows.length === 0) return;
    const columns = Object.keys(rows[0]);
    const head = `INSERT ${orIgnore ? "OR IGNORE " : ""}INTO ${table} (${columns.join(", ")}) VALUES `;
    let values = [];
    let size = Buffer.byteLength(head);
    for (const row of rows) {
      const tuple = `(${columns.map((c) => literal(row[c])).join(", ")})`;
      const bytes = Buffer.byteLength(tuple);
      if (size + bytes + 1 > MAX_STATEMENT_BYTES && values.length > 0) {
        await this.push(head + values.join(","), values.length);
        values = [];
        size = Buffer.byteLength(head);
      }
      values.push(tuple);
      size += bytes + 1;
    }
    if (values.length > 0) await this.push(head + values.join(","), values.length);
  }

  async exec(sql) {
    await this.push(sql, 0);
  }

  async push(sql, rowCount) {
    this.pending.push({ sql, rowCount });
    if (this.pending.length >= STATEMENTS_PER_BATCH) await this.flush();
  }

  async flush() {
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    await this.db.batch(batch.map((s) => this.db.prepare(s.sql)));
    this.rowsWritten += batch.reduce((n, s) => n + s.rowCount, 0);
    this.onProgress?.(this.rowsWritten);
  }
}
