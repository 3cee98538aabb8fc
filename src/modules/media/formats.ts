import type { MediaKind } from "../../db/schema/media";
import { AppError } from "../../platform/errors";

/**
 * What may be uploaded, decided by the bytes (magic numbers), never by the file name or the declared
 * type. The declared type only chooses between two answers when the bytes are not recognised:
 * 400 INVALID_FILE (it claims to be an allowed format but is not) or 415 UNSUPPORTED_FORMAT.
 */
export const FORMATS = {
  jpeg: { mime: "image/jpeg", ext: "jpg" },
  png: { mime: "image/png", ext: "png" },
  webp: { mime: "image/webp", ext: "webp" },
  gif: { mime: "image/gif", ext: "gif" },
  mp4: { mime: "video/mp4", ext: "mp4" },
  mov: { mime: "video/quicktime", ext: "mov" },
  webm: { mime: "video/webm", ext: "webm" },
  pdf: { mime: "application/pdf", ext: "pdf" },
  docx: { mime: "application/vnd.openxmlformats-officedocument.wordprocessingml.document", ext: "docx" },
  pptx: { mime: "application/vnd.openxmlformats-officedocument.presentationml.presentation", ext: "pptx" },
} as const;
export type Format = keyof typeof FORMATS;

const MiB = 1024 * 1024;

/** Per kind: the largest upload in bytes and the formats accepted (the product's media limits). */
export const KIND_RULES: Record<MediaKind, { maxBytes: number; formats: readonly Format[] }> = {
  AVATAR: { maxBytes: 5 * MiB, formats: ["jpeg", "png", "webp"] },
  BANNER: { maxBytes: 10 * MiB, formats: ["jpeg", "png", "webp"] },
  POST_IMAGE: { maxBytes: 10 * MiB, formats: ["jpeg", "png", "webp", "gif"] },
  VIDEO: { maxBytes: 200 * MiB, formats: ["mp4", "mov", "webm"] },
  DOCUMENT: { maxBytes: 25 * MiB, formats: ["pdf", "docx", "pptx"] },
  RESUME: { maxBytes: 10 * MiB, formats: ["pdf", "docx"] },
};
export const MAX_UPLOAD_BYTES = Math.max(...Object.values(KIND_RULES).map((r) => r.maxBytes));

export const IMAGE_KINDS: readonly MediaKind[] = ["AVATAR", "BANNER", "POST_IMAGE"];
/** Kinds served only through signed, expiring URLs. */
export const PRIVATE_KINDS: readonly MediaKind[] = ["DOCUMENT", "RESUME"];

export function formatOfMime(mime: string | null | undefined): Format | null {
  if (!mime) return null;
  const m = mime.split(";")[0]!.trim().toLowerCase();
  if (m === "image/jpg" || m === "image/pjpeg") return "jpeg";
  for (const [f, v] of Object.entries(FORMATS)) if (v.mime === m) return f as Format;
  return null;
}

export function formatOfFilename(name: string | null | undefined): Format | null {
  const ext = name?.toLowerCase().match(/\.([a-z0-9]{1,5})$/)?.[1];
  if (!ext) return null;
  if (ext === "jpeg" || ext === "jpe") return "jpeg";
  if (ext === "m4v") return "mp4";
  for (const [f, v] of Object.entries(FORMATS)) if (v.ext === ext) return f as Format;
  return null;
}

/** Bytes examined before anything is written to R2. */
export const SNIFF_BYTES = 8 * 1024;

const latin1 = new TextDecoder("latin1");
const ascii = (b: Uint8Array, from: number, to: number) => latin1.decode(b.subarray(from, to));
const startsWith = (b: Uint8Array, sig: number[], at = 0) => sig.every((x, i) => b[at + i] === x);

