import { describe, expect, it } from "vitest";
import { exportBucketFromEnv, exportKeys } from "./export";

describe("export settings", () => {
  it("is off when FIREBREAK_POSTMORTEM_BUCKET is unset or empty, and validates a bucket name", () => {
    expect(exportBucketFromEnv({})).toBeUndefined();
    expect(exportBucketFromEnv({ FIREBREAK_POSTMORTEM_BUCKET: " " })).toBeUndefined();
    expect(exportBucketFromEnv({ FIREBREAK_POSTMORTEM_BUCKET: "acme-postmortems.eu" })).toBe(
      "acme-postmortems.eu",
    );
    for (const bad of ["Acme", "ab", "a..b", "-abc", "abc-", "192.168.1.1", "a_b", "x".repeat(64)]) {
      expect(() => exportBucketFromEnv({ FIREBREAK_POSTMORTEM_BUCKET: bad }), bad).toThrow(
        /FIREBREAK_POSTMORTEM_BUCKET: ".*" is not an S3 bucket name/,
      );
    }
  });

  it("names keys by incident number and version", () => {
    expect(exportKeys(42, 3)).toEqual({
      markdown: "postmortems/INC-42/v3.md",
      metadata: "postmortems/INC-42/v3.json",
    });
  });
});
