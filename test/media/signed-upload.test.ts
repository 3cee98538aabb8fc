import { describe, expect, it } from "vitest";
import { advanceClockForTests } from "../../src/platform/clock";
import { post } from "../support/http";
import { MiB, mp4, pdf, png, waitForMedia } from "../support/media";
import { createUser, type TestUser } from "../support/users";
import { fetchWorker } from "../support/worker";

async function ticket(user: TestUser, body: Record<string, unknown>) {
  return post("/api/v1/media/uploads", body, { token: user.token });
}

/** PUTs bytes to the signed URL (a path on the Worker itself), with no Authorization header. */
async function putTo(
  url: string,
  bytes: Uint8Array,
  contentType: string,
  headers: Record<string, string> = {},
) {
  const u = new URL(url);
  const res = await fetchWorker(`http://majlis.test${u.pathname}${u.search}`, {
    method: "PUT",
    headers: { "content-type": contentType, "accept-language": "en", ...headers },
    body: bytes,
  });
  return { status: res.status, body: (await res.json()) as any };
}

describe("two-step upload: POST /api/v1/media/uploads, then PUT to the signed URL", () => {
  it("uploads directly with the signed URL and processes the file", async () => {
    const user = await createUser();
    const file = await png(500, 500);
    const t = await ticket(user, {
      kind: "AVATAR",
      size: file.length,
      contentType: "image/png",
      altText: "أنا",
    });
    expect(t.status).toBe(201);
    expect(t.body).toMatchObject({ method: "PUT", headers: { "Content-Type": "image/png" } });
    expect(t.body.uploadUrl).toContain(`/api/v1/media/uploads/${t.body.id}?expires=`);
    expect(Date.parse(t.body.expiresAt) - Date.now()).toBeLessThanOrEqual(15 * 60_000 + 5_000);

    const put = await putTo(t.body.uploadUrl, file, "image/png");
    expect(put.status).toBe(201);
    expect(put.body).toMatchObject({
      id: t.body.id,
      kind: "AVATAR",
      status: "PROCESSING",
      ownerId: user.id,
      altText: "أنا",
    });
    const ready = await waitForMedia(user.token, t.body.id);
    expect(ready).toMatchObject({ status: "READY", width: 400, height: 400 });
  });

  it("works once: the second PUT with the same URL is 409 UPLOAD_URL_USED", async () => {
    const user = await createUser();
    const file = mp4();
    const t = await ticket(user, { kind: "VIDEO", size: file.length, contentType: "video/mp4" });
    expect((await putTo(t.body.uploadUrl, file, "video/mp4")).status).toBe(201);
    const again = await putTo(t.body.uploadUrl, file, "video/mp4");
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe("UPLOAD_URL_USED");
  });

  it("expires after 15 minutes (403 SIGNED_URL_EXPIRED)", async () => {
    const user = await createUser();
    const file = pdf(1);
    const t = await ticket(user, { kind: "DOCUMENT", size: file.length, contentType: "application/pdf" });
    advanceClockForTests(15 * 60_000 + 1_000);
    const res = await putTo(t.body.uploadUrl, file, "application/pdf");
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe("SIGNED_URL_EXPIRED");
  });

  it("refuses tampered URLs: signature, expiry, id, and a different Content-Type than signed", async () => {
    const user = await createUser();
    const file = pdf(1);
    const t = await ticket(user, { kind: "DOCUMENT", size: file.length, contentType: "application/pdf" });
    const url = new URL(t.body.uploadUrl);
    const sig = url.searchParams.get("sig")!;
    const tampered = [
      t.body.uploadUrl.replace(`sig=${sig}`, `sig=${sig.slice(0, -2)}${sig.endsWith("AA") ? "BB" : "AA"}`),
      t.body.uploadUrl.replace(/expires=(\d+)/, (_: string, e: string) => `expires=${Number(e) + 3_600_000}`),
      t.body.uploadUrl.replace(
        t.body.id,
        t.body.id.replace(/.$/, (c: string) => (c === "0" ? "1" : "0")),
      ),
    ];
    for (const bad of tampered) {
      const res = await putTo(bad, file, "application/pdf");
      expect(res.status, bad).toBe(403);
      expect(res.body.error.code).toBe("INVALID_SIGNATURE");
    }
    const wrongType = await putTo(t.body.uploadUrl, file, "video/mp4");
    expect(wrongType.status).toBe(403);
    expect(wrongType.body.error.code).toBe("INVALID_SIGNATURE");
    const missing = await putTo(t.body.uploadUrl.replace(/&sig=.*$/, ""), file, "application/pdf");
    expect(missing.status).toBe(400);
    // The untouched URL still works: failed attempts did not use it up.
    expect((await putTo(t.body.uploadUrl, file, "application/pdf")).status).toBe(201);
  });

  it("is bound to the size: more bytes are 413, fewer are 400, and content must match the signed type", async () => {
    const user = await createUser();
    const file = pdf(1);
    const small = await ticket(user, {
      kind: "DOCUMENT",
      size: file.length - 10,
      contentType: "application/pdf",
    });
    const tooBig = await putTo(small.body.uploadUrl, file, "application/pdf");
    expect(tooBig.status).toBe(413);
    expect(tooBig.body.error.code).toBe("FILE_TOO_LARGE");

    const large = await ticket(user, {
      kind: "DOCUMENT",
      size: file.length + 10,
      contentType: "application/pdf",
    });
    const tooSmall = await putTo(large.body.uploadUrl, file, "application/pdf");
    expect(tooSmall.status).toBe(400);
    expect(tooSmall.body.error.code).toBe("INVALID_FILE");

    const image = await png(10, 10);
    const lying = await ticket(user, {
      kind: "DOCUMENT",
      size: image.length,
      contentType: "application/pdf",
    });
    const res = await putTo(lying.body.uploadUrl, image, "application/pdf");
    expect(res.status).toBe(415);
  });

  it("checks kind, size and type when the ticket is requested", async () => {
    const user = await createUser();
    const tooBig = await ticket(user, { kind: "AVATAR", size: 5 * MiB + 1, contentType: "image/png" });
    expect(tooBig.status).toBe(413);
    expect(tooBig.body.error.code).toBe("FILE_TOO_LARGE");
    const wrongType = await ticket(user, { kind: "RESUME", size: 100, contentType: "video/mp4" });
    expect(wrongType.status).toBe(415);
    expect(wrongType.body.error.code).toBe("UNSUPPORTED_FORMAT");
    const svg = await ticket(user, { kind: "AVATAR", size: 100, contentType: "image/svg+xml" });
    expect(svg.status).toBe(400);
    const invalid = await ticket(user, { kind: "VIDEO", size: "big", contentType: "video/mp4" });
    expect(invalid.status).toBe(400);
    expect(invalid.body.error.code).toBe("VALIDATION_ERROR");
    const zero = await ticket(user, { kind: "VIDEO", size: 0, contentType: "video/mp4" });
    expect(zero.status).toBe(400);
  });

  it("needs a signed-in, verified member to get a ticket", async () => {
    const body = { kind: "VIDEO", size: 100, contentType: "video/mp4" };
    expect((await post("/api/v1/media/uploads", body)).status).toBe(401);
    expect((await post("/api/v1/media/uploads", body, { token: "garbage" })).status).toBe(401);
    const unverified = await createUser({ verified: false });
    const res = await post("/api/v1/media/uploads", body, { token: unverified.token });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe("EMAIL_NOT_VERIFIED");
  });
});
