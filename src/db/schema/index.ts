export * from "./graph";
export * from "./identity";
export * from "./profiles";
export * from "./media";
