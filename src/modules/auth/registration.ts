import { and, eq, gt, lt, or, sql } from "drizzle-orm";
import type { Deps } from "../../core/deps";
import { configuredIterations, hashPassword } from "../../core/identity/password";
import { emailVerifications, profiles, userPreferences, users } from "../../db/schema";
import { MINUTE } from "../../platform/clock";
import { randomDigits, sha256Hex, timingSafeEqual } from "../../platform/crypto";
import { isUniqueViolation } from "../../platform/db/errors";
import { AppError } from "../../platform/errors";
import { newId } from "../../platform/ids";
import { hasRateLimitLeft } from "../../platform/rate-limit";
import { queueEmail } from "../email";
import { queueIndex } from "../search";

import { emailLocale, toUser, type UserRow, weakPassword } from "./account";

/** Registration and email verification (6-digit codes, a limited number of guesses per code). */
export const VERIFICATION_TTL_MS = 15 * MINUTE;
export const VERIFICATION_MAX_ATTEMPTS = 5;

const codeHash = (userId: string, code: string) => sha256Hex(`verify:${userId}:${code}`);

async function issueVerificationCode(
  deps: Deps,
  user: Pick<UserRow, "id" | "email" | "displayName" | "locale">,
) {
  const code = randomDigits(6);
  await deps.db
    .insert(emailVerifications)
    .values({
      userId: user.id,
      codeHash: await codeHash(user.id, code),
      expiresAt: deps.now + VERIFICATION_TTL_MS,
      attempts: 0,
      createdAt: deps.now,
    })
    .onConflictDoUpdate({
      target: emailVerifications.userId,
      set: {
        codeHash: await codeHash(user.id, code),
        expiresAt: deps.now + VERIFICATION_TTL_MS,
        attempts: 0,
        createdAt: deps.now,
      },
    });
  await queueEmail(deps.env, `verify:${user.id}:${deps.now}`, {
    to: user.email,
    locale: emailLocale(user.locale),
    template: "verify-email",
    data: { name: user.displayName, code },
  });
}

export interface RegisterInput {
  username: string;
  email: string;
  password: string;
  displayName: string;
  locale?: string | undefined;
}

export async function register(deps: Deps, input: RegisterInput) {
  weakPassword(input.password, input);
  const { db, now } = deps;
  const taken = await db
    .select({ username: users.username, email: users.email })
    .from(users)
    .where(or(eq(users.username, input.username), eq(users.email, input.email)))
    .limit(2);
  if (taken.some((t) => t.username === input.username)) throw new AppError("USERNAME_TAKEN");
  if (taken.length > 0) throw new AppError("EMAIL_TAKEN");

  const id = newId(now);
  const locale = input.locale ?? deps.locale;
  const row: UserRow = {
    id,
    username: input.username,
    email: input.email,
    emailVerifiedAt: null,
    passwordHash: await hashPassword(
      input.password,
      configuredIterations(deps.env.PASSWORD_PBKDF2_ITERATIONS),
    ),
    displayName: input.displayName,
    locale,
    role: "member",
    status: "ACTIVE",
    shadowbanned: false,
    mutedUntil: null,
    failedLogins: 0,
    lockedUntil: null,
    deletedAt: null,
    createdAt: now,
    updatedAt: now,
  };
  try {
    await db.batch([
      db.insert(users).values(row),
      db.insert(profiles).values({ userId: id, updatedAt: now }),
      db.insert(userPreferences).values({ userId: id, locale, updatedAt: now }),
    ]);
  } catch (err) {
    // Two registrations racing for the same name: the database's unique index decides.
    if (isUniqueViolation(err)) {
      throw new AppError(String(err).includes("username") ? "USERNAME_TAKEN" : "EMAIL_TAKEN");
    }
    throw err;
  }
  await issueVerificationCode(deps, row);
  deps.waitUntil(queueIndex(deps.env, "people", id));
  return toUser(row);
}

/**
 * The attempt is counted before the code is compared, in one conditional UPDATE (at most
 * VERIFICATION_MAX_ATTEMPTS comparisons per code, whatever arrives at the same time): only an update
 * that found the code unexpired and under the limit gets its hash back to compare with.
 */
export async function verifyEmail(deps: Deps, email: string, code: string) {
  const { db, now } = deps;
  const user = await db.query.users.findFirst({
    where: and(eq(users.email, email), eq(users.status, "ACTIVE")),
  });
  // An address that is already verified answers like an unknown one: the route must not tell who is registered.
  if (!user || user.emailVerifiedAt !== null) throw new AppError("INVALID_CODE");
  const attempt = await db
    .update(emailVerifications)
    .set({ attempts: sql`${emailVerifications.attempts} + 1` })
    .where(
      and(
        eq(emailVerifications.userId, user.id),
        lt(emailVerifications.attempts, VERIFICATION_MAX_ATTEMPTS),
        gt(emailVerifications.expiresAt, now),
      ),
    )
    .returning({ codeHash: emailVerifications.codeHash })
    .get();
  if (!attempt || !timingSafeEqual(attempt.codeHash, await codeHash(user.id, code))) {
    throw new AppError("INVALID_CODE");
  }
  await db.batch([
    db.update(users).set({ emailVerifiedAt: now, updatedAt: now }).where(eq(users.id, user.id)),
    db
      .delete(emailVerifications)
      .where(and(eq(emailVerifications.userId, user.id), eq(emailVerifications.codeHash, attempt.codeHash))),
  ]);
  await queueEmail(deps.env, `welcome:${user.id}`, {
    to: user.email,
    locale: emailLocale(user.locale),
    template: "welcome",
    data: { name: user.displayName },
  });
  return { verified: true };
}

/**
 * Same answer whether or not the address is registered. Each code allows VERIFICATION_MAX_ATTEMPTS
 * guesses, so codes are also capped per member and day (`verification-codes`, whatever the client's
 * address): without it, resends from many addresses would buy unlimited guesses at a 6-digit code.
 * Past the cap the answer is the same and nothing is sent.
 */
export async function resendVerification(deps: Deps, email: string): Promise<void> {
  const user = await deps.db.query.users.findFirst({
    where: and(eq(users.email, email), eq(users.status, "ACTIVE")),
  });
  if (!user || user.emailVerifiedAt !== null) return;
  if (!(await hasRateLimitLeft(deps.env, "verification-codes", user.id, deps.now))) return;
  await issueVerificationCode(deps, user);
}
