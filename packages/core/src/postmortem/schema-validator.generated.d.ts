import type { ValidateFunction } from "ajv";
import type { PostmortemV1 } from "./types";

/** The standalone validator of schemas/postmortem.v1.json (see schema-codegen.ts). */
export declare const validate: ValidateFunction<PostmortemV1>;
export default validate;
