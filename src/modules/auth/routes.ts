import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { depsOf } from "../../core/deps";
import { currentUser, requireAuth } from "../../core/identity/auth";
import type { AppEnv } from "../../platform/env";
import { bearer, createRouter, errors, json, jsonBody } from "../../platform/openapi";
import { clientIp, enforceRateLimit, rateLimit } from "../../platform/rate-limit";
import {
  EMAIL,
  LoginBody,
  PASSWORD,
  RegisterBody,
  SessionSchema,
  TokenPairSchema,
  UserSchema,
} from "./schemas";
import * as auth from "./service";

const tags = ["Auth"];
const Accepted = z.object({ ok: z.literal(true) }).openapi("Accepted");

const client = (c: Context<AppEnv>) => ({ ip: clientIp(c), userAgent: c.req.header("user-agent") ?? null });

export const authRoutes = createRouter()
  .openapi(
    createRoute({
      method: "post",
      path: "/register",
      tags,
      summary: "Create an account; a 6-digit code is emailed for verification",
      middleware: [rateLimit("auth-register")] as const,
      request: { body: jsonBody(RegisterBody) },
      responses: { 201: json(z.object({ user: UserSchema }), "Created"), ...errors(400, 409, 429) },
    }),
    async (c) => {
      const user = await auth.register(depsOf(c), c.req.valid("json"));
      return c.json({ user }, 201);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/verify-email",
      tags,
      summary: "Confirm an email address with the emailed code (15 minutes, 5 attempts)",
      middleware: [rateLimit("auth-code")] as const,
      request: { body: jsonBody(z.object({ email: EMAIL, code: z.string().regex(/^\d{6}$/) })) },
      responses: { 200: json(z.object({ verified: z.boolean() })), ...errors(400, 429) },
    }),
    async (c) => {
      const { email, code } = c.req.valid("json");
      return c.json(await auth.verifyEmail(depsOf(c), email, code), 200);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/resend-verification",
      tags,
      summary: "Send a new verification code (same answer whether or not the email is registered)",
      middleware: [rateLimit("auth-email")] as const,
      request: { body: jsonBody(z.object({ email: EMAIL })) },
      responses: { 202: json(Accepted, "Accepted"), ...errors(400, 429) },
    }),
    async (c) => {
      await auth.resendVerification(depsOf(c), c.req.valid("json").email);
      return c.json({ ok: true as const }, 202);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/login",
      tags,
      summary: "Sign in with username or email; 5 failures lock the account for 15 minutes",
      middleware: [rateLimit("auth-login")] as const,
      request: { body: jsonBody(LoginBody) },
      responses: { 200: json(TokenPairSchema), ...errors(400, 401, 429) },
    }),
    async (c) => {
      const { identifier, password } = c.req.valid("json");
      return c.json(await auth.login(depsOf(c), identifier, password, client(c)), 200);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/refresh",
      tags,
      summary:
        "Exchange a refresh token for a new pair (the old one stops working; reusing it ends the session)",
      middleware: [rateLimit("auth-refresh")] as const,
      request: { body: jsonBody(z.object({ refreshToken: z.string().min(10).max(200) })) },
      responses: { 200: json(TokenPairSchema), ...errors(400, 401, 429) },
    }),
    async (c) => c.json(await auth.refresh(depsOf(c), c.req.valid("json").refreshToken), 200),
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/logout",
      tags,
      summary: "End this session",
      security: bearer,
      middleware: [requireAuth] as const,
      responses: { 204: { description: "Signed out" }, ...errors(401) },
    }),
    async (c) => {
      const user = currentUser(c);
      await auth.revokeSessions(depsOf(c), user.id, [user.sessionId], "LOGOUT");
      return c.body(null, 204);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/logout-all",
      tags,
      summary: "End every session of this account, on every device",
      security: bearer,
      middleware: [requireAuth] as const,
      responses: { 204: { description: "Signed out everywhere" }, ...errors(401) },
    }),
    async (c) => {
      await auth.revokeAllSessions(depsOf(c), currentUser(c).id, "LOGOUT_ALL");
      return c.body(null, 204);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/sessions",
      tags,
      summary: "Active sessions (devices) of this account",
      security: bearer,
      middleware: [requireAuth] as const,
      responses: { 200: json(z.object({ data: z.array(SessionSchema) })), ...errors(401) },
    }),
    async (c) => {
      const user = currentUser(c);
      return c.json({ data: await auth.listSessions(depsOf(c), user.id, user.sessionId) }, 200);
    },
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/sessions/{id}",
      tags,
      summary: "End one of your sessions",
      security: bearer,
      middleware: [requireAuth] as const,
      request: { params: z.object({ id: z.string().max(64) }) },
      responses: { 204: { description: "Ended" }, ...errors(401, 404) },
    }),
    async (c) => {
      await auth.revokeOwnSession(depsOf(c), currentUser(c).id, c.req.valid("param").id);
      return c.body(null, 204);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/forgot-password",
      tags,
      summary: "Email a reset link (same answer whether or not the email is registered)",
      middleware: [rateLimit("auth-email")] as const,
      request: { body: jsonBody(z.object({ email: EMAIL })) },
      responses: { 202: json(Accepted, "Accepted"), ...errors(400, 429) },
    }),
    async (c) => {
      await auth.forgotPassword(depsOf(c), c.req.valid("json").email);
      return c.json({ ok: true as const }, 202);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/reset-password",
      tags,
      summary: "Set a new password with a reset token (15 minutes, single use); ends every session",
      middleware: [rateLimit("auth-code")] as const,
      request: { body: jsonBody(z.object({ token: z.string().min(10).max(200), newPassword: PASSWORD })) },
      responses: { 204: { description: "Password changed" }, ...errors(400, 429) },
    }),
    async (c) => {
      const { token, newPassword } = c.req.valid("json");
      await auth.resetPassword(depsOf(c), token, newPassword);
      return c.body(null, 204);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/change-password",
      tags,
      summary:
        "Change the password; other sessions end, this one stays. Wrong current passwords count toward the sign-in lockout",
      security: bearer,
      middleware: [requireAuth, rateLimit("auth-password")] as const,
      request: { body: jsonBody(z.object({ currentPassword: PASSWORD, newPassword: PASSWORD })) },
      responses: { 204: { description: "Password changed" }, ...errors(400, 401, 429) },
    }),
    async (c) => {
      const user = currentUser(c);
      await enforceRateLimit(c, "auth-code", `ip:${clientIp(c)}`);
      const { currentPassword, newPassword } = c.req.valid("json");
      await auth.changePassword(depsOf(c), user.id, user.sessionId, currentPassword, newPassword, client(c));
      return c.body(null, 204);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/me",
      tags,
      summary: "The signed-in account",
      security: bearer,
      middleware: [requireAuth] as const,
      responses: { 200: json(z.object({ user: UserSchema })), ...errors(401) },
    }),
    async (c) => c.json({ user: await auth.getMe(depsOf(c), currentUser(c).id) }, 200),
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/me",
      tags,
      summary:
        "Delete the account (password required). Hidden at once, purged after 30 days. Wrong passwords count toward the sign-in lockout",
      security: bearer,
      middleware: [requireAuth, rateLimit("auth-password")] as const,
      request: { body: jsonBody(z.object({ password: PASSWORD })) },
      responses: { 204: { description: "Deleted" }, ...errors(400, 401, 429) },
    }),
    async (c) => {
      await auth.deleteAccount(depsOf(c), currentUser(c).id, c.req.valid("json").password, client(c));
      return c.body(null, 204);
    },
  );
