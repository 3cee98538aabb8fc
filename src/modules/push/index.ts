/** The public face of this module: what other modules may use. */
export { type PushResult, type StoredSubscription, sendPush } from "./service";
