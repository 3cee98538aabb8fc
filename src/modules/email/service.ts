import { z } from "@hono/zod-openapi";
import { enqueue } from "../../../queues/framework";
import type { Bindings } from "../../env";
import type { Db } from "../../db/client";
import { emailOutbox } from "../../db/schema";
import { newId } from "../../lib/ids";
import { renderEmail } from "./templates";

export const EmailMessage = z.object({
  to: z.string().email(),
  locale: z.enum(["ar", "en"]),
  template: z.enum(["verify-email", "reset-password", "welcome"]),
  data: z.record(z.string(), z.string()),
});
export type EmailMessage = z.infer<typeof EmailMessage>;

/** Queues an email; `key` makes a retried request produce one email, not two. */
export function queueEmail(env: Pick<Bindings, "EMAIL_QUEUE">, key: string, message: EmailMessage): Promise<void> {
  return enqueue(env.EMAIL_QUEUE, { schema: EmailMessage }, key, message);
}

/**
 * Delivery channel. The local default writes to the `email_outbox` table (read it in development at
 * GET /api/v1/dev/outbox); real providers plug in here.
 */
export async function deliverEmail(db: Db, message: EmailMessage, now: number): Promise<void> {
  const rendered = renderEmail(message.template, message.locale, message.data);
  await db.insert(emailOutbox).values({
    id: newId(now),
    toEmail: message.to,
    template: message.template,
    subject: rendered.subject,
    text: rendered.text,
    html: rendered.html,
    data: message.data,
    createdAt: now,
  });
}
