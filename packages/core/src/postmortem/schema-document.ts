// Imported, not read from disk: the published files are the single source, and bundlers (esbuild for
// Lambda), tsx and vitest all inline them, so there is no path to resolve at run time. Apart from
// schema.ts (the validators) so that serving the documents does not bundle the validators.
import schemaV1 from "../../../../schemas/postmortem.v1.json" with { type: "json" };
import schemaV2 from "../../../../schemas/postmortem.v2.json" with { type: "json" };
import { POSTMORTEM_SCHEMA_ID_V1, POSTMORTEM_SCHEMA_ID_V2 } from "./types";

/** The published JSON Schema (2020-12) of postmortem metadata v1: `schemas/postmortem.v1.json` (still served). */
export const postmortemSchemaV1: Readonly<Record<string, unknown>> = schemaV1;
/** The published JSON Schema (2020-12) of postmortem metadata v2: `schemas/postmortem.v2.json` (what drafts use now). */
export const postmortemSchemaV2: Readonly<Record<string, unknown>> = schemaV2;

if (schemaV1.$id !== POSTMORTEM_SCHEMA_ID_V1) {
  throw new Error(`schemas/postmortem.v1.json has $id ${schemaV1.$id}, expected ${POSTMORTEM_SCHEMA_ID_V1}`);
}
if (schemaV2.$id !== POSTMORTEM_SCHEMA_ID_V2) {
  throw new Error(`schemas/postmortem.v2.json has $id ${schemaV2.$id}, expected ${POSTMORTEM_SCHEMA_ID_V2}`);
}
