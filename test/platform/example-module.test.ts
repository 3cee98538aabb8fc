import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { createRoute, z } from "@hono/zod-openapi";
import { sql } from "drizzle-orm";
import { integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { buildApp } from "../../src/app";
import { runScheduled } from "../../src/core/cron";
import { depsOf } from "../../src/core/deps";
import { publishEvents } from "../../src/core/events";
import { currentUser, requireAuth } from "../../src/core/identity/auth";
import { defineModule, registeredModules } from "../../src/core/module";
import { channels, defineNotifications, type TypesOf } from "../../src/core/notifications";
import { MODULES } from "../../src/modules";
import { HOUR } from "../../src/platform/clock";
import { type AnyStatement, changed, runBatch } from "../../src/platform/db/batch";
import { name } from "../../src/platform/db/statements";
import { AppError, type CodesOf, defineErrors } from "../../src/platform/errors";
import { bearer, createRouter, errors, IdParam, json } from "../../src/platform/openapi";
import { defineRateLimits, type PoliciesOf, rateLimit } from "../../src/platform/rate-limit";
import { post } from "../support/http";
import { waitForNotifications } from "../support/notifications";
import { drainQueues } from "../support/queues";
import { createUser } from "../support/users";

/**
 * The example module of docs/DESIGN.md ("Adding a module"), defined here rather than in src/ and checked
 * through the kernel's own functions: its route answers, a kudos notifies through the registry, a block
 * runs its block step, and the account purge deletes its rows.
 *
 * A real module lists its manifest in src/modules/index.ts, which is what `buildApp` mounts by default.
 * Here the app is built with that list plus the example; everything else (blocks, the notify queue, the
 * cron, the purge) finds the module through the registry that `defineModule` fills, exactly as it finds
 * the listed ones.
 */

// --- src/db/schema/kudos.ts (a real module adds the table there and generates its migration)
const kudos = sqliteTable(
  "kudos",
  {
    giverId: text("giver_id").notNull(),
    receiverId: text("receiver_id").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.giverId, t.receiverId] })],
);

// --- src/modules/kudos/errors.ts
const kudosErrors = defineErrors({
  ALREADY_THANKED: [409, "You have already thanked this member.", "لقد شكرت هذا العضو من قبل."],
} as const);
declare module "../../src/platform/errors" {
  interface ErrorCatalog extends CodesOf<typeof kudosErrors> {}
}

// --- src/modules/kudos/rate-limits.ts
const kudosRateLimits = defineRateLimits({
  kudos: { subject: "user", rules: [{ limit: 20, windowMs: HOUR }] },
} as const);
declare module "../../src/platform/rate-limit" {
  interface RateLimitPolicies extends PoliciesOf<typeof kudosRateLimits> {}
}

// --- src/modules/kudos/notifications.ts
const kudosNotifications = defineNotifications({
  kudos: {
    channels: channels(false),
    aggregate: "type",
    text: (_n, locale, who) => (locale === "ar" ? `${who} يشكرك` : `${who} thanked you`),
    link: () => "/kudos",
  },
});
declare module "../../src/core/notifications" {
  interface NotificationTypes extends TypesOf<typeof kudosNotifications> {}
}

// --- src/modules/kudos/service.ts: statements name the schema's columns (src/platform/db/statements.ts)
async function giveKudos(deps: ReturnType<typeof depsOf>, me: string, other: string) {
  if (me === other) throw new AppError("CANNOT_TARGET_SELF");
  const [inserted] = await runBatch(deps.db, [
    deps.db.run(sql`INSERT INTO ${kudos} (${name(kudos.giverId)}, ${name(kudos.receiverId)}, ${name(kudos.createdAt)})
      SELECT ${me}, ${other}, ${deps.now}
      WHERE EXISTS (SELECT 1 FROM users WHERE id = ${other} AND status = 'ACTIVE')
      ON CONFLICT DO NOTHING`),
  ]);
  if (changed(inserted) === 0) {
    const known = await deps.db.get(sql`SELECT 1 FROM ${kudos}
      WHERE ${kudos.giverId} = ${me} AND ${kudos.receiverId} = ${other}`);
    throw new AppError(known ? "ALREADY_THANKED" : "NOT_FOUND");
  }
  deps.waitUntil(
    publishEvents(deps.env, [
      {
        key: `kudos:${me}:${other}`,
        event: { type: "kudos", actorId: me, recipientId: other, at: deps.now },
      },
    ]),
  );
}

/** What a block removes: kudos both ways. */
function kudosBetween(db: ReturnType<typeof depsOf>["db"], a: string, b: string): AnyStatement[] {
  return [
    db.run(sql`DELETE FROM ${kudos} WHERE (${kudos.giverId} = ${a} AND ${kudos.receiverId} = ${b})
      OR (${kudos.giverId} = ${b} AND ${kudos.receiverId} = ${a})`),
  ];
}

// --- src/modules/kudos/routes.ts
const KudosSchema = z.object({ userId: z.string(), received: z.number().int() }).openapi("Kudos");
const countOf = async (deps: ReturnType<typeof depsOf>, userId: string) =>
  (
    await deps.db.get<{ n: number }>(
      sql`SELECT count(*) AS n FROM ${kudos} WHERE ${kudos.receiverId} = ${userId}`,
    )
  )?.n ?? 0;

