import { readFileSync } from "node:fs";
import { FirebreakError } from "@firebreak/core/shared/errors";
import Ajv2020 from "ajv/dist/2020";
import addFormats from "ajv-formats";
import { describe, expect, it } from "vitest";
import { generatePostmortem } from "./generate";
import { assertValidPostmortem, migrateV1, PostmortemInvalidError, validatePostmortem } from "./schema";
import { GENERATED_VALIDATOR, generateValidatorSource } from "./schema-codegen";
import { postmortemSchemaV1, postmortemSchemaV2 } from "./schema-document";
import { manualIncident, scriptedIncident } from "./test-support";
import {
  POSTMORTEM_SCHEMA_ID,
  POSTMORTEM_SCHEMA_ID_V1,
  POSTMORTEM_SCHEMA_ID_V2,
  type PostmortemV1,
  type PostmortemV2,
} from "./types";

const read = (name: string) =>
  JSON.parse(readFileSync(new URL(`../../../../schemas/${name}`, import.meta.url), "utf8")) as Record<
    string,
    unknown
  >;
const publishedV1 = read("postmortem.v1.json");
const published = read("postmortem.v2.json");

const { incident, timeline } = scriptedIncident();
const doc = generatePostmortem({
  incident,
  timeline,
  slo: { target: 0.999, windowDays: 30 },
  release: { value: "no" },
  now: new Date("2026-03-14T12:00:00Z"),
}).metadata;

const clone = (): Record<string, unknown> => structuredClone(doc) as unknown as Record<string, unknown>;

/** The same document as a v1 draft stored before v2 (no suspicion, no changes list). */
function toV1(d: PostmortemV2): PostmortemV1 {
  const { changes_before_impact: _, release_involved, ...rest } = structuredClone(d);
  const value = release_involved.value === "suspected" ? "unknown" : release_involved.value;
  return {
    ...rest,
    schema_version: 1,
    release_involved: release_involved.reference
      ? { value, reference: release_involved.reference }
      : { value },
  };
}

describe("the published schema", () => {
  it("is the file in schemas/ (the module imports it, so bundles carry the same schema), v1 and v2", () => {
    expect(postmortemSchemaV1).toEqual(publishedV1);
    expect(postmortemSchemaV2).toEqual(published);
  });

  it("is JSON Schema 2020-12 with a versioned $id; drafts are written in v2, v1 is still published", () => {
    expect(published.$schema).toBe("https://json-schema.org/draft/2020-12/schema");
    expect(publishedV1.$schema).toBe("https://json-schema.org/draft/2020-12/schema");
    expect(published.$id).toBe(POSTMORTEM_SCHEMA_ID);
    expect(POSTMORTEM_SCHEMA_ID).toBe(POSTMORTEM_SCHEMA_ID_V2);
    expect(POSTMORTEM_SCHEMA_ID_V2).toMatch(/\/postmortem\.v2\.json$/);
    expect(publishedV1.$id).toBe(POSTMORTEM_SCHEMA_ID_V1);
    expect(POSTMORTEM_SCHEMA_ID_V1).toMatch(/\/postmortem\.v1\.json$/);
    const ajv = new Ajv2020();
    expect(ajv.validateSchema(published)).toBe(true);
    expect(ajv.validateSchema(publishedV1)).toBe(true);
  });

  it("v1 is unchanged: release_involved is unknown, yes or no, and there is no changes list", () => {
    const release = (publishedV1.properties as Record<string, Record<string, unknown>>).release_involved!;
    expect((release.properties as Record<string, unknown>).value).toEqual({ enum: ["unknown", "yes", "no"] });
    expect(publishedV1.required).not.toContain("changes_before_impact");
  });

  it("states the duration formulas", () => {
    expect(JSON.stringify(published)).toContain("TTD = detected - impact_start");
    expect(JSON.stringify(publishedV1)).toContain("TTD = detected - impact_start");
  });
});

