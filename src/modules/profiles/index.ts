/** The public face of this module: what other modules may use. */
export { profileRefSql } from "./lookup";
