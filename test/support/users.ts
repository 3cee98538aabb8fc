import { env } from "cloudflare:test";
import { freshIp, post } from "./http";

export interface TestUser {
  id: string;
  username: string;
  email: string;
  password: string;
  displayName: string;
  token: string;
  refreshToken: string;
  ip: string;
}

let counter = 0;
export function uniqueName(prefix = "u"): string {
  counter++;
  return `${prefix}${Date.now().toString(36)}${counter}${Math.floor(Math.random() * 1e4)}`
    .slice(0, 30)
    .toLowerCase();
}

export async function registerUser(
  overrides: Partial<{
    username: string;
    email: string;
    password: string;
    displayName: string;
    locale: string;
  }> = {},
) {
  const username = overrides.username ?? uniqueName();
  const input = {
    username,
    email: overrides.email ?? `${username}@example.com`,
    password: overrides.password ?? "a-long-unusual-passphrase",
    displayName: overrides.displayName ?? `Test ${username}`,
    ...(overrides.locale ? { locale: overrides.locale } : {}),
  };
  const ip = freshIp();
  const res = await post("/api/v1/auth/register", input, { ip });
  if (res.status !== 201) throw new Error(`register failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { ...input, id: res.body.user.id as string, ip };
}

/**
 * A signed-in member. The email is marked verified directly in D1 (test set-up, not behaviour under
 * test: the verification flow itself is covered in test/auth), which keeps tests free of queue waits.
 */
export async function createUser(
  overrides: Parameters<typeof registerUser>[0] & { verified?: boolean } = {},
): Promise<TestUser> {
  const user = await registerUser(overrides);
  if (overrides.verified !== false) {
    await env.DB.prepare("UPDATE users SET email_verified_at = ? WHERE id = ?")
      .bind(Date.now(), user.id)
      .run();
  }
  const res = await post(
    "/api/v1/auth/login",
    { identifier: user.username, password: user.password },
    { ip: user.ip },
  );
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { ...user, token: res.body.accessToken, refreshToken: res.body.refreshToken };
}

export async function createUsers(
  n: number,
  overrides: Parameters<typeof createUser>[0] = {},
): Promise<TestUser[]> {
  return Promise.all(Array.from({ length: n }, () => createUser(overrides)));
}