describe("the precompiled validator (schema-validator.generated.js)", () => {
  it("is what schema-codegen.ts generates from the schema now (else run it: see its comment)", () => {
    expect(readFileSync(GENERATED_VALIDATOR, "utf8")).toBe(generateValidatorSource());
  });

  it.each([
    ["v2", published, () => clone()],
    ["v1", publishedV1, () => toV1(doc) as unknown as Record<string, unknown>],
  ])("reports exactly what ajv compiling the %s schema at run time reports", (_v, schema, make) => {
    const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
    addFormats(ajv, ["date-time", "date"]);
    const runtime = ajv.compile(schema);
    const base = make();
    const docs: unknown[] = [base, { ...make(), extra: 1 }];
    if (schema === published) docs.push({}, null, "x");
    for (const field of Object.keys(base)) {
      if (field === "schema_version") continue;
      const missing = make();
      delete missing[field];
      const wrongType = make();
      wrongType[field] = 12345;
      docs.push(missing, wrongType);
    }
    const dates = make();
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

describe("v1 checked as its migration to v2 (one generated validator)", () => {
  it("gives ajv's own v1 verdicts on what only v2 allows: suspected, references, a changes list", () => {
    const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
    addFormats(ajv, ["date-time", "date"]);
    const runtime = ajv.compile(publishedV1);
    const make = () => toV1(doc) as unknown as Record<string, unknown>;
    const docs: Record<string, unknown>[] = [];
    for (const release of [
      { value: "suspected" },
      { value: "suspected", references: ["01J0000000000000000000000A"] },
      { value: "yes", references: ["01J0000000000000000000000A"] },
      { value: "no", reference: "deploy 42" },
      { value: "maybe" },
    ]) {
      const d = make();
      d.release_involved = release;
      docs.push(d);
    }
    for (const changes of [null, { window_seconds: 7200, changes: [] }])
      docs.push({ ...make(), changes_before_impact: changes });
    const sorted = (rows: string[][]) => rows.map((r) => r.join(" ")).sort();
    for (const d of docs) {
      const valid = runtime(d);
      const result = validatePostmortem(d);
      expect(result.valid).toBe(valid);
      if (!result.valid) {
        expect(
          sorted(result.errors.map((e) => [e.instancePath, e.keyword, e.message, JSON.stringify(e.params)])),
        ).toEqual(
          sorted(
            (runtime.errors ?? []).map((e) => [
              e.instancePath,
              e.keyword,
              e.message ?? e.keyword,
              JSON.stringify(e.params),
            ]),
          ),
        );
      }
    }
    expect(docs.filter((d) => runtime(d)).length).toBe(1);
  });

  it("migrates a v1 document to a valid v2 one with the changes not looked up", () => {
    const migrated = migrateV1(toV1(doc));
    expect(migrated.schema_version).toBe(2);
    expect(migrated.changes_before_impact).toBeNull();
    expect(validatePostmortem(migrated)).toEqual({ valid: true });
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

  it.each<[string, (d: PostmortemV2) => void, string]>([
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
      "a schema version other than 1 or 2",
      (d) => {
        (d as { schema_version: number }).schema_version = 3;
      },
      "/schema_version",
    ],
    [
      "suspected without references being strings",
      (d) => {
        d.release_involved = { value: "suspected", references: [""] };
      },
      "/release_involved/references/0",
    ],
    [
      "a change before impact without its time",
      (d) => {
        d.changes_before_impact = {
          window_seconds: 7200,
          changes: [{ id: "c1", service: "checkout", summary: "x", link: null, source: "api" } as never],
        };
      },
      "/changes_before_impact",
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

describe("v1 documents (drafts stored before v2)", () => {
  const v1 = toV1(doc);

  it("still validate, against v1: the schema is chosen by schema_version", () => {
    expect(validatePostmortem(v1)).toEqual({ valid: true });
    expect(assertValidPostmortem(v1)).toBe(v1);
  });

  it("cannot say suspected or carry a changes list: those are v2's", () => {
    const suspected = structuredClone(v1) as unknown as Record<string, unknown>;
    suspected.release_involved = { value: "suspected" };
    const result = validatePostmortem(suspected);
    expect(result.valid).toBe(false);
    if (!result.valid) expect(result.errors.map((e) => e.instancePath)).toContain("/release_involved/value");
    const withChanges = { ...structuredClone(v1), changes_before_impact: null };
    expect(validatePostmortem(withChanges).valid).toBe(false);
    try {
      assertValidPostmortem(suspected);
      expect.unreachable();
    } catch (error) {
      expect((error as Error).message).toContain(POSTMORTEM_SCHEMA_ID_V1);
    }
  });

  it("a v2 document suspecting a release validates against v2", () => {
    const d = structuredClone(doc);
    d.release_involved = { value: "suspected", references: ["01J0000000000000000000000A"] };
    d.changes_before_impact = {
      window_seconds: 7200,
      changes: [
        {
          id: "01J0000000000000000000000A",
          service: "checkout",
          at: "2026-03-14T09:00:00.000Z",
          summary: "deploy v1.2.3",
          link: null,
          source: "api",
        },
      ],
    };
    expect(validatePostmortem(d)).toEqual({ valid: true });
  });
});
