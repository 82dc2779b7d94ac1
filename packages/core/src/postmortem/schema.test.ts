import { readFileSync } from "node:fs";
import { FirebreakError } from "@firebreak/core/shared/errors";
import Ajv2020 from "ajv/dist/2020";
import addFormats from "ajv-formats";
import { describe, expect, it } from "vitest";
import { generatePostmortem } from "./generate";
import { assertValidPostmortem, PostmortemInvalidError, validatePostmortem } from "./schema";
import { GENERATED_VALIDATOR, generateValidatorSource } from "./schema-codegen";
import { postmortemSchemaV1 } from "./schema-document";
import { manualIncident, scriptedIncident } from "./test-support";
import { POSTMORTEM_SCHEMA_ID, type PostmortemV1 } from "./types";

const published = JSON.parse(
  readFileSync(new URL("../../../../schemas/postmortem.v1.json", import.meta.url), "utf8"),
) as Record<string, unknown>;

const { incident, timeline } = scriptedIncident();
const doc = generatePostmortem({
  incident,
  timeline,
  slo: { target: 0.999, windowDays: 30 },
  release: { value: "no" },
  now: new Date("2026-03-14T12:00:00Z"),
}).metadata;

const clone = (): Record<string, unknown> => structuredClone(doc) as unknown as Record<string, unknown>;

describe("the published schema", () => {
  it("is the file in schemas/ (the module imports it, so bundles carry the same schema)", () => {
    expect(postmortemSchemaV1).toEqual(published);
  });

  it("is JSON Schema 2020-12 with a versioned $id", () => {
    expect(published.$schema).toBe("https://json-schema.org/draft/2020-12/schema");
    expect(published.$id).toBe(POSTMORTEM_SCHEMA_ID);
    expect(POSTMORTEM_SCHEMA_ID).toMatch(/\/postmortem\.v1\.json$/);
    const ajv = new Ajv2020();
    expect(ajv.validateSchema(published)).toBe(true);
  });

  it("states the duration formulas", () => {
    expect(JSON.stringify(published)).toContain("TTD = detected - impact_start");
  });
});

describe("the precompiled validator (schema-validator.generated.js)", () => {
  it("is what schema-codegen.ts generates from the schema now (else run it: see its comment)", () => {
    expect(readFileSync(GENERATED_VALIDATOR, "utf8")).toBe(generateValidatorSource());
  });

  it("reports exactly what ajv compiling the schema at run time reports", () => {
    const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
    addFormats(ajv, ["date-time", "date"]);
    const runtime = ajv.compile(published);
    const docs: unknown[] = [doc, {}, null, "x", { ...clone(), extra: 1 }];
    for (const field of Object.keys(doc)) {
      const missing = clone();
      delete missing[field];
      const wrongType = clone();
      wrongType[field] = 12345;
      docs.push(missing, wrongType);
    }
    const dates = clone();
    dates.generated_at = "2026-13-45T99:00:00Z";
    docs.push(dates);
    for (const d of docs) {
      const valid = runtime(d);
      const result = validatePostmortem(d);
      expect(result.valid).toBe(valid);
      if (!result.valid) {
        expect(result.errors.map((e) => [e.instancePath, e.keyword, e.message])).toEqual(
          (runtime.errors ?? []).map((e) => [e.instancePath, e.keyword, e.message ?? e.keyword]),
        );
      }
    }
  });
});

describe("validatePostmortem", () => {
  it("accepts generated documents (alarm and manual)", () => {
    expect(validatePostmortem(doc)).toEqual({ valid: true });
    const manual = manualIncident();
    expect(
      validatePostmortem(generatePostmortem({ ...manual, now: new Date("2026-03-14T12:00:00Z") }).metadata),
    ).toEqual({ valid: true });
  });

  it.each(Object.keys(doc))("rejects a document missing %s", (field) => {
    const broken = clone();
    delete broken[field];
    const result = validatePostmortem(broken);
    expect(result.valid).toBe(false);
    if (!result.valid) {
      expect(result.errors).toContainEqual(
        expect.objectContaining({
          instancePath: "",
          keyword: "required",
          params: { missingProperty: field },
        }),
      );
    }
  });

  it.each<[string, (d: PostmortemV1) => void, string]>([
    [
      "a wrong formula",
      (d) => {
        (d.durations.ttr as { formula: string }).formula = "resolved - detected";
      },
      "/durations/ttr/formula",
    ],
    [
      "an action item without the postmortem tag",
      (d) => {
        d.action_items[0]!.tags = ["temporary-fix"];
      },
      "/action_items/0/tags",
    ],
    [
      "a timestamp that is not a date-time",
      (d) => {
        d.timestamps.resolved = "yesterday";
      },
      "/timestamps/resolved",
    ],
    [
      "an unknown release value",
      (d) => {
        (d.release_involved as { value: string }).value = "maybe";
      },
      "/release_involved/value",
    ],
    [
      "an extra property",
      (d) => {
        (d.incident as Record<string, unknown>).owner = "x";
      },
      "/incident",
    ],
    [
      "a negative page count",
      (d) => {
        d.pages.failed = -1;
      },
      "/pages/failed",
    ],
    [
      "a schema version other than 1",
      (d) => {
        (d as { schema_version: number }).schema_version = 2;
      },
      "/schema_version",
    ],
  ])("rejects %s", (_name, mutate, path) => {
    const broken = structuredClone(doc);
    mutate(broken);
    const result = validatePostmortem(broken);
    expect(result.valid).toBe(false);
    if (!result.valid) expect(result.errors.map((e) => e.instancePath)).toContain(path);
  });

  it("assertValidPostmortem throws a typed error listing every ajv error", () => {
    const broken = clone();
    delete broken.lint;
    (broken.pages as Record<string, unknown>).sent = "two";
    try {
      assertValidPostmortem(broken);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(PostmortemInvalidError);
      expect(error).toBeInstanceOf(FirebreakError);
      const e = error as PostmortemInvalidError;
      expect(e.code).toBe("postmortem_invalid");
      expect(e.errors.length).toBeGreaterThanOrEqual(2);
      expect(e.message).toContain("must have required property 'lint'");
      expect(e.message).toContain("/pages/sent");
    }
  });

  it("returns the same (typed) object when valid", () => {
    expect(assertValidPostmortem(doc)).toBe(doc);
  });
});
