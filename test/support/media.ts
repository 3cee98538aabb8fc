import { env } from "cloudflare:test";
import { call, get } from "./http";
import { fetchWorker } from "./worker";

/**
 * Real, small media files built byte by byte in the test (PNG, GIF, PDF, MP4 header, DOCX/PPTX, a JPEG
 * with GPS EXIF), or converted from them by the Images binding (JPEG, WebP), plus upload helpers.
 */
const enc = new TextEncoder();
export const MiB = 1024 * 1024;

export function bytesOf(...parts: (Uint8Array | string | number[])[]): Uint8Array {
  const arrays = parts.map((p) =>
    typeof p === "string" ? enc.encode(p) : p instanceof Uint8Array ? p : new Uint8Array(p),
  );
  const out = new Uint8Array(arrays.reduce((n, a) => n + a.length, 0));
  let o = 0;
  for (const a of arrays) {
    out.set(a, o);
    o += a.length;
  }
  return out;
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

export function crc32(b: Uint8Array): number {
  let c = 0xffffffff;
  for (const x of b) c = CRC_TABLE[(c ^ x) & 255]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

const u32be = (n: number) => [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];
const u16le = (n: number) => [n & 255, (n >>> 8) & 255];
const u32le = (n: number) => [n & 255, (n >>> 8) & 255, (n >>> 16) & 255, (n >>> 24) & 255];

async function deflate(b: Uint8Array): Promise<Uint8Array> {
  const s = new Blob([b]).stream().pipeThrough(new CompressionStream("deflate"));
  return new Uint8Array(await new Response(s).arrayBuffer());
}

function pngChunk(type: string, data: Uint8Array): Uint8Array {
  const body = bytesOf(type, data);
  return bytesOf(u32be(data.length), body, u32be(crc32(body)));
}

/** A valid RGB PNG with a gradient; `extraChunks` are inserted before IDAT (e.g. a tEXt chunk). */
export async function png(
  width: number,
  height: number,
  extraChunks: Uint8Array[] = [],
): Promise<Uint8Array> {
  const ihdr = bytesOf(u32be(width), u32be(height), [8, 2, 0, 0, 0]);
  const raw = new Uint8Array(height * (1 + 3 * width));
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const o = y * (1 + 3 * width) + 1 + 3 * x;
      raw[o] = (x * 7) & 255;
      raw[o + 1] = (y * 5) & 255;
      raw[o + 2] = 128;
    }
  }
  return bytesOf(
    [137, 80, 78, 71, 13, 10, 26, 10],
    pngChunk("IHDR", ihdr),
    ...extraChunks,
    pngChunk("IDAT", await deflate(raw)),
    pngChunk("IEND", new Uint8Array()),
  );
}

export function pngTextChunk(keyword: string, text: string): Uint8Array {
  return pngChunk("tEXt", bytesOf(keyword, [0], text));
}

async function convert(input: Uint8Array, format: "image/jpeg" | "image/webp"): Promise<Uint8Array> {
  const out = await env.IMAGES.input(new Blob([input]).stream()).output({ format });
  return new Uint8Array(await new Response(out.image()).arrayBuffer());
}

export async function jpeg(width: number, height: number): Promise<Uint8Array> {
  return convert(await png(width, height), "image/jpeg");
}

export async function webp(width: number, height: number): Promise<Uint8Array> {
  return convert(await png(width, height), "image/webp");
}

/** A GIF written by hand: 256 grey levels, LZW with 9-bit literal codes (a clear code every 250 pixels). */
export function gif(width: number, height: number): Uint8Array {
  const palette: number[] = [];
  for (let i = 0; i < 256; i++) palette.push(i, i, i);
  const codes: number[] = [256];
  let sinceClear = 0;
  for (let i = 0; i < width * height; i++) {
    if (sinceClear === 250) {
      codes.push(256);
      sinceClear = 0;
    }
    codes.push((i * 3) & 255);
    sinceClear++;
  }
  codes.push(257);
  const data: number[] = [];
  let acc = 0;
  let bits = 0;
  for (const code of codes) {
    acc |= code << bits;
    bits += 9;
    while (bits >= 8) {
      data.push(acc & 255);
      acc >>>= 8;
      bits -= 8;
    }
  }
  if (bits > 0) data.push(acc & 255);
  const blocks: number[] = [];
  for (let i = 0; i < data.length; i += 255) {
    const block = data.slice(i, i + 255);
    blocks.push(block.length, ...block);
  }
  return bytesOf(
    "GIF89a",
    u16le(width),
    u16le(height),
    [0xf7, 0, 0],
    palette,
    [0x2c, 0, 0, 0, 0],
    u16le(width),
    u16le(height),
    [0, 8],
    blocks,
    [0, 0x3b],
  );
}