// ISO base media brands that are MP4 video (MOV is "qt  "); HEIF/AVIF images and audio-only M4A are not.
const MP4_BRANDS = new Set([
  "isom",
  "iso2",
  "iso3",
  "iso4",
  "iso5",
  "iso6",
  "mp41",
  "mp42",
  "avc1",
  "dash",
  "M4V ",
  "M4VH",
  "M4VP",
  "mmp4",
  "MSNV",
  "f4v ",
  "3gp4",
  "3gp5",
  "3gp6",
]);

const HEIF_BRANDS = new Set(["heic", "heix", "heim", "heis", "hevc", "hevx", "mif1", "msf1", "avif", "avis"]);

const MARKUP =
  /<(?:script|html|svg|iframe|object|embed|body|head|meta|link|style|!doctype|\?php)\b|javascript:/i;

export type Sniffed = Format | "zip" | "markup" | "executable" | null;

/** Identifies the upload from its first bytes. "zip" is a DOCX/PPTX candidate, confirmed after storage. */
export function sniff(head: Uint8Array): Sniffed {
  if (startsWith(head, [0xff, 0xd8, 0xff])) return "jpeg";
  if (startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return "png";
  const six = ascii(head, 0, 6);
  if (six === "GIF87a" || six === "GIF89a") return "gif";
  if (ascii(head, 0, 4) === "RIFF" && ascii(head, 8, 12) === "WEBP") return "webp";
  if (ascii(head, 4, 8) === "ftyp") {
    const brands = [ascii(head, 8, 12)];
    const boxSize = new DataView(head.buffer, head.byteOffset, head.byteLength).getUint32(0);
    for (let o = 16; o + 4 <= Math.min(boxSize, head.length, 64); o += 4) brands.push(ascii(head, o, o + 4));
    if (HEIF_BRANDS.has(brands[0]!)) return null; // still images (HEIC/AVIF) in the same container
    if (brands[0] === "qt  ") return "mov";
    if (brands.some((b) => MP4_BRANDS.has(b))) return "mp4";
    if (brands.includes("qt  ")) return "mov";
    return null;
  }
  if (startsWith(head, [0x1a, 0x45, 0xdf, 0xa3])) {
    // EBML: WebM declares DocType "webm" (0x42 0x82, size, "webm") in its header.
    return ascii(head, 0, 64).includes("webm") ? "webm" : null;
  }
  if (ascii(head, 0, 5) === "%PDF-") return "pdf";
  if (startsWith(head, [0x50, 0x4b, 0x03, 0x04])) return "zip";
  if (isExecutable(head)) return "executable";
  // Markup (HTML, SVG, XML that may carry SVG) after optional BOM and whitespace.
  const text = ascii(head, 0, Math.min(head.length, 1024))
    .replace(/^\uFEFF|^\u00EF\u00BB\u00BF/, "")
    .trimStart();
  if (text.startsWith("<") || MARKUP.test(text)) return "markup";
  return null;
}

function isExecutable(head: Uint8Array): boolean {
  return (
    startsWith(head, [0x4d, 0x5a]) || // PE / DOS "MZ"
    startsWith(head, [0x7f, 0x45, 0x4c, 0x46]) || // ELF
    startsWith(head, [0xfe, 0xed, 0xfa, 0xce]) ||
    startsWith(head, [0xfe, 0xed, 0xfa, 0xcf]) ||
    startsWith(head, [0xce, 0xfa, 0xed, 0xfe]) ||
    startsWith(head, [0xcf, 0xfa, 0xed, 0xfe]) || // Mach-O
    startsWith(head, [0xca, 0xfe, 0xba, 0xbe]) || // Mach-O fat / Java class
    startsWith(head, [0x00, 0x61, 0x73, 0x6d]) || // WebAssembly
    startsWith(head, [0x23, 0x21]) // "#!" script
  );
}

/** HTML or script hidden in an otherwise valid file (a polyglot) within the bytes we sniff. */
export function containsMarkup(head: Uint8Array): boolean {
  return MARKUP.test(ascii(head, 0, head.length));
}

/**
 * Decides the stored format or throws the client's error. `declared` is what the client said (part
 * Content-Type or file name); `expected` is set for signed uploads, which are bound to one type.
 */
export interface Decision {
  format: Format;
  /** For ZIPs: whether the client or the first entries claimed an Office format (decides 400 vs 415 later). */
  officeClaimed: boolean;
}

export function decideFormat(
  kind: MediaKind,
  head: Uint8Array,
  declared: Format | null,
  expected?: Format,
): Decision {
  const allowed = KIND_RULES[kind].formats;
  const found = sniff(head);
  if (found === "markup" || found === "executable") throw new AppError("UNSUPPORTED_FORMAT");
  const candidate = found === "zip" ? zipCandidate(kind, head, expected ?? declared) : null;
  const format: Format | null = found === "zip" ? (candidate?.format ?? null) : found;
  if (format === null) {
    throw new AppError(declared && allowed.includes(declared) ? "INVALID_FILE" : "UNSUPPORTED_FORMAT");
  }
  if (!allowed.includes(format)) throw new AppError("UNSUPPORTED_FORMAT");
  if (expected && format !== expected) throw new AppError("INVALID_FILE");
  if (containsMarkup(head)) throw new AppError("INVALID_FILE");
  return { format, officeClaimed: candidate?.claimed ?? false };
}

/** A ZIP is taken as DOCX or PPTX by the entries visible in its first bytes, else by what was declared. */
function zipCandidate(
  kind: MediaKind,
  head: Uint8Array,
  declared: Format | null,
): { format: Format; claimed: boolean } | null {
  const names = localEntryNames(head);
  if (names.some((n) => n.startsWith("word/"))) return { format: "docx", claimed: true };
  if (names.some((n) => n.startsWith("ppt/"))) return { format: "pptx", claimed: true };
  if (declared === "docx" || declared === "pptx") return { format: declared, claimed: true };
  if (KIND_RULES[kind].formats.includes("docx")) return { format: "docx", claimed: false };
  return null;
}

function localEntryNames(head: Uint8Array): string[] {
  const dv = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const names: string[] = [];
  let o = 0;
  while (o + 30 <= head.length && dv.getUint32(o, true) === 0x04034b50 && names.length < 64) {
    const compressed = dv.getUint32(o + 18, true);
    const nameLen = dv.getUint16(o + 26, true);
    const extraLen = dv.getUint16(o + 28, true);
    if (o + 30 + nameLen > head.length) break;
    names.push(ascii(head, o + 30, o + 30 + nameLen));
    const flags = dv.getUint16(o + 6, true);
    if (flags & 0x08) break; // sizes follow the data: cannot skip ahead
    o += 30 + nameLen + extraLen + compressed;
  }
  return names;
}

/** Entry names from a ZIP's central directory, given the file's last bytes and a reader for ranges. */
export async function zipCentralDirectory(
  size: number,
  readRange: (offset: number, length: number) => Promise<Uint8Array>,
): Promise<string[] | null> {
  const tailLen = Math.min(size, 65_557);
  const tail = await readRange(size - tailLen, tailLen);
  const dv = new DataView(tail.buffer, tail.byteOffset, tail.byteLength);
  let eocd = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (dv.getUint32(i, true) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) return null;
  const entries = dv.getUint16(eocd + 10, true);
  const cdSize = dv.getUint32(eocd + 12, true);
  const cdOffset = dv.getUint32(eocd + 16, true);
  if (cdOffset + cdSize > size || cdSize > 4 * 1024 * 1024 || entries > 20_000) return null;
  const cd = await readRange(cdOffset, cdSize);
  const cdv = new DataView(cd.buffer, cd.byteOffset, cd.byteLength);
  const names: string[] = [];
  let o = 0;
  for (let n = 0; n < entries; n++) {
    if (o + 46 > cd.length || cdv.getUint32(o, true) !== 0x02014b50) return null;
    const nameLen = cdv.getUint16(o + 28, true);
    const extraLen = cdv.getUint16(o + 30, true);
    const commentLen = cdv.getUint16(o + 32, true);
    names.push(new TextDecoder().decode(cd.subarray(o + 46, o + 46 + nameLen)));
    o += 46 + nameLen + extraLen + commentLen;
  }
  return names;
}

/** Checks a stored ZIP really is the Office format chosen; macros are refused. Returns the slide count for PPTX. */
export function checkOfficeEntries(
  format: Format,
  names: string[] | null,
  claimed: boolean,
): { pages: number | null } {
  const prefix = format === "docx" ? "word/" : "ppt/";
  if (!names?.includes("[Content_Types].xml") || !names.some((n) => n.startsWith(prefix))) {
    throw new AppError(claimed ? "INVALID_FILE" : "UNSUPPORTED_FORMAT");
  }
  if (names.some((n) => /vbaProject\.bin$/i.test(n))) throw new AppError("UNSUPPORTED_FORMAT");
  if (format === "pptx") return { pages: names.filter((n) => /^ppt\/slides\/slide\d+\.xml$/.test(n)).length };
  return { pages: null };
}

/** Pixel size from an image's header, without decoding it; null when the header is not readable. */
export function imageDimensions(format: Format, b: Uint8Array): { width: number; height: number } | null {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const ok = (w: number, h: number) => (w > 0 && h > 0 ? { width: w, height: h } : null);
  try {
    switch (format) {
      case "png":
        return ascii(b, 12, 16) === "IHDR" ? ok(dv.getUint32(16), dv.getUint32(20)) : null;
      case "gif":
        return ok(dv.getUint16(6, true), dv.getUint16(8, true));
      case "webp": {
        const chunk = ascii(b, 12, 16);
        if (chunk === "VP8 ") return ok(dv.getUint16(26, true) & 0x3fff, dv.getUint16(28, true) & 0x3fff);
        if (chunk === "VP8L") {
          const bits = dv.getUint32(21, true);
          return ok((bits & 0x3fff) + 1, ((bits >> 14) & 0x3fff) + 1);
        }
        if (chunk === "VP8X") {
          const w = (b[24]! | (b[25]! << 8) | (b[26]! << 16)) + 1;
          const h = (b[27]! | (b[28]! << 8) | (b[29]! << 16)) + 1;
          return ok(w, h);
        }
        return null;
      }
      case "jpeg": {
        let o = 2;
        while (o + 9 < b.length) {
          if (b[o] !== 0xff) return null;
          const marker = b[o + 1]!;
          if (marker === 0xff) {
            o++;
            continue;
          }
          const len = dv.getUint16(o + 2);
          const isSof =
            marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
          if (isSof) return ok(dv.getUint16(o + 7), dv.getUint16(o + 5));
          if (marker === 0xd9 || marker === 0xda) return null;
          o += 2 + len;
        }
        return null;
      }
      default:
        return null;
    }
  } catch {
    return null;
  }
}

/**
 * Page count of a PDF from its page tree (the largest /Count of a /Type /Pages node). Costs one pass over
 * the text; page trees inside compressed object streams are not read (null then).
 */
export function pdfPageCount(bytes: Uint8Array): number | null {
  const text = latin1.decode(bytes);
  let best: number | null = null;
  const re = /\/Type\s*\/Pages(?![A-Za-z])/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const start = Math.max(text.lastIndexOf("obj", m.index), m.index - 4096, 0);
    const endObj = text.indexOf("endobj", m.index);
    const end = Math.min(endObj < 0 ? text.length : endObj, m.index + 4096);
    const count = /\/Count\s+(\d{1,7})/.exec(text.slice(start, end));
    if (count) best = Math.max(best ?? 0, Number(count[1]));
  }
  return best;
}

/** A PDF ends with %%EOF (possibly followed by a little whitespace or junk). */
export function pdfLooksComplete(tail: Uint8Array): boolean {
  return ascii(tail, 0, tail.length).includes("%%EOF");
}
