import { sql } from "drizzle-orm";
import { users } from "../db/schema";
import { DAY } from "../platform/clock";
import { statement } from "../platform/db/statements";
import type { Bindings } from "../platform/env";
import { logError, logInfo } from "../platform/log";
import { queueReceiptsTask } from "../platform/queue";
import { type MaintenanceTask, type ModuleManifest, purgeOrder, registeredModules } from "./module";

/** Accounts deleted this long ago lose every row that belongs to them. */
export const PURGE_AFTER_MS = 30 * DAY;

/**
 * The account purge as one task: each module's statements in purge order (counters of the members who
 * stay, rows found through others), then every declared member column's rows, then the users rows.
 */
export function purgeTask(modules: readonly ModuleManifest[] = registeredModules()): MaintenanceTask {
  return {
    name: "purge-deleted-accounts",
    statements: (db, now) => {
      const cutoff = now - PURGE_AFTER_MS;
      const doomed = sql`SELECT ${users.id} FROM ${users} WHERE ${users.status} = 'DELETED' AND ${users.deletedAt} < ${cutoff}`;
      const ordered = purgeOrder(modules);
      return [
        ...ordered.flatMap((m) => m.purge?.statements?.(db, doomed) ?? []),
        ...ordered.flatMap((m) =>
          (m.purge?.memberColumns ?? []).map((column) =>
            statement(db, sql`DELETE FROM ${column.table} WHERE ${column} IN (${doomed})`),
          ),
        ),
        statement(
          db,
          sql`DELETE FROM ${users} WHERE ${users.status} = 'DELETED' AND ${users.deletedAt} < ${cutoff}`,
        ),
      ];
    },
  };
}

/** Every SQL task of the hourly cron: the platform's, each module's, then the account purge. */
export function maintenanceTasks(
  modules: readonly ModuleManifest[] = registeredModules(),
): MaintenanceTask[] {
  return [queueReceiptsTask, ...modules.flatMap((m) => m.maintenance ?? []), purgeTask(modules)];
}

/**
 * The hourly cron: first each module's jobs (R2, queues, searches; in module order, so media is purged
 * while the purged accounts' rows still exist), then every SQL task, each in one batch. Every task is
 * idempotent, and one failing task does not stop the others.
 */
export async function runScheduled(
  env: Bindings,
  now: number,
  cron: string,
  modules: readonly ModuleManifest[] = registeredModules(),
): Promise<void> {
  for (const job of modules.flatMap((m) => m.jobs ?? [])) {
    const started = Date.now();
    try {
      const result = await job.run(env, now, cron);
      logInfo(env, "maintenance", { task: job.name, cron, ...result, ms: Date.now() - started });
    } catch (err) {
      logError("maintenance failed", { task: job.name, error: String(err) });
    }
  }
  for (const task of maintenanceTasks(modules)) {
    const started = Date.now();
    try {
      const statements = task.statements(env.DB, now);
      if (statements.length === 0) continue; // not this task's hour
      await env.DB.batch(statements);
      logInfo(env, "maintenance", { task: task.name, cron, ms: Date.now() - started });
    } catch (err) {
      logError("maintenance failed", { task: task.name, error: String(err) });
    }
  }
}
