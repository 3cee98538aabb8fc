import { z } from "@hono/zod-openapi";
import type { Bindings } from "../../platform/env";
import { type EnqueueOptions, enqueue, type Outcome } from "../../platform/queue";
import { withSafeHeaders } from "./headers";
import {
  emailProviderName,
  type OutgoingEmail,
  outboxInsert,
  sendWithCloudflare,
  sendWithSendGrid,
} from "./providers";
import { EMAIL_TEMPLATES, renderEmail } from "./templates";

export const EmailMessage = z.object({
  to: z.string().email(),
  locale: z.enum(["ar", "en"]),
  template: z.enum(EMAIL_TEMPLATES),
  data: z.record(z.string(), z.string()),
});
export type EmailMessage = z.infer<typeof EmailMessage>;

/** Queues an email; `key` makes a retried request produce one email, not two. */
export function queueEmail(
  env: Pick<Bindings, "EMAIL_QUEUE">,
  key: string,
  message: EmailMessage,
  options?: EnqueueOptions,
): Promise<void> {
  return enqueue(env.EMAIL_QUEUE, { schema: EmailMessage }, key, message, options);
}

/** Headers for bulk mail: one-click unsubscribe (RFC 8058) when the message carries an unsubscribe link. */
function headersOf(message: EmailMessage): Record<string, string> {
  const url = message.data.unsubscribe;
  if (!url || !/^https?:\/\//.test(url)) return {};
  return { "List-Unsubscribe": `<${url}>`, "List-Unsubscribe-Post": "List-Unsubscribe=One-Click" };
}

/**
 * Renders and delivers one queued email through the configured adapter (providers.ts). The local outbox
 * is a D1 write, so it is returned as a write and commits together with the queue receipt (exactly once);
 * HTTP providers send here, before the receipt (at least once).
 */
export async function deliverEmail(env: Bindings, message: EmailMessage, now: number): Promise<Outcome> {
  const rendered = renderEmail(message.template, message.locale, message.data);
  const mail: OutgoingEmail = withSafeHeaders({
    to: message.to,
    ...rendered,
    headers: headersOf(message),
    template: message.template,
    data: message.data,
  });
  switch (emailProviderName(env)) {
    case "sendgrid":
      await sendWithSendGrid(env, mail);
      return {};
    case "cloudflare":
      await sendWithCloudflare(env, mail);
      return {};
    default:
      return { writes: [outboxInsert(env.DB, mail, now)] };
  }
}
