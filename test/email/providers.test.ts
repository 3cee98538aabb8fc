import { env } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import { deliverEmail, type EmailMessage } from "../../src/modules/email/service";
import { PermanentError } from "../../src/platform/queue";

/**
 * The email adapters. SendGrid is faked at the fetch boundary (its API URL is configurable); the
 * Cloudflare `send_email` binding is replaced by a recording object with the binding's `send` shape.
 */
const message: EmailMessage = {
  to: "lina@example.com",
  locale: "ar",
  template: "notification",
  data: {
    name: "ليلى",
    text: "طلب تواصل جديد من عمر",
    link: "https://majlis.example/network/requests",
    unsubscribe: "https://majlis.example/api/v1/notifications/unsubscribe?token=t.s",
  },
};

afterEach(() => vi.restoreAllMocks());

function fakeSendGrid(status: number) {
  const requests: { url: string; headers: Headers; body: any }[] = [];
  const original = globalThis.fetch;
  vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const req = new Request(input as RequestInfo, init);
    if (!req.url.startsWith("https://sendgrid.test/")) return original(input as RequestInfo, init);
    requests.push({ url: req.url, headers: req.headers, body: await req.json() });
    return new Response(status === 202 ? null : '{"errors":[{"message":"nope"}]}', { status });
  });
  return requests;
}

const sendgridEnv = {
  ...env,
  EMAIL_PROVIDER: "sendgrid",
  SENDGRID_API_KEY: "SG.test-key",
  SENDGRID_API_URL: "https://sendgrid.test",
  EMAIL_FROM: "Majlis <no-reply@majlis.example>",
};

describe("email adapters", () => {
  it("outbox (default): the rendered email is a write committed with the queue receipt", async () => {
    const outcome = await deliverEmail(env, message, Date.now());
    expect(outcome.writes).toHaveLength(1);
    await outcome.writes![0]!.run();
    const row = await env.DB.prepare(
      "SELECT subject, html FROM email_outbox WHERE to_email = ? ORDER BY id DESC",
    )
      .bind(message.to)
      .first<{ subject: string; html: string }>();
    expect(row!.subject).toBe("طلب تواصل جديد من عمر");
    expect(row!.html).toContain('dir="rtl"');
  });

  it("SendGrid: sends subject, both bodies, sender and one-click unsubscribe headers", async () => {
    const requests = fakeSendGrid(202);
    const outcome = await deliverEmail(sendgridEnv, message, Date.now());
    expect(outcome.writes ?? []).toHaveLength(0);
    expect(requests).toHaveLength(1);
    const [req] = requests;
    expect(req!.url).toBe("https://sendgrid.test/v3/mail/send");
    expect(req!.headers.get("authorization")).toBe("Bearer SG.test-key");
    expect(req!.body).toMatchObject({
      personalizations: [{ to: [{ email: "lina@example.com" }] }],
      from: { email: "no-reply@majlis.example", name: "Majlis" },
      subject: "طلب تواصل جديد من عمر",
      headers: {
        "List-Unsubscribe": `<${message.data.unsubscribe}>`,
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
      },
    });
    expect(req!.body.content.map((c: any) => c.type)).toEqual(["text/plain", "text/html"]);
    expect(req!.body.content[1].value).toContain('dir="rtl"');
  });

  it("SendGrid: 5xx and 429 are retried, other refusals are permanent", async () => {
    fakeSendGrid(503);
    await expect(deliverEmail(sendgridEnv, message, Date.now())).rejects.not.toBeInstanceOf(PermanentError);
    vi.restoreAllMocks();
    fakeSendGrid(429);
    await expect(deliverEmail(sendgridEnv, message, Date.now())).rejects.toThrow(/429/);
    vi.restoreAllMocks();
    fakeSendGrid(400);
    await expect(deliverEmail(sendgridEnv, message, Date.now())).rejects.toBeInstanceOf(PermanentError);
    await expect(
      deliverEmail({ ...sendgridEnv, SENDGRID_API_KEY: undefined }, message, Date.now()),
    ).rejects.toBeInstanceOf(PermanentError);
  });

  it("Cloudflare send_email: hands the message to the binding", async () => {
    const sent: any[] = [];
    const binding = {
      send: async (m: unknown) => {
        sent.push(m);
        return { messageId: "m1" };
      },
    } as unknown as SendEmail;
    await deliverEmail({ ...env, EMAIL_PROVIDER: "cloudflare", SEND_EMAIL: binding }, message, Date.now());
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      from: { email: "no-reply@majlis.example", name: "Majlis" },
      to: "lina@example.com",
      subject: "طلب تواصل جديد من عمر",
      headers: { "List-Unsubscribe": `<${message.data.unsubscribe}>` },
    });
    expect(sent[0].html).toContain('dir="rtl"');
    expect(sent[0].text).toContain("طلب تواصل جديد من عمر");
    const refusing = {
      send: async () => {
        throw new Error("email to lina@example.com not allowed");
      },
    } as unknown as SendEmail;
    await expect(
      deliverEmail({ ...env, EMAIL_PROVIDER: "cloudflare", SEND_EMAIL: refusing }, message, Date.now()),
    ).rejects.toBeInstanceOf(PermanentError);
    await expect(
      deliverEmail({ ...env, EMAIL_PROVIDER: "cloudflare" }, message, Date.now()),
    ).rejects.toBeInstanceOf(PermanentError);
  });

  it("an unknown provider is a configuration error, not retried forever", async () => {
    await expect(
      deliverEmail({ ...env, EMAIL_PROVIDER: "pigeon" }, message, Date.now()),
    ).rejects.toBeInstanceOf(PermanentError);
  });

  it("emails without an unsubscribe link carry no List-Unsubscribe header", async () => {
    const requests = fakeSendGrid(202);
    await deliverEmail(sendgridEnv, { ...message, template: "welcome", data: { name: "Lina" } }, Date.now());
    expect(requests[0]!.body.headers).toBeUndefined();
  });
});
