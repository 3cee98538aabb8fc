/** The public face of this module: what other modules may use. */
export { queueEmail } from "./service";
