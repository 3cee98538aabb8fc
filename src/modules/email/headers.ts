import { PermanentError } from "../../platform/queue";

/** A rendered email on its way to a provider. */
export interface OutgoingEmail {
  to: string;
  subject: string;
  text: string;
  html: string;
  headers: Record<string, string>;
  /** For the local outbox: which template and its data (tests and the dev route read them). */
  template: string;
  data: Record<string, string>;
}

/**
 * Mail headers are one line each: a CR or LF inside a value ends that header and lets the rest of the value
 * write new ones (a Bcc:, a second body). Every value that becomes a header passes through here, whatever
 * validated it before: text (the subject, the sender's name) is made one line; values that would change
 * meaning if altered (addresses, the List-Unsubscribe URL, header names) are refused instead.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const LINE_BREAKING = /[\u0000-\u001F\u007F\u0085\u2028\u2029]/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const LINE_BREAKING_RUNS = /[\u0000-\u001F\u007F\u0085\u2028\u2029]+/g;
const HEADER_NAME = /^[A-Za-z0-9-]{1,64}$/;
export const MAX_SUBJECT_LENGTH = 200;

/** Text for a header: each run of control characters or line breaks becomes one space; trimmed. */
export function oneLineHeader(value: string, maxLength = MAX_SUBJECT_LENGTH): string {
  return value.replace(LINE_BREAKING_RUNS, " ").trim().slice(0, maxLength);
}

/** A header value that must go out exactly as given: refused (not retried) if it would break the line. */
export function exactHeaderValue(name: string, value: string): string {
  if (LINE_BREAKING.test(value)) {
    throw new PermanentError(`refusing to send: the ${name} header would contain a line break or control`);
  }
  return value;
}

function headerName(name: string): string {
  if (!HEADER_NAME.test(name)) throw new PermanentError("refusing to send: invalid header name");
  return name;
}

/** The message with a one-line subject, checked recipient and extra headers. */
export function withSafeHeaders(mail: OutgoingEmail): OutgoingEmail {
  return {
    ...mail,
    to: exactHeaderValue("To", mail.to),
    subject: oneLineHeader(mail.subject),
    headers: Object.fromEntries(
      Object.entries(mail.headers).map(([name, value]) => [headerName(name), exactHeaderValue(name, value)]),
    ),
  };
}
