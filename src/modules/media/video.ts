/**
 * Duration and frame size of an MP4/MOV from its `moov` box, read with a few small range requests
 * (top-level box headers, then the start of `moov`), so a 200 MB video is never read in full.
 */
export interface VideoInfo {
  durationSeconds: number | null;
  width: number | null;
  height: number | null;
}

const MOOV_READ_LIMIT = 256 * 1024;

interface Box {
  type: string;
  start: number;
  headerSize: number;
  size: number;
}

function boxAt(b: Uint8Array, at: number, remaining: number): Box | null {
  if (at + 8 > b.length) return null;
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let size = dv.getUint32(at);
  const type = String.fromCharCode(b[at + 4]!, b[at + 5]!, b[at + 6]!, b[at + 7]!);
  let headerSize = 8;
  if (size === 1) {
    if (at + 16 > b.length) return null;
    size = Number(dv.getBigUint64(at + 8));
    headerSize = 16;
  } else if (size === 0) {
    size = remaining;
  }
  if (size < headerSize) return null;
  return { type, start: at, headerSize, size };
}

function children(b: Uint8Array, from: number, to: number): Box[] {
  const out: Box[] = [];
  let at = from;
  while (at < Math.min(to, b.length) && out.length < 256) {
    const box = boxAt(b, at, to - at);
    if (!box) break;
    out.push(box);
    at += box.size;
  }
  return out;
}

export async function mp4Info(
  size: number,
  readRange: (offset: number, length: number) => Promise<Uint8Array>,
): Promise<VideoInfo> {
  const info: VideoInfo = { durationSeconds: null, width: null, height: null };
  let offset = 0;
  for (let steps = 0; offset + 8 <= size && steps < 32; steps++) {
    const header = await readRange(offset, Math.min(16, size - offset));
    const box = boxAt(header, 0, size - offset);
    if (!box) break;
    if (box.type === "moov") {
      const moov = await readRange(offset, Math.min(box.size, MOOV_READ_LIMIT, size - offset));
      parseMoov(moov, box.headerSize, moov.length, info);
      break;
    }
    offset += box.size;
  }
  return info;
}

function parseMoov(b: Uint8Array, from: number, to: number, info: VideoInfo): void {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  for (const box of children(b, from, to)) {
    const at = box.start;
    if (box.type === "mvhd" && at + 40 <= b.length) {
      const v1 = b[at + 8] === 1;
      const timescale = dv.getUint32(at + (v1 ? 28 : 20));
      const duration = v1 ? Number(dv.getBigUint64(at + 32)) : dv.getUint32(at + 24);
      if (timescale > 0) info.durationSeconds = Math.round(duration / timescale);
    } else if (box.type === "trak" && info.width === null) {
      for (const inner of children(b, at + box.headerSize, Math.min(at + box.size, b.length))) {
        if (inner.type !== "tkhd") continue;
        const v1 = b[inner.start + 8] === 1;
        const w = inner.start + (v1 ? 96 : 84);
        if (w + 8 > b.length) continue;
        const width = dv.getUint32(w) >>> 16;
        const height = dv.getUint32(w + 4) >>> 16;
        if (width > 0 && height > 0) {
          info.width = width;
          info.height = height;
        }
      }
    }
  }
}
