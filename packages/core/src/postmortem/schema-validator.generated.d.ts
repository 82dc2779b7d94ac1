import type { ValidateFunction } from "ajv";
import type { PostmortemV1, PostmortemV2 } from "./types";

/** The standalone validators of schemas/postmortem.v1.json and postmortem.v2.json (see schema-codegen.ts). */
export declare const validateV1: ValidateFunction<PostmortemV1>;
export declare const validateV2: ValidateFunction<PostmortemV2>;
