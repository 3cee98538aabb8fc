// Bench-only: serves one request through the real Worker with D1, KV, Durable Object and Queue bindings
// wrapped so every round trip is recorded, then asks D1 for the query plan of each statement.
// GET /__bench/trace?method=GET&path=/api/v1/feed?type=following  (headers and body are passed through)
import type { Bindings } from "../src/platform/env";

interface Statement {
  sql: string;
  params: unknown[];
}
interface Trip {
  kind: "d1" | "d1-batch" | "kv" | "durable-object" | "queue";
  what: string;
  statements?: Statement[];
}

const RAW = Symbol("raw");
type Traced = D1PreparedStatement & { [RAW]: D1PreparedStatement; sql: string; params: unknown[] };

function traceD1(db: D1Database, trips: Trip[]): D1Database {
  const wrap = (stmt: D1PreparedStatement, sql: string, params: unknown[]): Traced => {
    /** Records one round trip, then makes it. */
    const trip = <T>(what: string, call: () => T): T => {
      trips.push({ kind: "d1", what, statements: [{ sql, params }] });
      return call();
    };
    return {
      [RAW]: stmt,
      sql,
      params,
      bind: (...p: unknown[]) => wrap(stmt.bind(...p), sql, p),
      first: (col?: string) => trip("first", () => (col === undefined ? stmt.first() : stmt.first(col))),
      all: () => trip("all", () => stmt.all()),
      run: () => trip("run", () => stmt.run()),
      raw: (opts?: { columnNames?: boolean }) => trip("raw", () => stmt.raw(opts as { columnNames: true })),
    } as unknown as Traced;
  };
  return {
    prepare: (sql: string) => wrap(db.prepare(sql), sql, []),
    batch: (stmts: D1PreparedStatement[]) => {
      const list = stmts as Traced[];
      trips.push({
        kind: "d1-batch",
        what: `batch of ${list.length}`,
        statements: list.map((s) => ({ sql: s.sql, params: s.params })),
      });
      return db.batch(list.map((s) => s[RAW]));
    },
    exec: (sql: string) => {
      trips.push({ kind: "d1", what: "exec", statements: [{ sql, params: [] }] });
      return db.exec(sql);
    },
    dump: () => db.dump(),
    withSession: () => {
      throw new Error("withSession is not traced");
    },
  } as unknown as D1Database;
}

/** Wraps an object's methods so each call is one recorded trip. */
function traceCalls<T extends object>(
  target: T,
  kind: Trip["kind"],
  name: string,
  trips: Trip[],
  methods: string[],
): T {
  return new Proxy(target, {
    get(t, prop) {
      const value = Reflect.get(t, prop);
      if (typeof value !== "function") return value;
      if (methods.includes(String(prop))) {
        return (...args: unknown[]) => {
          trips.push({ kind, what: `${name}.${String(prop)}` });
          return Reflect.apply(value, t, args);
        };
      }
      return value.bind(t);
    },
  });
}

const KV_METHODS = ["get", "getWithMetadata", "put", "delete", "list"];

/** A stub fetched from a traced namespace: every method call on it is one trip to the object. */
function traceNamespace(ns: DurableObjectNamespace, name: string, trips: Trip[]): DurableObjectNamespace {
  return new Proxy(ns, {
    get(t, prop) {
      const value = Reflect.get(t, prop);
      if (typeof value !== "function") return value;
      if (prop === "get" || prop === "getByName") {
        return (...args: unknown[]) => {
          const stub = Reflect.apply(value, t, args) as DurableObjectStub;
          return new Proxy(stub, {
            get(s, p) {
              const v = Reflect.get(s, p);
              if (typeof v !== "function") return v;
              return (...a: unknown[]) => {
                trips.push({ kind: "durable-object", what: `${name}.${String(p)}` });
                return Reflect.apply(v, s, a);
              };
            },
          });
        };
      }
      return value.bind(t);
    },
  });
}

function tracedEnv(env: Bindings, trips: Trip[]): Bindings {
  const out: Record<string, unknown> = { ...env };
  out.DB = traceD1(env.DB, trips);
  out.KV = traceCalls(env.KV, "kv", "KV", trips, KV_METHODS);
  for (const [key, value] of Object.entries(env)) {
    if (key.endsWith("_QUEUE"))
      out[key] = traceCalls(value as Queue, "queue", key, trips, ["send", "sendBatch"]);
    else if (value && typeof value === "object" && "idFromName" in value)
      out[key] = traceNamespace(value as DurableObjectNamespace, key, trips);
  }
  return out as unknown as Bindings;
}

export async function traceRequest(
  request: Request,
  env: Bindings,
  ctx: ExecutionContext,
  handler: ExportedHandler<Bindings>,
): Promise<Response> {
  const url = new URL(request.url);
  const method = url.searchParams.get("method") ?? "GET";
  const path = url.searchParams.get("path") ?? "/";
  const headers = new Headers(request.headers);
  const inner = new Request(new URL(path, url), {
    method,
    headers,
    body: method === "GET" || method === "HEAD" ? undefined : await request.text(),
  });
  const trips: Trip[] = [];
  const response = await handler.fetch!(
    inner as Request<unknown, IncomingRequestCfProperties>,
    tracedEnv(env, trips),
    ctx,
  );
  const body = await response.text();
  const tripsBeforeResponse = trips.length;
  // Query plans (EXPLAIN QUERY PLAN does not execute the statement, also for writes).
  const plans = [];
  for (const trip of trips.slice(0, tripsBeforeResponse)) {
    for (const s of trip.statements ?? []) {
      try {
        const r = await env.DB.prepare(`EXPLAIN QUERY PLAN ${s.sql}`)
          .bind(...s.params)
          .all<{ id: number; parent: number; detail: string }>();
        // Reads are run once more on their own for D1's own figures: SQL time and rows read.
        type Meta = { duration?: number; rows_read?: number };
        let meta: Meta | null = null;
        if (/^\s*(SELECT|WITH)\b/i.test(s.sql)) {
          meta = (
            await env.DB.prepare(s.sql)
              .bind(...s.params)
              .all()
          ).meta as unknown as Meta;
        }
        plans.push({
          sql: s.sql,
          params: s.params,
          plan: r.results,
          sqlMs: meta?.duration ?? null,
          rowsRead: meta?.rows_read ?? null,
        });
      } catch (err) {
        plans.push({ sql: s.sql, params: s.params, plan: [], error: String(err) });
      }
    }
  }
  return new Response(
    JSON.stringify({
      status: response.status,
      bytes: body.length,
      trips: trips
        .slice(0, tripsBeforeResponse)
        .map(({ kind, what, statements }) => ({ kind, what, statements: statements?.length ?? 0 })),
      plans,
    }),
    { headers: { "content-type": "application/json" } },
  );
}
