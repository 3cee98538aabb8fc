/** The public face of this module: what other modules may use. */

export { STREAMED_UPLOAD_PATH } from "./uploads";
export { type MediaRow, mediaUrls } from "./view";
