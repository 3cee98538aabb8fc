import { describe, expect, it } from "vitest";
import { PUBLIC_ATTACHED_CACHE } from "../../src/modules/media/delivery";
import { docx, fetchMedia, mp4, pdf, png, pptx, upload, waitForMedia, webm } from "../support/media";
import { createPost } from "../support/posts";
import { createUser, type TestUser } from "../support/users";

async function readyMedia(user: TestUser, kind: string, file: Uint8Array, filename: string) {
  const res = await upload(user.token, { kind, file, filename });
  if (res.status !== 201) throw new Error(`upload: ${res.status} ${JSON.stringify(res.body)}`);
  return waitForMedia(user.token, res.body.id);
}

describe("videos: stored in R2 and played from it with range requests", () => {
  it("makes an MP4 READY with its duration and frame size; playback is the R2 original", async () => {
    const user = await createUser();
    const file = mp4({ seconds: 95, width: 1280, height: 720 });
    const video = await readyMedia(user, "VIDEO", file, "talk.mp4");
    expect(video).toMatchObject({
      status: "READY",
      mimeType: "video/mp4",
      durationSeconds: 95,
      width: 1280,
      height: 720,
    });
    // Not attached to any post yet: the owner gets a signed URL (media/policy.ts).
    expect(video.url).toMatch(new RegExp(`/media/videos/${video.id}/original\\.mp4\\?expires=\\d+&sig=`));
    expect(video.playbackUrl).toBe(video.url);

    const whole = await fetchMedia(video.url);
    expect(whole.status).toBe(200);
    expect(whole.headers.get("content-type")).toBe("video/mp4");
    expect(whole.headers.get("accept-ranges")).toBe("bytes");
    expect(whole.headers.get("content-length")).toBe(String(file.length));
    expect(whole.headers.get("cache-control")).toMatch(/^private, max-age=\d+$/);
    expect(whole.bytes).toEqual(file);

    const first = await fetchMedia(video.url, { range: "bytes=0-99" });
    expect(first.status).toBe(206);
    expect(first.headers.get("content-range")).toBe(`bytes 0-99/${file.length}`);
    expect(first.headers.get("content-length")).toBe("100");
    expect(first.bytes).toEqual(file.subarray(0, 100));

    const open = await fetchMedia(video.url, { range: "bytes=1000-" });
    expect(open.status).toBe(206);
    expect(open.bytes).toEqual(file.subarray(1000));

    const suffix = await fetchMedia(video.url, { range: "bytes=-16" });
    expect(suffix.status).toBe(206);
    expect(suffix.headers.get("content-range")).toBe(
      `bytes ${file.length - 16}-${file.length - 1}/${file.length}`,
    );
    expect(suffix.bytes).toEqual(file.subarray(file.length - 16));

    const clamped = await fetchMedia(video.url, { range: `bytes=10-${file.length + 500}` });
    expect(clamped.status).toBe(206);
    expect(clamped.bytes.length).toBe(file.length - 10);

    const outside = await fetchMedia(video.url, { range: `bytes=${file.length}-` });
    expect(outside.status).toBe(416);
    expect(outside.headers.get("content-range")).toBe(`bytes */${file.length}`);

    // Several ranges or nonsense: the whole file (a server may ignore Range).
    expect((await fetchMedia(video.url, { range: "bytes=0-1,5-9" })).status).toBe(200);
    expect((await fetchMedia(video.url, { range: "pages=1" })).status).toBe(200);
  });

  it("honours If-None-Match (304), If-Range, and HEAD", async () => {
    const user = await createUser();
    const file = webm();
    const video = await readyMedia(user, "VIDEO", file, "clip.webm");
    expect(video).toMatchObject({ status: "READY", mimeType: "video/webm", durationSeconds: null });
    const first = await fetchMedia(video.url);
    const etag = first.headers.get("etag")!;
    expect(etag).toMatch(/^"[^"]+"$/);
    const cached = await fetchMedia(video.url, { "if-none-match": etag });
    expect(cached.status).toBe(304);
    expect(cached.bytes.length).toBe(0);
    expect((await fetchMedia(video.url, { "if-none-match": '"other"' })).status).toBe(200);

    expect((await fetchMedia(video.url, { range: "bytes=0-9", "if-range": etag })).status).toBe(206);
    expect((await fetchMedia(video.url, { range: "bytes=0-9", "if-range": '"stale"' })).status).toBe(200);

    const head = await fetchMedia(video.url, {}, "HEAD");
    expect(head.status).toBe(200);
    expect(head.headers.get("content-length")).toBe(String(file.length));
    expect(head.bytes.length).toBe(0);
  });

  it("sends nosniff, a sandboxing CSP and cross-origin embedding for processed images", async () => {
    const user = await createUser();
    const image = await readyMedia(user, "POST_IMAGE", await png(40, 40), "x.png");
    const shown = await createPost(user, { content: "صورة", visibility: "PUBLIC", mediaIds: [image.id] });
    const res = await fetchMedia(shown.media[0].url);
    expect(res.status).toBe(200);
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("content-security-policy")).toBe("default-src 'none'; sandbox");
    expect(res.headers.get("cross-origin-resource-policy")).toBe("cross-origin");
    // Public (a PUBLIC post shows it), cached for a bounded time: see PUBLIC_ATTACHED_CACHE.
    expect(res.headers.get("cache-control")).toBe(PUBLIC_ATTACHED_CACHE);
    expect(res.headers.get("content-disposition")).toBeNull();
  });
});

describe("documents: checked and counted", () => {
  it("counts PDF pages and PPTX slides; DOCX has no page count", async () => {
    const user = await createUser();
    const report = await readyMedia(user, "DOCUMENT", pdf(7), "report.pdf");
    expect(report).toMatchObject({ status: "READY", pageCount: 7, mimeType: "application/pdf" });
    const deck = await readyMedia(user, "DOCUMENT", pptx(4), "deck.pptx");
    expect(deck).toMatchObject({ status: "READY", pageCount: 4 });
    const cv = await readyMedia(user, "RESUME", docx(), "cv.docx");
    expect(cv).toMatchObject({ status: "READY", pageCount: null });
    const range = await fetchMedia(report.url, { range: "bytes=0-4" });
    expect(range.status).toBe(206);
    expect(range.text()).toBe("%PDF-");
  });

  it("marks a truncated PDF FAILED (PDF_INCOMPLETE) and drops its bytes", async () => {
    const user = await createUser();
    const whole = pdf(2);
    const res = await upload(user.token, {
      kind: "DOCUMENT",
      file: whole.subarray(0, whole.length - 60),
      filename: "cut.pdf",
    });
    expect(res.status).toBe(201);
    const done = await waitForMedia(user.token, res.body.id);
    expect(done).toMatchObject({ status: "FAILED", failureReason: "PDF_INCOMPLETE", url: null });
  });
});
