import { env } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import { senderOf } from "../../src/modules/email/providers";
import { deliverEmail, type EmailMessage } from "../../src/modules/email/service";
import { PermanentError } from "../../src/platform/queue";

/**
 * Defence at the mail boundary, whatever validated the values before: no header that Majlis builds may
 * contain CR, LF or another control character. Text (subject, sender name) is made one line; values that
 * must go out exactly (addresses, the List-Unsubscribe URL) make the message refused, not altered.
 */
afterEach(() => vi.restoreAllMocks());

// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const BREAKS = /[\u0000-\u001F\u007F\u0085\u2028\u2029]/;

const message: EmailMessage = {
  to: "lina@example.com",
  locale: "en",
  template: "notification",
  data: {
    name: "Lina",
    text: "Omar\r\nBcc: victim@example.com\u2028reacted to your post",
    link: "https://majlis.example/posts/1",
    unsubscribe: "https://majlis.example/api/v1/notifications/unsubscribe?token=t.s",
  },
};

function recordingBinding() {
  const sent: any[] = [];
  const binding = {
    send: async (m: unknown) => {
      sent.push(m);
      return { messageId: "m1" };
    },
  } as unknown as SendEmail;
  return { sent, env: { ...env, EMAIL_PROVIDER: "cloudflare", SEND_EMAIL: binding } };
}

describe("email headers", () => {
  it("make the subject one line, even with Unicode line separators in a member's text", async () => {
    const { sent, env: cloudflare } = recordingBinding();
    await deliverEmail(cloudflare, message, Date.now());
    expect(sent).toHaveLength(1);
    expect(sent[0].subject).toBe("Omar Bcc: victim@example.com reacted to your post");
    for (const value of [sent[0].subject, sent[0].to, sent[0].from.name, ...Object.values(sent[0].headers)])
      expect(value).not.toMatch(BREAKS);
  });

  it("refuse a message whose List-Unsubscribe URL would break the header line", async () => {
    const { sent, env: cloudflare } = recordingBinding();
    const injected = {
      ...message,
      data: { ...message.data, unsubscribe: "https://majlis.example/u?token=t\r\nBcc: victim@example.com" },
    };
    await expect(deliverEmail(cloudflare, injected, Date.now())).rejects.toBeInstanceOf(PermanentError);
    expect(sent).toHaveLength(0);
    const fetched = vi.spyOn(globalThis, "fetch");
    const sendgrid = {
      ...env,
      EMAIL_PROVIDER: "sendgrid",
      SENDGRID_API_KEY: "SG.test-key",
      SENDGRID_API_URL: "https://sendgrid.test",
    };
    await expect(deliverEmail(sendgrid, injected, Date.now())).rejects.toBeInstanceOf(PermanentError);
    expect(fetched).not.toHaveBeenCalled();
  });

  it("make the sender's name one line and refuse a sender address with a line break", () => {
    expect(senderOf({ EMAIL_FROM: "Majlis\r\nBcc: victim@example.com <no-reply@majlis.example>" })).toEqual({
      name: "Majlis Bcc: victim@example.com",
      email: "no-reply@majlis.example",
    });
    expect(() => senderOf({ EMAIL_FROM: "no-reply@majlis.example\r\nBcc: victim@example.com" })).toThrow(
      PermanentError,
    );
  });
});
