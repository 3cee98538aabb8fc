import { z } from "@hono/zod-openapi";
import { LOCALE } from "../../platform/i18n";
import { line } from "../../platform/openapi";

export const USERNAME = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9_]{3,30}$/, "3-30 characters: letters a-z, digits and _")
  .openapi({ example: "sara_ahmed" });

export const EMAIL = z
  .string()
  .trim()
  .toLowerCase()
  .max(254)
  .pipe(z.email())
  .openapi({ example: "sara@example.com" });

export const PASSWORD = z.string().min(1).max(256).openapi({ example: "correct-horse-battery" });

export const UserSchema = z
  .object({
    id: z.string(),
    username: z.string(),
    email: z.string(),
    displayName: z.string(),
    locale: z.string(),
    role: z.string(),
    emailVerified: z.boolean(),
    createdAt: z.string().openapi({ format: "date-time" }),
  })
  .openapi("User");

export const RegisterBody = z
  .object({
    username: USERNAME,
    email: EMAIL,
    password: PASSWORD,
    displayName: line(100, 1).openapi({ example: "سارة أحمد" }),
    locale: LOCALE.optional(),
  })
  .openapi("RegisterRequest");

export const LoginBody = z
  .object({
    identifier: z.string().trim().toLowerCase().min(1).max(254).openapi({ description: "Username or email" }),
    password: PASSWORD,
  })
  .openapi("LoginRequest");

export const TokenPairSchema = z
  .object({
    accessToken: z.string(),
    refreshToken: z.string(),
    expiresIn: z.number().int().openapi({ description: "Seconds until the access token expires" }),
    user: UserSchema,
  })
  .openapi("TokenPair");

export const SessionSchema = z
  .object({
    id: z.string(),
    userAgent: z.string().nullable(),
    ip: z.string().nullable(),
    createdAt: z.string(),
    lastUsedAt: z.string(),
    expiresAt: z.string(),
    current: z.boolean(),
  })
  .openapi("Session");
