import { expect } from "vitest";
import { graphCounters, graphRows } from "../support/graph";
import { env } from "../support/http";
import { createUsers, type TestUser } from "../support/users";

/** Test set-up: privacy settings and account state are written directly (they are not under test here). */
export async function setPrivacy(
  user: TestUser,
  privacy: { visibility?: "PUBLIC" | "CONNECTIONS" | "PRIVATE"; showConnections?: boolean },
): Promise<void> {
  await env.DB.prepare(
    "UPDATE profiles SET visibility = COALESCE(?, visibility), show_connections = COALESCE(?, show_connections) WHERE user_id = ?",
  )
    .bind(
      privacy.visibility ?? null,
      privacy.showConnections === undefined ? null : Number(privacy.showConnections),
      user.id,
    )
    .run();
}

export async function setStatus(user: TestUser, status: "ACTIVE" | "SUSPENDED" | "DELETED"): Promise<void> {
  await env.DB.prepare("UPDATE users SET status = ?, deleted_at = ? WHERE id = ?")
    .bind(status, status === "DELETED" ? Date.now() : null, user.id)
    .run();
}

/** Asserts each member's counters equal the rows they count, and optionally their values. */
export async function expectCounters(
  user: TestUser,
  expected?: Partial<{ followers: number; following: number; connections: number }>,
): Promise<void> {
  const [counters, rows] = await Promise.all([graphCounters(user.id), graphRows(user.id)]);
  expect(counters).toEqual(rows);
  if (expected) expect(counters).toMatchObject(expected);
}

export const ids = (page: { data: { user: { id: string } }[] }) => page.data.map((item) => item.user.id);

/** A well-formed member id that belongs to nobody. */
export const NOBODY = "01ARZ3NDEKTSV4RRFFQ69G5FAV";

type Members<N extends number, R extends TestUser[] = []> = R["length"] extends N
  ? R
  : Members<N, [TestUser, ...R]>;

/** `n` signed-in members as a typed tuple, for `const [a, b] = await members(2)`. */
export async function members<N extends number>(n: N): Promise<Members<N>> {
  return (await createUsers(n)) as Members<N>;
}
