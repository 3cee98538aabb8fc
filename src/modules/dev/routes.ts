import { createRoute, z } from "@hono/zod-openapi";
import { desc, eq } from "drizzle-orm";
import { depsOf } from "../../core/deps";
import { emailOutbox } from "../../db/schema";
import { isoAt } from "../../platform/clock";
import { isDevelopmentMode } from "../../platform/environment";
import { AppError } from "../../platform/errors";
import { createRouter, errors, json } from "../../platform/openapi";

const OutboxMessage = z
  .object({
    id: z.string(),
    to: z.string(),
    template: z.string(),
    subject: z.string(),
    text: z.string(),
    html: z.string(),
    code: z.string().optional(),
    link: z.string().optional(),
    token: z.string().optional(),
    createdAt: z.string(),
  })
  .openapi("OutboxMessage");

/** A local mail catcher: only in development mode (platform/environment.ts); refused everywhere else. */
export const devRoutes = createRouter().openapi(
  createRoute({
    method: "get",
    path: "/outbox",
    tags: ["Development"],
    summary: "Emails delivered to the local outbox (development only), newest first",
    request: { query: z.object({ to: z.string().trim().toLowerCase().max(254) }) },
    responses: { 200: json(z.object({ data: z.array(OutboxMessage) })), ...errors(400, 403) },
  }),
  async (c) => {
    if (!isDevelopmentMode(c.env)) throw new AppError("DEV_ONLY");
    const { db } = depsOf(c);
    const rows = await db
      .select()
      .from(emailOutbox)
      .where(eq(emailOutbox.toEmail, c.req.valid("query").to))
      .orderBy(desc(emailOutbox.id))
      .limit(50);
    return c.json(
      {
        data: rows.map((r) => ({
          id: r.id,
          to: r.toEmail,
          template: r.template,
          subject: r.subject,
          text: r.text,
          html: r.html,
          ...(r.data.code ? { code: r.data.code } : {}),
          ...(r.data.link ? { link: r.data.link } : {}),
          ...(r.data.token ? { token: r.data.token } : {}),
          createdAt: isoAt(r.createdAt),
        })),
      },
      200,
    );
  },
);
