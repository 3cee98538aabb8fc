import { sql } from "drizzle-orm";
import { emailOutbox } from "../../db/schema";
import { name, statement } from "../../platform/db/statements";
import type { Bindings } from "../../platform/env";
import { newId } from "../../platform/ids";
import { PermanentError } from "../../platform/queue";
import { exactHeaderValue, type OutgoingEmail, oneLineHeader } from "./headers";

export type { OutgoingEmail };

/**
 * Email delivery adapters, chosen by EMAIL_PROVIDER:
 * - `outbox` (default): writes to the `email_outbox` table (read it in development at GET /api/v1/dev/outbox).
 * - `sendgrid`: SendGrid's v3 mail/send API with SENDGRID_API_KEY (SENDGRID_API_URL overrides the base URL).
 * - `cloudflare`: the Workers `send_email` binding SEND_EMAIL (Cloudflare Email Service / Email Routing).
 * A provider throws PermanentError for answers that retrying cannot fix (bad address, bad key), and a
 * plain Error for the rest (network, 429, 5xx) so the queue retries with backoff.
 */

export type EmailProviderName = "outbox" | "sendgrid" | "cloudflare";

export function emailProviderName(env: Pick<Bindings, "EMAIL_PROVIDER">): EmailProviderName {
  const name = (env.EMAIL_PROVIDER ?? "outbox").trim().toLowerCase();
  if (name === "outbox" || name === "sendgrid" || name === "cloudflare") return name;
  throw new PermanentError(`unknown EMAIL_PROVIDER "${name}"`);
}

/** EMAIL_FROM as name and address; the name is made one line, an address with a line break is refused. */
export function senderOf(env: Pick<Bindings, "EMAIL_FROM">): { email: string; name: string } {
  const from = env.EMAIL_FROM?.trim() || "Majlis <no-reply@majlis.example>";
  const match = /^\s*([\s\S]*?)\s*<([^>]+)>\s*$/.exec(from);
  const name = oneLineHeader(match?.[1] ?? "") || "Majlis";
  return { name, email: exactHeaderValue("From", match ? match[2]! : from) };
}

/** The outbox row for a message (an INSERT the caller runs, so it commits with the queue receipt). */
export function outboxInsert(db: D1Database, mail: OutgoingEmail, now: number): D1PreparedStatement {
  const o = emailOutbox;
  return statement(
    db,
    sql`INSERT INTO ${o} (${name(o.id)}, ${name(o.toEmail)}, ${name(o.template)}, ${name(o.subject)},
        ${name(o.text)}, ${name(o.html)}, ${name(o.data)}, ${name(o.createdAt)})
      VALUES (${newId(now)}, ${mail.to}, ${mail.template}, ${mail.subject}, ${mail.text}, ${mail.html},
        ${JSON.stringify(mail.data)}, ${now})`,
  );
}

export async function sendWithSendGrid(
  env: Pick<Bindings, "SENDGRID_API_KEY" | "SENDGRID_API_URL" | "EMAIL_FROM">,
  mail: OutgoingEmail,
): Promise<void> {
  if (!env.SENDGRID_API_KEY) throw new PermanentError("SENDGRID_API_KEY is not configured");
  const base = (env.SENDGRID_API_URL ?? "https://api.sendgrid.com").replace(/\/+$/, "");
  const res = await fetch(`${base}/v3/mail/send`, {
    method: "POST",
    headers: { authorization: `Bearer ${env.SENDGRID_API_KEY}`, "content-type": "application/json" },
    body: JSON.stringify({
      personalizations: [{ to: [{ email: mail.to }] }],
      from: senderOf(env),
      subject: mail.subject,
      content: [
        { type: "text/plain", value: mail.text },
        { type: "text/html", value: mail.html },
      ],
      ...(Object.keys(mail.headers).length > 0 ? { headers: mail.headers } : {}),
    }),
  });
  await res.body?.cancel();
  if (res.ok) return;
  if (res.status === 429 || res.status >= 500) throw new Error(`SendGrid answered ${res.status}`);
  throw new PermanentError(`SendGrid refused the message (${res.status})`);
}

export async function sendWithCloudflare(
  env: Pick<Bindings, "SEND_EMAIL" | "EMAIL_FROM">,
  mail: OutgoingEmail,
): Promise<void> {
  if (!env.SEND_EMAIL) throw new PermanentError("the SEND_EMAIL binding is not configured");
  try {
    await env.SEND_EMAIL.send({
      from: senderOf(env),
      to: mail.to,
      subject: mail.subject,
      text: mail.text,
      html: mail.html,
      headers: mail.headers,
    });
  } catch (err) {
    // The binding rejects addresses it may not send to/from: retrying will not change that.
    if (/not allowed|invalid|unverified/i.test(String(err))) throw new PermanentError(String(err));
    throw err;
  }
}
