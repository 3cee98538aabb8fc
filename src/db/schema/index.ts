export * from "./content";
export * from "./graph";
export * from "./identity";
export * from "./media";
export * from "./messaging";
export * from "./notifications";
export * from "./profiles";
export * from "./search";