/** A valid PDF with `pages` pages (correct xref offsets); `padding` bytes of comment make it bigger. */
export function pdf(pages: number, padding = 0): Uint8Array {
  const objects: string[] = [];
  const kids = Array.from({ length: pages }, (_, i) => `${4 + i * 2} 0 R`).join(" ");
  objects.push("<< /Type /Catalog /Pages 2 0 R >>");
  objects.push(`<< /Type /Pages /Kids [${kids}] /Count ${pages} >>`);
  objects.push("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>");
  for (let i = 0; i < pages; i++) {
    const content = `BT /F1 24 Tf 72 720 Td (Page ${i + 1}) Tj ET`;
    objects.push(
      `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> /Contents ${5 + i * 2} 0 R >>`,
    );
    objects.push(`<< /Length ${content.length} >>\nstream\n${content}\nendstream`);
  }
  let out = `%PDF-1.4\n%\u00e2\u00e3\u00cf\u00d3\n`;
  if (padding > 0) out += `%${"x".repeat(Math.max(0, padding - 2))}\n`;
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const o of offsets) out += `${String(o).padStart(10, "0")} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  // latin1: one byte per character, so the offsets above are byte offsets
  return Uint8Array.from(out, (ch) => ch.charCodeAt(0));
}

function box(type: string, ...content: (Uint8Array | number[])[]): Uint8Array {
  const body = bytesOf(...content);
  return bytesOf(u32be(8 + body.length), type, body);
}

/** The start of an MP4: ftyp, moov (mvhd with the duration, one video trak with tkhd size) and some mdat. */
export function mp4({
  seconds = 12,
  width = 640,
  height = 360,
  brand = "isom",
  compatible = "isomiso2avc1mp41",
  mdatBytes = 4096,
} = {}): Uint8Array {
  const ftyp = box("ftyp", enc.encode(brand), u32be(512), enc.encode(compatible));
  const matrix = [0x00010000, 0, 0, 0, 0x00010000, 0, 0, 0, 0x40000000].flatMap(u32be);
  const mvhd = box(
    "mvhd",
    [0, 0, 0, 0],
    u32be(0),
    u32be(0),
    u32be(1000),
    u32be(seconds * 1000),
    u32be(0x00010000),
    [1, 0],
    new Array(10).fill(0),
    matrix,
    new Array(24).fill(0),
    u32be(2),
  );
  const tkhd = box(
    "tkhd",
    [0, 0, 0, 3],
    u32be(0),
    u32be(0),
    u32be(1),
    u32be(0),
    u32be(seconds * 1000),
    new Array(8).fill(0),
    [0, 0, 0, 0, 0, 0, 0, 0],
    matrix,
    u32be(width << 16),
    u32be(height << 16),
  );
  const moov = box("moov", mvhd, box("trak", tkhd));
  const mdat = box(
    "mdat",
    new Uint8Array(mdatBytes).map((_, i) => (i * 31) & 255),
  );
  return bytesOf(ftyp, mdat, moov);
}

export function webm(): Uint8Array {
  // EBML header with DocType "webm", then the start of a Segment.
  return bytesOf(
    [0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x86, 0x81, 0x01, 0x42, 0xf7, 0x81, 0x01, 0x42, 0xf2, 0x81, 0x04],
    [0x42, 0xf3, 0x81, 0x08, 0x42, 0x82, 0x84],
    "webm",
    [0x42, 0x87, 0x81, 0x04, 0x42, 0x85, 0x81, 0x02],
    [0x18, 0x53, 0x80, 0x67, 0x01, 0, 0, 0, 0, 0, 0, 0x10],
    new Uint8Array(2048),
  );
}

/** A ZIP with stored (uncompressed) entries and a central directory. */
export function zip(entries: Record<string, string>): Uint8Array {
  const locals: Uint8Array[] = [];
  const centrals: Uint8Array[] = [];
  let offset = 0;
  for (const [name, text] of Object.entries(entries)) {
    const data = enc.encode(text);
    const nameBytes = enc.encode(name);
    const crc = crc32(data);
    const common = [
      ...u16le(20),
      ...u16le(0),
      ...u16le(0),
      ...u16le(0),
      ...u16le(0x21),
      ...u32le(crc),
      ...u32le(data.length),
      ...u32le(data.length),
      ...u16le(nameBytes.length),
      ...u16le(0),
    ];
    const local = bytesOf(u32le(0x04034b50), common, nameBytes, data);
    centrals.push(
      bytesOf(
        u32le(0x02014b50),
        u16le(20),
        common,
        u16le(0),
        u16le(0),
        u16le(0),
        u32le(0),
        u32le(offset),
        nameBytes,
      ),
    );
    locals.push(local);
    offset += local.length;
  }
  const cd = bytesOf(...centrals);
  const n = Object.keys(entries).length;
  const eocd = bytesOf(
    u32le(0x06054b50),
    u16le(0),
    u16le(0),
    u16le(n),
    u16le(n),
    u32le(cd.length),
    u32le(offset),
    u16le(0),
  );
  return bytesOf(...locals, cd, eocd);
}

const CONTENT_TYPES =
  '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>';

export function docx(): Uint8Array {
  return zip({
    "[Content_Types].xml": CONTENT_TYPES,
    "_rels/.rels": '<?xml version="1.0"?><Relationships/>',
    "word/document.xml":
      '<?xml version="1.0"?><w:document><w:body><w:p><w:r><w:t>السيرة الذاتية</w:t></w:r></w:p></w:body></w:document>',
  });
}

export function pptx(slides: number): Uint8Array {
  const entries: Record<string, string> = {
    "[Content_Types].xml": CONTENT_TYPES,
    "_rels/.rels": '<?xml version="1.0"?><Relationships/>',
    "ppt/presentation.xml": '<?xml version="1.0"?><p:presentation/>',
  };
  for (let i = 1; i <= slides; i++) entries[`ppt/slides/slide${i}.xml`] = '<?xml version="1.0"?><p:sld/>';
  return zip(entries);
}

export const GPS_MARKER = "GPS-SECRET-24.7136N";

/** A JPEG whose APP1 EXIF block holds a GPS IFD (latitude 24°42'49"N) and a recognisable description. */
export async function jpegWithGps(width: number, height: number): Promise<Uint8Array> {
  const base = await jpeg(width, height);
  // TIFF, big-endian. IFD0 at 8: ImageDescription + GPS IFD pointer. GPS IFD: LatitudeRef "N", Latitude 3 rationals.
  const desc = bytesOf(GPS_MARKER, [0]);
  const ifd0Offset = 8;
  const ifd0Size = 2 + 2 * 12 + 4;
  const descOffset = ifd0Offset + ifd0Size;
  const gpsOffset = descOffset + desc.length;
  const gpsSize = 2 + 2 * 12 + 4;
  const latOffset = gpsOffset + gpsSize;
  const u16be = (n: number) => [(n >>> 8) & 255, n & 255];
  const entry = (tag: number, type: number, count: number, value: number[]) => [
    ...u16be(tag),
    ...u16be(type),
    ...u32be(count),
    ...value,
  ];
  const tiff = bytesOf(
    "MM",
    [0, 42],
    u32be(ifd0Offset),
    u16be(2),
    entry(0x010e, 2, desc.length, u32be(descOffset)),
    entry(0x8825, 4, 1, u32be(gpsOffset)),
    u32be(0),
    desc,
    u16be(2),
    entry(0x0001, 2, 2, [0x4e, 0, 0, 0]),
    entry(0x0002, 5, 3, u32be(latOffset)),
    u32be(0),
    u32be(24),
    u32be(1),
    u32be(42),
    u32be(1),
    u32be(49),
    u32be(1),
  );
  const payload = bytesOf("Exif", [0, 0], tiff);
  const app1 = bytesOf([0xff, 0xe1], u16be(payload.length + 2), payload);
  return bytesOf(base.subarray(0, 2), app1, base.subarray(2));
}

export function contains(hay: Uint8Array, needle: string | Uint8Array): boolean {
  const n = typeof needle === "string" ? enc.encode(needle) : needle;
  outer: for (let i = 0; i + n.length <= hay.length; i++) {
    for (let j = 0; j < n.length; j++) if (hay[i + j] !== n[j]) continue outer;
    return true;
  }
  return false;
}

export async function sha256(bytes: Uint8Array): Promise<string> {
  const d = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return [...d].map((b) => b.toString(16).padStart(2, "0")).join("");
}

export interface UploadOptions {
  kind: string;
  file: Uint8Array;
  filename?: string;
  type?: string;
  altText?: string;
  /** Put the file before the other fields (refused: the file must come last). */
  fileFirst?: boolean;
  lang?: "ar" | "en";
}

export function uploadForm(opts: UploadOptions): FormData {
  const form = new FormData();
  const file = new File([opts.file], opts.filename ?? "upload.bin", {
    type: opts.type ?? "application/octet-stream",
  });
  if (opts.fileFirst) form.append("file", file);
  form.append("kind", opts.kind);
  if (opts.altText !== undefined) form.append("altText", opts.altText);
  if (!opts.fileFirst) form.append("file", file);
  return form;
}

export function upload(token: string | undefined, opts: UploadOptions) {
  return call("POST", "/api/v1/media/upload", { token, body: uploadForm(opts), lang: opts.lang ?? "en" });
}

/** Polls GET /api/v1/media/{id} until the status leaves PROCESSING. */
export async function waitForMedia(token: string, id: string, timeoutMs = 15_000): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await get(`/api/v1/media/${id}`, { token });
    if (res.status !== 200) throw new Error(`GET media ${id}: ${res.status} ${JSON.stringify(res.body)}`);
    if (res.body.status !== "PROCESSING") return res.body;
    if (Date.now() > deadline) throw new Error(`media ${id} still PROCESSING after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Fetches a media URL (absolute, as the API gives it) through the Worker and answers raw bytes. */
export async function fetchMedia(url: string, headers: Record<string, string> = {}, method = "GET") {
  const u = new URL(url, "http://majlis.test");
  const res = await fetchWorker(`http://majlis.test${u.pathname}${u.search}`, { method, headers });
  const bytes = new Uint8Array(await res.arrayBuffer());
  return { status: res.status, headers: res.headers, bytes, text: () => new TextDecoder().decode(bytes) };
}
