import { env } from "cloudflare:test";
import { drainQueues } from "../support/queues";

/**
 * What the authorization matrix re-reads after a refused write: every row of every D1 table (sorted, so
 * only content counts), except the tables below, which change on their own while a test runs.
 */
const MOVING: Record<string, string> = {
  queue_receipts: "written by queue consumers",
  email_outbox: "written by the email consumer",
  notifications: "written by the notify consumer",
  notification_actors: "written by the notify consumer",
  search_docs: "the search index, written by the search consumer",
  search_terms: "the search vocabulary, written by the search consumer with the index (insert-only)",
  search_meta: "the search index's format, written by the index upgrade",
  conversations:
    "summaries written back by the ChatRoom object about 200 ms after a message (the matrix re-reads conversations through the API instead)",
  conversation_members:
    "read and delivery positions written back by the ChatRoom object (re-read through the API)",
  presence: "written by the UserHub objects as sockets come and go",
  login_history: "sign-in bookkeeping",
  d1_migrations: "the schema's history",
};
const FTS = /^search_(people|posts)/;

let tables: Promise<string[]> | undefined;

async function stateTables(): Promise<string[]> {
  tables ??= env.DB.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
    .all<{ name: string }>()
    .then(({ results }) =>
      results
        .map((r) => r.name)
        .filter((n) => !n.startsWith("_cf") && !n.startsWith("sqlite_") && !FTS.test(n) && !(n in MOVING)),
    );
  return tables;
}

/** Table name → its rows as sorted JSON strings. Waits for the queues first (their writes are not ours). */
export async function d1State(): Promise<Map<string, string[]>> {
  await drainQueues();
  const names = await stateTables();
  const results = await env.DB.batch(names.map((n) => env.DB.prepare(`SELECT * FROM "${n}"`)));
  return new Map(
    names.map((n, i) => [n, (results[i]!.results as unknown[]).map((r) => JSON.stringify(r)).sort()]),
  );
}

/** What changed between two states, one line per table (rows gone and rows new, a few of each). */
export function stateDiff(before: Map<string, string[]>, after: Map<string, string[]>): string[] {
  const out: string[] = [];
  for (const [table, rows] of after) {
    const old = before.get(table) ?? [];
    const oldSet = new Set(old);
    const newSet = new Set(rows);
    const gone = old.filter((r) => !newSet.has(r));
    const added = rows.filter((r) => !oldSet.has(r));
    if (gone.length || added.length) {
      out.push(
        `${table}: ${gone.length} row(s) changed or removed ${gone.slice(0, 2).join(" ")}${added.length ? ` → ${added.slice(0, 2).join(" ")}` : ""}`,
      );
    }
  }
  return out;
}
