import { env } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import { depsForBackground } from "../../src/core/deps";
import { checkStream, handOffToStream } from "../../src/modules/media/processing";
import { deleteMedia } from "../../src/modules/media/service";
import type { Bindings } from "../../src/platform/env";
import { get } from "../support/http";
import { contains, mp4, upload, waitForMedia } from "../support/media";
import { createUser } from "../support/users";

/**
 * Cloudflare Stream has no local simulation: the adapter is exercised at the fetch boundary with
 * responses shaped like the ones Stream's API returns (recorded from its documented examples).
 */
const ACCOUNT = "023e105f4ecef8ad9ca31a8372d0c353";
const UID = "ea95132c15732412d22c1476fa83f27a";
const API = `https://api.cloudflare.com/client/v4/accounts/${ACCOUNT}/stream`;
const UPLOAD_URL = `https://upload.videodelivery.net/${UID}`;
const HLS = `https://customer-m033z5x00ks6nunl.cloudflarestream.com/${UID}/manifest/video.m3u8`;

const directUploadResponse = {
  result: { uploadURL: UPLOAD_URL, uid: UID, watermark: null, scheduledDeletion: null },
  success: true,
  errors: [],
  messages: [],
};

function videoDetails(state: "inprogress" | "ready" | "error") {
  const ready = state === "ready";
  return {
    result: {
      uid: UID,
      creator: null,
      thumbnail: `https://customer-m033z5x00ks6nunl.cloudflarestream.com/${UID}/thumbnails/thumbnail.jpg`,
      thumbnailTimestampPct: 0,
      readyToStream: ready,
      readyToStreamAt: ready ? "2026-05-01T10:02:11.000000Z" : null,
      status: {
        state,
        pctComplete: ready ? "100.000000" : "42.500000",
        errorReasonCode: state === "error" ? "ERR_NON_VIDEO" : "",
        errorReasonText: state === "error" ? "The file was not recognized as a valid video file." : "",
      },
      meta: { name: "video.mp4" },
      created: "2026-05-01T10:00:03.000000Z",
      modified: "2026-05-01T10:02:11.000000Z",
      scheduledDeletion: null,
      size: 4190963,
      preview: `https://customer-m033z5x00ks6nunl.cloudflarestream.com/${UID}/watch`,
      allowedOrigins: [],
      requireSignedURLs: false,
      uploaded: "2026-05-01T10:00:03.000000Z",
      uploadExpiry: null,
      maxSizeBytes: null,
      maxDurationSeconds: 3600,
      duration: ready ? 95.3 : -1,
      input: ready ? { width: 1280, height: 720 } : { width: -1, height: -1 },
      playback: {
        hls: HLS,
        dash: `https://customer-m033z5x00ks6nunl.cloudflarestream.com/${UID}/manifest/video.mpd`,
      },
      watermark: null,
      clippedFrom: null,
      publicDetails: { title: null, share_link: null, channel_link: null, logo: null },
    },
    success: true,
    errors: [],
    messages: [],
  };
}

interface Seen {
  method: string;
  url: string;
  auth: string | null;
  body: Uint8Array;
}

/** Replaces fetch for Stream's hosts; `details` answers GET /stream/{uid}. */
function fakeStream(details: () => Response, uploadStatus = 200) {
  const seen: Seen[] = [];
  const real = globalThis.fetch;
  const spy = vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const req = new Request(input as RequestInfo, init);
    if (
      !req.url.startsWith("https://api.cloudflare.com/") &&
      !req.url.startsWith("https://upload.videodelivery.net/")
    ) {
      return real(input as RequestInfo, init);
    }
    seen.push({
      method: req.method,
      url: req.url,
      auth: req.headers.get("authorization"),
      body: new Uint8Array(await req.arrayBuffer()),
    });
    if (req.method === "POST" && req.url === `${API}/direct_upload`)
      return Response.json(directUploadResponse);
    if (req.method === "POST" && req.url === UPLOAD_URL) return new Response(null, { status: uploadStatus });
    if (req.method === "GET" && req.url === `${API}/${UID}`) return details();
    if (req.method === "DELETE" && req.url === `${API}/${UID}`) return new Response(null, { status: 200 });
    return new Response("unexpected", { status: 500 });
  });
  return { seen, spy };
}

const withStream = (): Bindings => ({ ...env, STREAM_ACCOUNT_ID: ACCOUNT, STREAM_API_TOKEN: "test-token" });

afterEach(() => {
  vi.restoreAllMocks();
});

async function readyVideo() {
  const user = await createUser();
  const file = mp4({ seconds: 95, width: 1280, height: 720 });
  const res = await upload(user.token, { kind: "VIDEO", file, filename: "talk.mp4" });
  const video = await waitForMedia(user.token, res.body.id);
  const row = await env.DB.prepare("SELECT * FROM media WHERE id = ?").bind(video.id).first();
  return { user, file, video, row: row as any };
}

