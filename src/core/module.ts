import type { SQL } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import type { Hono } from "hono";
import type { AnyStatement } from "../platform/db/batch";
import type { AppEnv, Bindings } from "../platform/env";
import type { ErrorTable } from "../platform/errors";
import type { Consumer } from "../platform/queue";
import type { PolicyTable } from "../platform/rate-limit";
import type { Db } from "./db";
import type { Deps } from "./deps";
import type { NotificationTable } from "./notifications";
import type { Searchable } from "./searchables";
import type { Target } from "./targets";

/**
 * A module's manifest: everything the Worker needs to know about a module, in one place. `defineModule`
 * registers it; the app mounts its routes, the cron runs its tasks and jobs and purges what it declares,
 * the queue handler dispatches to its consumers, a block runs its steps, and the reliability harness
 * finds its routes in /openapi.json. Adding a module is one line in src/modules/index.ts.
 *
 * Errors, rate limits, notification types, targets and searchable types are declared in the module's own
 * files (`defineErrors`, `defineRateLimits`, `defineNotifications`, `defineTargets`, `defineSearchable`) and
 * listed here too, so the manifest shows the module's whole surface.
 */
export interface Mount {
  /** Where the router is mounted, e.g. "/api/v1/posts". */
  path: string;
  // biome-ignore lint/suspicious/noExplicitAny: any router schema; the app keeps the exact types
  router: Hono<AppEnv, any, any>;
}

/** A set of idempotent SQL statements run by the hourly cron in one batch (none: not this hour). */
export interface MaintenanceTask {
  name: string;
  statements: (db: D1Database, now: number) => D1PreparedStatement[];
}

/** Cron work that is not plain SQL (R2, queues, searches); run before the SQL tasks, in module order. */
export interface Job {
  name: string;
  run: (env: Bindings, now: number, cron: string) => Promise<Record<string, unknown> | undefined>;
}

/**
 * What the account purge does for a module, 30 days after a member deleted their account. `doomed` is an
 * SQL subquery selecting the purged ids (its cutoff already bound).
 */
export interface PurgeStep {
  /** Modules whose statements must run before this module's (e.g. content before the follows it counts). */
  after?: readonly string[];
  /** Statements run first, in module order: counters of the members who stay, rows found through others. */
  statements?: (db: D1Database, doomed: SQL) => D1PreparedStatement[];
  /**
   * Schema columns holding a member id (`savedSearches.userId`): rows naming a purged member are deleted
   * after every module's statements.
   */
  memberColumns?: readonly SQLiteColumn[];
  /** Schema columns that may hold a member id but whose rows stay (or go another way), each with the reason. */
  keeps?: readonly (readonly [column: SQLiteColumn, reason: string])[];
}

/** Statements that go into the block's own batch (one transaction with the block row). */
export type BlockStep = (db: Db, blockerId: string, blockedId: string) => AnyStatement[];

export interface ModuleManifest {
  name: string;
  routes?: readonly Mount[];
  errors?: ErrorTable;
  rateLimits?: PolicyTable;
  notifications?: NotificationTable;
  targets?: readonly Target[];
  /** The searchable types it owns (`defineSearchable` in its search.ts), which the search module indexes and queries. */
  search?: readonly Searchable[];
  /** What a block removes between the two members (follows, connections, endorsements...). */
  onBlock?: BlockStep;
  /** Work after a block or an unblock committed (e.g. group chat rooms reloading their block cache). */
  afterBlockChange?: (deps: Deps, a: string, b: string) => Promise<void>;
  purge?: PurgeStep;
  maintenance?: readonly MaintenanceTask[];
  jobs?: readonly Job[];
  // biome-ignore lint/suspicious/noExplicitAny: consumers of any message schema
  consumers?: readonly Consumer<any>[];
}

const MODULES = new Map<string, ModuleManifest>();

/** Registers a module (when its index.ts loads) and returns its manifest. */
export function defineModule<const M extends ModuleManifest>(manifest: M): M {
  if (MODULES.has(manifest.name)) throw new Error(`module ${manifest.name} defined twice`);
  MODULES.set(manifest.name, manifest);
  return manifest;
}

let order: readonly string[] = [];

/** Sets the order modules are iterated in (the order of the list in src/modules/index.ts). */
export function orderModules(names: readonly string[]): void {
  order = names;
}

/** Every registered module, listed ones in list order first. */
export function registeredModules(): ModuleManifest[] {
  const rank = (name: string) => {
    const i = order.indexOf(name);
    return i < 0 ? order.length : i;
  };
  return [...MODULES.values()].sort((a, b) => rank(a.name) - rank(b.name));
}

/** Modules ordered so that each comes after the modules its purge names in `after`. */
export function purgeOrder(modules: readonly ModuleManifest[] = registeredModules()): ModuleManifest[] {
  const byName = new Map(modules.map((m) => [m.name, m]));
  const done = new Set<string>();
  const out: ModuleManifest[] = [];
  const visit = (m: ModuleManifest, path: string[]) => {
    if (done.has(m.name)) return;
    if (path.includes(m.name)) throw new Error(`purge order circle: ${[...path, m.name].join(" → ")}`);
    for (const first of m.purge?.after ?? []) {
      const dep = byName.get(first);
      if (!dep) throw new Error(`module ${m.name} purges after unknown module ${first}`);
      visit(dep, [...path, m.name]);
    }
    done.add(m.name);
    out.push(m);
  };
  for (const m of modules) visit(m, []);
  return out;
}
