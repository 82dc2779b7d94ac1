// Imported, not read from disk: the published file is the single source, and bundlers (esbuild for
// Lambda), tsx and vitest all inline it, so there is no path to resolve at run time. Apart from
// schema.ts (the validator) so that serving the document does not bundle the validator.
import schema from "../../../../schemas/postmortem.v1.json" with { type: "json" };
import { POSTMORTEM_SCHEMA_ID } from "./types";

/** The published JSON Schema (2020-12) of postmortem metadata v1: `schemas/postmortem.v1.json`. */
export const postmortemSchemaV1: Readonly<Record<string, unknown>> = schema;

if (schema.$id !== POSTMORTEM_SCHEMA_ID) {
  throw new Error(`schemas/postmortem.v1.json has $id ${schema.$id}, expected ${POSTMORTEM_SCHEMA_ID}`);
}