const rowOf = (r: any) => ({
  id: r.id,
  ownerId: r.owner_id,
  kind: r.kind,
  status: r.status,
  mimeType: r.mime_type,
  size: r.size,
  altText: r.alt_text,
  width: r.width,
  height: r.height,
  originalKey: r.original_key,
  variantKey: r.variant_key,
  thumbnailKey: r.thumbnail_key,
  thumbnailWidth: r.thumbnail_width,
  thumbnailHeight: r.thumbnail_height,
  filename: r.filename,
  sha256: r.sha256,
  pageCount: r.page_count,
  durationSeconds: r.duration_seconds,
  streamUid: r.stream_uid,
  playbackUrl: r.playback_url,
  failureReason: r.failure_reason,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/** A URL without its query: signed URLs of one object differ only in their expiry window. */
const plain = (url: string) => url.split("?")[0];

describe("Stream adapter (only with STREAM_ACCOUNT_ID and STREAM_API_TOKEN)", () => {
  it("without credentials, never calls Stream: the R2 original is the playback source", async () => {
    const { seen } = fakeStream(() => Response.json(videoDetails("ready")));
    const { video } = await readyVideo();
    expect(video.playbackUrl).toBe(video.url);
    expect(seen).toHaveLength(0);
  });

  it("hands a READY video to Stream by direct upload, then switches playback to HLS once Stream is ready", async () => {
    const { user, file, video, row } = await readyVideo();
    let state: "inprogress" | "ready" = "inprogress";
    const { seen } = fakeStream(() => Response.json(videoDetails(state)));
    const deps = () => depsForBackground(withStream(), Date.now());

    await handOffToStream(deps(), rowOf(row), 1);
    expect(seen.map((s) => `${s.method} ${s.url}`)).toEqual([
      `POST ${API}/direct_upload`,
      `POST ${UPLOAD_URL}`,
    ]);
    expect(seen[0]!.auth).toBe("Bearer test-token");
    expect(JSON.parse(new TextDecoder().decode(seen[0]!.body))).toMatchObject({
      maxDurationSeconds: 3600,
      creator: user.id,
    });
    expect(seen[1]!.auth).toBeNull(); // the one-time upload URL needs no token
    expect(contains(seen[1]!.body, 'name="file"')).toBe(true);
    expect(contains(seen[1]!.body, file)).toBe(true);

    await checkStream(deps(), video.id, 1);
    expect(plain((await get(`/api/v1/media/${video.id}`, { token: user.token })).body.playbackUrl)).toBe(
      plain(video.url),
    );

    state = "ready";
    await checkStream(deps(), video.id, 2);
    const after = await get(`/api/v1/media/${video.id}`, { token: user.token });
    expect(after.body).toMatchObject({ status: "READY", playbackUrl: HLS, durationSeconds: 95 });
    expect(plain(after.body.url)).toBe(plain(video.url));

    // Deleting the media deletes the Stream copy too (best effort, after the response).
    vi.restoreAllMocks();
    const again = fakeStream(() => Response.json(videoDetails("ready")));
    await deleteMedia(depsForBackground(withStream(), Date.now()), user.id, video.id);
    await expect
      .poll(() => again.seen.map((s) => `${s.method} ${s.url}`), { timeout: 5_000 })
      .toContain(`DELETE ${API}/${UID}`);
    expect((await get(`/api/v1/media/${video.id}`, { token: user.token })).status).toBe(404);
  });

  it("keeps R2 playback when Stream refuses the video or fails to encode it, and logs why", async () => {
    const { user, video, row } = await readyVideo();
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    const refusing = vi.spyOn(globalThis, "fetch").mockResolvedValue(
      Response.json(
        {
          result: null,
          success: false,
          errors: [{ code: 10000, message: "Authentication error" }],
          messages: [],
        },
        { status: 403 },
      ),
    );
    await handOffToStream(depsForBackground(withStream(), Date.now()), rowOf(row), 1);
    expect(refusing).toHaveBeenCalledTimes(1);
    expect(JSON.stringify(logged.mock.calls)).toContain("Authentication error");
    const unchanged = await get(`/api/v1/media/${video.id}`, { token: user.token });
    expect(unchanged.body.status).toBe("READY");
    expect(plain(unchanged.body.playbackUrl)).toBe(plain(video.url));

    vi.restoreAllMocks();
    fakeStream(() => Response.json(videoDetails("error")));
    await env.DB.prepare("UPDATE media SET stream_uid = ? WHERE id = ?").bind(UID, video.id).run();
    const quiet = vi.spyOn(console, "error").mockImplementation(() => {});
    await checkStream(depsForBackground(withStream(), Date.now()), video.id, 1);
    expect(plain((await get(`/api/v1/media/${video.id}`, { token: user.token })).body.playbackUrl)).toBe(
      plain(video.url),
    );
    expect(JSON.stringify(quiet.mock.calls)).toContain("ERR_NON_VIDEO");
  });

  it("throws on Stream outages (5xx) so the queue retries the hand-off", async () => {
    const { row } = await readyVideo();
    vi.spyOn(globalThis, "fetch").mockResolvedValue(
      Response.json(
        { result: null, success: false, errors: [{ code: 10002, message: "Internal error" }], messages: [] },
        { status: 503 },
      ),
    );
    await expect(handOffToStream(depsForBackground(withStream(), Date.now()), rowOf(row), 1)).rejects.toThrow(
      /503/,
    );
  });
});
