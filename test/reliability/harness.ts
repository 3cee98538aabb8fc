import { type OpenApiDoc, SchemaSet } from "../support/jsonschema";
import { dispatch } from "../support/worker";
import { type Op, operationsOf } from "./oracle";

export * from "./oracle";
export { dispatch };

/** Shared by the reliability tests: the live API document and its operations (oracles in oracle.ts). */
export async function loadDocument(): Promise<{ doc: OpenApiDoc; set: SchemaSet; ops: Op[] }> {
  const res = await dispatch(new Request("http://majlis.test/openapi.json"));
  if (res.status !== 200) throw new Error(`/openapi.json answered ${res.status}`);
  const doc = (await res.json()) as OpenApiDoc;
  return { doc, set: new SchemaSet(doc), ops: operationsOf(doc) };
}