const kudosRoutes = createRouter()
  .openapi(
    createRoute({
      method: "post",
      path: "/{id}",
      tags: ["Kudos"],
      summary: "Thank a member (once; 20 per hour)",
      security: bearer,
      middleware: [requireAuth, rateLimit("kudos")] as const,
      request: { params: IdParam },
      responses: { 201: json(KudosSchema, "Thanked"), ...errors(400, 401, 404, 409, 429) },
    }),
    async (c) => {
      const deps = depsOf(c);
      const other = c.req.valid("param").id;
      await giveKudos(deps, currentUser(c).id, other);
      return c.json({ userId: other, received: await countOf(deps, other) }, 201);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/{id}",
      tags: ["Kudos"],
      summary: "How many members thanked this member",
      request: { params: IdParam },
      responses: { 200: json(KudosSchema) },
    }),
    async (c) => {
      const userId = c.req.valid("param").id;
      return c.json({ userId, received: await countOf(depsOf(c), userId) }, 200);
    },
  );

// --- src/modules/kudos/manifest.ts (and one line, `kudosModule,`, in src/modules/index.ts)
const kudosModule = defineModule({
  name: "kudos",
  routes: [{ path: "/api/v1/kudos", router: kudosRoutes }],
  errors: kudosErrors,
  rateLimits: kudosRateLimits,
  notifications: kudosNotifications,
  onBlock: kudosBetween,
  purge: { memberColumns: [kudos.giverId, kudos.receiverId] },
});

const exampleApp = buildApp([...MODULES, kudosModule]);

async function request(method: string, path: string, token?: string) {
  const ctx = createExecutionContext();
  const res = await exampleApp.request(
    path,
    {
      method,
      headers: {
        "accept-language": "en",
        "cf-connecting-ip": "192.0.2.77",
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
    },
    env,
    ctx,
  );
  await waitOnExecutionContext(ctx);
  return { status: res.status, body: (await res.json()) as any };
}

const rowsOf = async (userId: string) =>
  (await env.DB.prepare("SELECT count(*) AS n FROM kudos WHERE giver_id = ?1 OR receiver_id = ?1")
    .bind(userId)
    .first<{ n: number }>())!.n;

beforeAll(async () => {
  // The migration a real module would generate with `npm run db:generate`.
  await env.DB.exec(
    "CREATE TABLE IF NOT EXISTS kudos (giver_id TEXT NOT NULL REFERENCES users(id), receiver_id TEXT NOT NULL REFERENCES users(id), created_at INTEGER NOT NULL, PRIMARY KEY (giver_id, receiver_id))",
  );
});

describe("a module added by its manifest", () => {
  it("is registered after the listed modules", () => {
    expect(registeredModules().at(-1)).toBe(kudosModule);
  });

  it("answers on its route, with its own error codes and the app's envelope", async () => {
    const [sara, omar] = [await createUser(), await createUser()];
    const given = await request("POST", `/api/v1/kudos/${omar.id}`, sara.token);
    expect(given).toEqual({ status: 201, body: { userId: omar.id, received: 1 } });
    const again = await request("POST", `/api/v1/kudos/${omar.id}`, sara.token);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe("ALREADY_THANKED");
    expect((await request("POST", `/api/v1/kudos/${sara.id}`, sara.token)).status).toBe(400);
    expect((await request("POST", `/api/v1/kudos/${omar.id}`)).status).toBe(401);
    expect((await request("POST", "/api/v1/kudos/NOBODY", sara.token)).status).toBe(404);
    expect(await request("GET", `/api/v1/kudos/${omar.id}`)).toEqual({
      status: 200,
      body: { userId: omar.id, received: 1 },
    });
  });

  it("notifies through the notification registry (notify queue, fan-out, rendering)", async () => {
    const [sara, omar] = [await createUser(), await createUser()];
    expect((await request("POST", `/api/v1/kudos/${omar.id}`, sara.token)).status).toBe(201);
    await drainQueues();
    const list = await waitForNotifications(omar, (l) => l.some((n) => n.type === "kudos"));
    const note = list.find((n) => n.type === "kudos")!;
    expect(note.text).toBe(`${sara.displayName} thanked you`);
    expect(note.link).toBe("/kudos");
  });

  it("runs its block step in the block's batch", async () => {
    const [sara, omar] = [await createUser(), await createUser()];
    expect((await request("POST", `/api/v1/kudos/${omar.id}`, sara.token)).status).toBe(201);
    expect((await request("POST", `/api/v1/kudos/${sara.id}`, omar.token)).status).toBe(201);
    expect(await rowsOf(sara.id)).toBe(2);
    const blocked = await post(`/api/v1/users/${sara.id}/block`, undefined, { token: omar.token });
    expect(blocked.status).toBe(201);
    expect(await rowsOf(sara.id)).toBe(0);
  });

  it("loses a purged account's rows in the hourly cron's account purge", async () => {
    const [leaving, staying] = [await createUser(), await createUser()];
    expect((await request("POST", `/api/v1/kudos/${staying.id}`, leaving.token)).status).toBe(201);
    expect((await request("POST", `/api/v1/kudos/${leaving.id}`, staying.token)).status).toBe(201);
    const now = Date.now();
    await env.DB.prepare("UPDATE users SET status = 'DELETED', deleted_at = ? WHERE id = ?")
      .bind(now - 31 * 24 * HOUR, leaving.id)
      .run();
    const failures = vi.spyOn(console, "error");
    await runScheduled(env, now, "7 * * * *", registeredModules());
    expect(failures.mock.calls.flat().join("\n")).not.toContain("purge-deleted-accounts");
    failures.mockRestore();
    expect(await rowsOf(leaving.id)).toBe(0);
    expect(await env.DB.prepare("SELECT id FROM users WHERE id = ?").bind(leaving.id).first()).toBeNull();
  });
});
