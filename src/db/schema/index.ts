export * from "./graph";
export * from "./identity";
export * from "./profiles";
