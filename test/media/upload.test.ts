import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { call, get, post } from "../support/http";
import {
  bytesOf,
  docx,
  gif,
  jpeg,
  MiB,
  mp4,
  pdf,
  png,
  pngTextChunk,
  pptx,
  upload,
  uploadForm,
  webm,
  webp,
  zip,
} from "../support/media";
import { createUser } from "../support/users";

/** Objects this member has in R2 (every stored object records its owner). */
async function objectsOf(ownerId: string): Promise<string[]> {
  const keys: string[] = [];
  let cursor: string | undefined;
  do {
    // `include` works at runtime but is missing from the R2ListOptions type.
    const page = await env.MEDIA.list({ include: ["customMetadata"], cursor, limit: 1000 } as R2ListOptions);
    for (const o of page.objects) if (o.customMetadata?.ownerId === ownerId) keys.push(o.key);
    cursor = page.truncated ? page.cursor : undefined;
  } while (cursor);
  return keys;
}

describe("POST /api/v1/media/upload: accepted formats, decided by the bytes", () => {
  it("accepts every kind with a real file of an allowed format", async () => {
    const user = await createUser();
    const cases: [string, Uint8Array, string, string][] = [
      ["AVATAR", await png(64, 64), "a.png", "image/png"],
      ["AVATAR", await jpeg(64, 64), "a.jpg", "image/jpeg"],
      ["BANNER", await webp(64, 32), "b.webp", "image/webp"],
      ["POST_IMAGE", gif(8, 8), "p.gif", "image/gif"],
      ["VIDEO", mp4(), "v.mp4", "video/mp4"],
      ["VIDEO", mp4({ brand: "qt  " }), "v.mov", "video/quicktime"],
      ["VIDEO", webm(), "v.webm", "video/webm"],
      ["DOCUMENT", pdf(2), "d.pdf", "application/pdf"],
      [
        "DOCUMENT",
        pptx(3),
        "d.pptx",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
      ],
      [
        "RESUME",
        docx(),
        "cv.docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
      ],
    ];
    for (const [kind, file, filename, type] of cases) {
      const res = await upload(user.token, { kind, file, filename, type });
      expect(res.status, `${kind} ${filename}: ${JSON.stringify(res.body)}`).toBe(201);
      expect(res.body).toMatchObject({
        kind,
        status: "PROCESSING",
        mimeType: type,
        size: file.length,
        ownerId: user.id,
      });
    }
  });

  it("decides the type by magic bytes, not by the name or the declared type", async () => {
    const user = await createUser();
    const res = await upload(user.token, {
      kind: "POST_IMAGE",
      file: await jpeg(32, 32),
      filename: "photo.png",
      type: "image/png",
    });
    expect(res.status).toBe(201);
    expect(res.body.mimeType).toBe("image/jpeg");
  });

  it("answers 400 INVALID_FILE for a text file renamed to .png", async () => {
    const user = await createUser();
    const res = await upload(user.token, {
      kind: "POST_IMAGE",
      file: bytesOf("just some notes, not a picture\n".repeat(20)),
      filename: "notes.png",
      type: "image/png",
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("INVALID_FILE");
    expect(await objectsOf(user.id)).toEqual([]);
  });

  it("answers 400 INVALID_FILE for a polyglot (a real PNG that also carries HTML/script)", async () => {
    const user = await createUser();
    const polyglot = await png(16, 16, [
      pngTextChunk("Comment", "<html><script>alert(document.cookie)</script></html>"),
    ]);
    const res = await upload(user.token, {
      kind: "POST_IMAGE",
      file: polyglot,
      filename: "cat.png",
      type: "image/png",
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("INVALID_FILE");
  });

  it("refuses SVG, HTML, executables and scripts with 415 UNSUPPORTED_FORMAT", async () => {
    const user = await createUser();
    const files: [Uint8Array, string, string][] = [
      [
        bytesOf('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
        "x.svg",
        "image/svg+xml",
      ],
      [bytesOf('<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"/>'), "x.png", "image/png"],
      [bytesOf("<!DOCTYPE html><html><body>hi</body></html>"), "x.html", "text/html"],
      [
        bytesOf([0x4d, 0x5a, 0x90, 0, 3, 0, 0, 0], new Uint8Array(200)),
        "setup.exe",
        "application/octet-stream",
      ],
      [bytesOf([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1], new Uint8Array(200)), "a.jpg", "image/jpeg"],
      [bytesOf("#!/bin/sh\nrm -rf /\n"), "run.pdf", "application/pdf"],
    ];
    for (const [file, filename, type] of files) {
      const res = await upload(user.token, { kind: "DOCUMENT", file, filename, type });
      expect(res.status, filename).toBe(415);
      expect(res.body.error.code).toBe("UNSUPPORTED_FORMAT");
    }
  });

  it("answers 415 for a real file of a format the kind does not take", async () => {
    const user = await createUser();
    const cases: [string, Uint8Array][] = [
      ["AVATAR", gif(4, 4)],
      ["BANNER", pdf(1)],
      ["VIDEO", await png(8, 8)],
      ["RESUME", pptx(1)],
      ["POST_IMAGE", mp4()],
      ["DOCUMENT", zip({ "hello.txt": "a plain zip" })],
      ["VIDEO", mp4({ brand: "heic", compatible: "mif1heic" })],
    ];
    for (const [kind, file] of cases) {
      const res = await upload(user.token, { kind, file, filename: "f.bin" });
      expect(res.status, kind).toBe(415);
      expect(res.body.error.code).toBe("UNSUPPORTED_FORMAT");
    }
  });

  it("answers 400 INVALID_FILE for a ZIP named .docx that is not a Word document, and 415 for macro documents", async () => {
    const user = await createUser();
    const fake = await upload(user.token, {
      kind: "RESUME",
      file: zip({ "readme.txt": "not office" }),
      filename: "cv.docx",
      type: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    });
    expect(fake.status).toBe(400);
    expect(fake.body.error.code).toBe("INVALID_FILE");
    const macro = await upload(user.token, {
      kind: "DOCUMENT",
      file: zip({
        "[Content_Types].xml": "<Types/>",
        "word/document.xml": "<w:document/>",
        "word/vbaProject.bin": "macro",
      }),
      filename: "invoice.docx",
    });
    expect(macro.status).toBe(415);
    expect(await objectsOf(user.id)).toEqual([]);
  });

  it("refuses an empty file with 400 INVALID_FILE", async () => {
    const user = await createUser();
    const res = await upload(user.token, {
      kind: "AVATAR",
      file: new Uint8Array(0),
      filename: "a.png",
      type: "image/png",
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("INVALID_FILE");
  });
});

describe("POST /api/v1/media/upload: size limits while streaming", () => {
  it("accepts an avatar of exactly 5 MiB and refuses one byte more with 413, leaving nothing in R2", async () => {
    const user = await createUser();
    const header = await png(8, 8);
    const exact = new Uint8Array(5 * MiB);
    exact.set(header);
    const ok = await upload(user.token, {
      kind: "AVATAR",
      file: exact,
      filename: "a.png",
      type: "image/png",
    });
    expect(ok.status).toBe(201);
    expect(ok.body.size).toBe(5 * MiB);

    const over = new Uint8Array(5 * MiB + 1);
    over.set(header);
    const before = await objectsOf(user.id);
    const res = await upload(user.token, {
      kind: "AVATAR",
      file: over,
      filename: "a.png",
      type: "image/png",
    });
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe("FILE_TOO_LARGE");
    expect(await objectsOf(user.id)).toEqual(before);
    const rows = await env.DB.prepare("SELECT COUNT(*) AS n FROM media WHERE owner_id = ?")
      .bind(user.id)
      .first<{ n: number }>();
    expect(rows?.n).toBe(1);
  });

  it("streams a multi-part (over 5 MiB) document into R2 intact", async () => {
    const user = await createUser();
    const big = pdf(3, 7 * MiB);
    const res = await upload(user.token, {
      kind: "DOCUMENT",
      file: big,
      filename: "big.pdf",
      type: "application/pdf",
    });
    expect(res.status).toBe(201);
    expect(res.body.size).toBe(big.length);
    const stored = await env.MEDIA.get(`documents/${res.body.id}.pdf`);
    expect(stored?.size).toBe(big.length);
    const bytes = new Uint8Array(await stored!.arrayBuffer());
    expect(bytes.subarray(0, 8)).toEqual(big.subarray(0, 8));
    expect(bytes.subarray(big.length - 100)).toEqual(big.subarray(big.length - 100));
  });

  it("refuses a video above 200 MiB from its declared length before reading it", async () => {
    const user = await createUser();
    const res = await call("POST", "/api/v1/media/upload", {
      token: user.token,
      headers: { "content-type": "multipart/form-data; boundary=x", "content-length": String(201 * MiB) },
      body: "--x\r\n",
    });
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe("FILE_TOO_LARGE");
  });
});

describe("POST /api/v1/media/upload: request validation and security", () => {
  it("requires a known kind, sent before the file", async () => {
    const user = await createUser();
    const file = await png(8, 8);
    const bad = await upload(user.token, { kind: "SELFIE", file, type: "image/png" });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe("VALIDATION_ERROR");
    expect(bad.body.error.details[0].path).toBe("kind");
    const fileFirst = await upload(user.token, { kind: "AVATAR", file, type: "image/png", fileFirst: true });
    expect(fileFirst.status).toBe(400);
    const form = new FormData();
    form.append("kind", "AVATAR");
    const noFile = await call("POST", "/api/v1/media/upload", { token: user.token, body: form });
    expect(noFile.status).toBe(400);
    expect(noFile.body.error.details[0].path).toBe("file");
  });

  it("limits altText to 200 characters and strips control and bidi characters", async () => {
    const user = await createUser();
    const file = await png(8, 8);
    const long = await upload(user.token, {
      kind: "POST_IMAGE",
      file,
      type: "image/png",
      altText: "ا".repeat(201),
    });
    expect(long.status).toBe(400);
    expect(long.body.error.details[0].path).toBe("altText");
    const cleaned = await upload(user.token, {
      kind: "POST_IMAGE",
      file,
      type: "image/png",
      altText: " صورة\u202E\u0000 قطة ",
    });
    expect(cleaned.status).toBe(201);
    expect(cleaned.body.altText).toBe("صورة قطة");
  });

  it("answers 415 when the body is not multipart, and 400 for a malformed multipart body", async () => {
    const user = await createUser();
    const json = await post("/api/v1/media/upload", { kind: "AVATAR" }, { token: user.token });
    expect(json.status).toBe(415);
    const broken = await call("POST", "/api/v1/media/upload", {
      token: user.token,
      headers: { "content-type": "multipart/form-data; boundary=abc" },
      body: '--abc\r\nContent-Disposition: form-data; name="kind"\r\n\r\nAVATAR\r\n--abc\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\n\r\n\x89PNG never ends',
    });
    expect(broken.status).toBe(400);
    expect(broken.body.error.code).toBe("VALIDATION_ERROR");
  });

  it("needs a valid token (401) and a verified email (403)", async () => {
    const form = () => uploadForm({ kind: "AVATAR", file: new Uint8Array([1]), type: "image/png" });
    expect((await call("POST", "/api/v1/media/upload", { body: form() })).status).toBe(401);
    const garbage = await call("POST", "/api/v1/media/upload", { token: "not.a.jwt", body: form() });
    expect(garbage.status).toBe(401);
    const unverified = await createUser({ verified: false });
    const res = await upload(unverified.token, { kind: "AVATAR", file: await png(8, 8), type: "image/png" });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe("EMAIL_NOT_VERIFIED");
  });

  it("answers Arabic error messages by default", async () => {
    const user = await createUser();
    const res = await upload(user.token, { kind: "AVATAR", file: gif(2, 2), lang: "ar" });
    expect(res.status).toBe(415);
    expect(res.body.error.message).toBe("صيغة هذا الملف غير مقبولة هنا.");
  });

  it("allows 20 uploads an hour per member, then 429 with Retry-After", async () => {
    const user = await createUser();
    const file = bytesOf("%PDF-1.4\n%%EOF\n");
    for (let i = 0; i < 20; i++) {
      const res = await upload(user.token, { kind: "DOCUMENT", file, filename: `${i}.pdf` });
      expect(res.status).toBe(201);
    }
    const refused = await upload(user.token, { kind: "DOCUMENT", file, filename: "21.pdf" });
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe("RATE_LIMITED");
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
  });
});

describe("the API document", () => {
  it("describes the media routes, the multipart body and the signed PUT", async () => {
    const doc = await get("/openapi.json");
    expect(doc.status).toBe(200);
    const paths = doc.body.paths;
    expect(
      paths["/api/v1/media/upload"].post.requestBody.content["multipart/form-data"].schema.required,
    ).toEqual(["kind", "file"]);
    expect(paths["/api/v1/media/uploads"].post).toBeDefined();
    expect(
      paths["/api/v1/media/uploads/{id}"].put.requestBody.content["application/octet-stream"],
    ).toBeDefined();
    expect(paths["/api/v1/media/{id}"].get).toBeDefined();
    expect(paths["/api/v1/media/{id}"].delete).toBeDefined();
  });
});
