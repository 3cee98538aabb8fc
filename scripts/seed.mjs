// Seeds the local D1 database (the one `npm start` uses) with realistic members and activity.
//   npm run seed -- --demo              demo members (known logins) + 200 generated members + activity
//   npm run seed -- --users 1000        add 1,000 generated members (+ graph, + activity)
//   npm run seed -- --users 1000 --posts 100000 [--persist .wrangler/state]
// Everything is written with batched multi-row INSERTs; progress goes to stdout.
import { spawnSync } from "node:child_process";
import { parseArgs } from "node:util";
import { WRANGLER_ENV } from "./lib/env.mjs";
import { importTs } from "./lib/import-ts.mjs";
import { openLocalD1 } from "./lib/local-d1.mjs";
import { SqlWriter } from "./lib/sql-writer.mjs";
import { seedGraph } from "./seed/graph.mjs";
import { DEMO_MEMBERS, DEMO_PASSWORD, generateMember, memberRows } from "./seed/members.mjs";
import { SEED_PARTS } from "./seed/parts.mjs";
import { rng } from "./seed/random.mjs";

const { values: args } = parseArgs({
  options: {
    demo: { type: "boolean", default: false },
    users: { type: "string" },
    posts: { type: "string" },
    seed: { type: "string", default: "42" },
    persist: { type: "string", default: ".wrangler/state" },
    quiet: { type: "boolean", default: false },
  },
});

const started = Date.now();
const progress = (msg) => {
  if (!args.quiet) console.log(`  [${((Date.now() - started) / 1000).toFixed(1)}s] ${msg}`);
};

const userCount = Number(args.users ?? (args.demo ? 200 : 100));
const r = rng(Number(args.seed));
const now = Date.now();
const { hashPassword } = await importTs("src/core/identity/password.ts");
const { idAt } = await importTs("src/platform/ids.ts");
let normalizeKey;
try {
  ({ normalizeKey } = await importTs("src/platform/text.ts"));
} catch {
  normalizeKey = undefined;
}

// Migrations first (idempotent), so seeding works on a fresh checkout or a fresh persistence directory.
const migrate = spawnSync(
  "npx",
  ["wrangler", "d1", "migrations", "apply", "DB", "--local", "--persist-to", args.persist],
  { env: WRANGLER_ENV, encoding: "utf8" },
);
if (migrate.status !== 0) {
  console.error(migrate.stdout, migrate.stderr);
  process.exit(1);
}

const { db, close } = await openLocalD1(args.persist);
const writer = new SqlWriter(db, {
  onProgress: (n) => (n % 20_000 < 2_000 ? progress(`${n} rows written`) : undefined),
});

const existingDemo = await db.prepare("SELECT count(*) AS n FROM users WHERE username = 'sara'").first();
const includeDemo = existingDemo.n === 0;
const passwordHash = await hashPassword(DEMO_PASSWORD, 600_000);
const suffix = (Date.now() % 1_000_000).toString(36);

const wanted = [
  ...(includeDemo ? DEMO_MEMBERS.map((m) => ({ ...m, demo: true })) : []),
  ...Array.from({ length: userCount }, (_, i) => generateMember(r, i, suffix)),
];
progress(`members: generating ${wanted.length}`);
const members = [];
const tables = { users: [], profiles: [], user_preferences: [], experiences: [], educations: [], skills: [] };
for (const m of wanted) {
  const id = idAt(now - r.int(30, 700) * 86_400_000);
  const rows = memberRows(r, m, { id, now, passwordHash, idAt, normalizeKey });
  tables.users.push(rows.user);
  tables.profiles.push(rows.profile);
  tables.user_preferences.push(rows.preferences);
  tables.experiences.push(...rows.experiences);
  tables.educations.push(...rows.educations);
  tables.skills.push(...rows.skills);
  members.push({
    id,
    username: m.username,
    locale: m.locale,
    demo: !!m.demo,
    createdAt: rows.user.created_at,
  });
}
for (const [table, rows] of Object.entries(tables)) await writer.insert(table, rows);
await writer.flush();
progress(`members: ${members.length} written`);

await seedGraph({ writer, r, members, now, idAt, progress });

const context = { writer, db, r, members, now, idAt, progress, args, normalizeKey, importTs };
for (const part of SEED_PARTS) {
  await part(context);
  await writer.flush();
}

await close();
progress(`done: ${writer.rowsWritten} rows`);

// The seed writes rows directly, so the search index is built from them afterwards.
const rebuild = spawnSync(
  "node",
  ["scripts/search-rebuild.mjs", "--engine", "d1", "--persist", args.persist],
  {
    stdio: args.quiet ? "ignore" : "inherit",
    env: WRANGLER_ENV,
  },
);
if (rebuild.status !== 0) console.warn("search index rebuild failed: run `npm run search:rebuild`");
progress("search index built");
if (includeDemo) {
  console.log(
    `\nDemo logins (password "${DEMO_PASSWORD}"): ${DEMO_MEMBERS.map((m) => m.username).join(", ")}`,
  );
}
