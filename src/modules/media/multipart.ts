import { AppError } from "../../platform/errors";

/**
 * A streaming multipart/form-data reader (RFC 7578): parts are read one after another straight from the
 * request body, so a 200 MB video never sits in memory. Read each part's body fully (or call nextPart,
 * which skips the rest) before asking for the next part.
 */
export interface PartHeaders {
  name: string;
  filename: string | null;
  contentType: string | null;
}

const encoder = new TextEncoder();
const utf8 = new TextDecoder();
const CRLF = encoder.encode("\r\n");
const HEADER_END = encoder.encode("\r\n\r\n");
const MAX_HEADER_BYTES = 16 * 1024;

const malformed = (message = "The multipart body is malformed.") =>
  new AppError("VALIDATION_ERROR", [{ path: "body", message }]);

export function boundaryOf(contentType: string | undefined): string | null {
  if (!contentType || !/^multipart\/form-data\s*;/i.test(contentType)) return null;
  const m = /;\s*boundary=(?:"([^"]{1,70})"|([^\s;"]{1,70}))/i.exec(contentType);
  return m ? (m[1] ?? m[2] ?? null) : null;
}

function indexOf(hay: Uint8Array, needle: Uint8Array, from = 0): number {
  const first = needle[0]!;
  const last = hay.length - needle.length;
  for (let i = hay.indexOf(first, from); i !== -1 && i <= last; i = hay.indexOf(first, i + 1)) {
    let j = 1;
    while (j < needle.length && hay[i + j] === needle[j]) j++;
    if (j === needle.length) return i;
  }
  return -1;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

/** Parameters of a Content-Disposition header: quoted strings (with \" escapes) or tokens; filename* wins. */
function dispositionParams(value: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /;\s*([A-Za-z0-9_*-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;]*))/g;
  for (let m = re.exec(value); m; m = re.exec(value)) {
    const key = m[1]!.toLowerCase();
    const raw = m[2] !== undefined ? m[2].replace(/\\(.)/g, "$1") : m[3]!.trim();
    if (key.endsWith("*")) {
      const ext = /^UTF-8''(.*)$/i.exec(raw);
      if (ext) {
        try {
          out[key.slice(0, -1)] = decodeURIComponent(ext[1]!);
        } catch {
          // keep the plain parameter
        }
      }
    } else out[key] ??= raw;
  }
  return out;
}

export class MultipartReader {
  private buf: Uint8Array;
  private ended = false;
  private state: "preamble" | "boundary" | "body" | "end" = "preamble";
  private readonly delimiter: Uint8Array;

  constructor(
    private readonly reader: ReadableStreamDefaultReader<Uint8Array>,
    boundary: string,
  ) {
    this.delimiter = encoder.encode(`\r\n--${boundary}`);
    // The first boundary has no CRLF before it; pretend it has, so one delimiter fits every part.
    this.buf = CRLF;
  }

  private async fill(): Promise<boolean> {
    if (this.ended) return false;
    const { value, done } = await this.reader.read();
    if (done) {
      this.ended = true;
      return false;
    }
    this.buf = concat(this.buf, value);
    return true;
  }

  /** Headers of the next part, or null after the closing boundary. */
  async nextPart(): Promise<PartHeaders | null> {
    while (this.state === "body") await this.readChunk();
    if (this.state === "preamble") {
      for (;;) {
        const i = indexOf(this.buf, this.delimiter);
        if (i >= 0) {
          this.buf = this.buf.subarray(i + this.delimiter.length);
          this.state = "boundary";
          break;
        }
        if (this.buf.length > MAX_HEADER_BYTES) throw malformed();
        if (!(await this.fill())) throw malformed();
      }
    }
    if (this.state === "end") return null;
    // After a delimiter: "--" closes the body, otherwise optional whitespace and CRLF start a part.
    while (this.buf.length < 2) if (!(await this.fill())) throw malformed();
    if (this.buf[0] === 0x2d && this.buf[1] === 0x2d) {
      this.state = "end";
      return null;
    }
    let end = indexOf(this.buf, HEADER_END);
    while (end < 0) {
      if (this.buf.length > MAX_HEADER_BYTES) throw malformed("A part's headers are too large.");
      if (!(await this.fill())) throw malformed();
      end = indexOf(this.buf, HEADER_END);
    }
    const block = utf8.decode(this.buf.subarray(0, end)).replace(/^[ \t]*\r\n/, "");
    this.buf = this.buf.subarray(end + HEADER_END.length);
    this.state = "body";
    return parseHeaders(block);
  }

  /** The next bytes of the current part's body, or null at its end. */
  async readChunk(): Promise<Uint8Array | null> {
    while (this.state === "body") {
      const i = indexOf(this.buf, this.delimiter);
      if (i >= 0) {
        const out = this.buf.subarray(0, i);
        this.buf = this.buf.subarray(i + this.delimiter.length);
        this.state = "boundary";
        return out.length > 0 ? out : null;
      }
      // Everything except a possible partial delimiter at the end is body.
      const safe = this.buf.length - (this.delimiter.length - 1);
      if (safe > 0) {
        const out = this.buf.subarray(0, safe);
        this.buf = this.buf.subarray(safe);
        return out;
      }
      if (!(await this.fill())) throw malformed("The multipart body ended inside a part.");
    }
    return null;
  }

  /** A small text field's value; larger values are refused. */
  async readText(maxBytes: number, field: string): Promise<string> {
    let out: Uint8Array = new Uint8Array(0);
    for (let c = await this.readChunk(); c; c = await this.readChunk()) {
      out = concat(out, c);
      if (out.length > maxBytes)
        throw new AppError("VALIDATION_ERROR", [{ path: field, message: "Too long" }]);
    }
    return utf8.decode(out);
  }

  /** The current part's body as an async iterable of chunks. */
  async *body(): AsyncGenerator<Uint8Array> {
    for (let c = await this.readChunk(); c; c = await this.readChunk()) yield c;
  }

  async cancel(): Promise<void> {
    try {
      await this.reader.cancel();
    } catch {
      // already closed
    }
  }
}

function parseHeaders(block: string): PartHeaders {
  let disposition: string | null = null;
  let contentType: string | null = null;
  for (const line of block.split("\r\n")) {
    const colon = line.indexOf(":");
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (name === "content-disposition") disposition = value;
    else if (name === "content-type") contentType = value;
  }
  if (!disposition || !/^form-data\b/i.test(disposition))
    throw malformed("Each part needs Content-Disposition: form-data.");
  const params = dispositionParams(disposition);
  if (params.name === undefined) throw malformed("Each part needs a name.");
  return { name: params.name, filename: params.filename ?? null, contentType };
}
