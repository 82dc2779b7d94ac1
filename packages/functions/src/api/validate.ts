import { validate } from "@firebreak/core/shared/validate";

/** Validates `input` with `schema`; a failure is a ValidationError (a 400) naming each field path. */
export const parse: typeof validate = (schema, input, where) => validate(schema, input, where);
