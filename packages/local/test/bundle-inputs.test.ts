/**
 * What each Lambda bundle must not carry (bundled as `sst deploy` does: bench/bundles.ts): readers
 * of postmortems bundle no linter or schema validator, only directory writes bundle `yaml`, and an
 * API handler bundles only the route groups it serves (infra/routes.ts sends it their routes).
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";
import { describe, expect, it } from "vitest";
import { sstBuildOptions } from "../bench/bundles";

const FUNCTIONS_SRC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../functions/src");

const YAML = "node_modules/yaml/";
const VALIDATOR = "packages/core/src/postmortem/schema-validator.generated.js";
const LINT = "packages/core/src/postmortem/lint.ts";
const GENERATOR = "packages/core/src/postmortem/generate.ts";
const ZOD_CLASSIC = "node_modules/zod/v4/classic/";
const ZOD_ENGLISH = "node_modules/zod/v4/locales/en.js";
const ZOD_OTHER_LOCALES = /node_modules\/zod\/v4\/locales\/(?!en\.js)/;
const group = (name: string) => `packages/functions/src/api/routes/${name}.ts`;

/** Bundle → inputs it must include, and inputs (prefixes) it must not. */
const EXPECTED: Record<string, { has: string[]; not: string[] }> = {
  api: {
    has: [group("main")],
    not: [YAML, VALIDATOR, LINT, group("postmortem-edit"), group("directory-edit"), group("ack-links")],
  },
  "api-postmortem": {
    has: [group("postmortem-edit"), VALIDATOR, LINT],
    not: [YAML, GENERATOR, group("main"), group("directory-edit"), group("ack-links")],
  },
  "api-directory": {
    has: [group("directory-edit"), YAML],
    not: [VALIDATOR, LINT, group("main"), group("postmortem-edit"), group("ack-links")],
  },
  postmortem: { has: [GENERATOR, VALIDATOR], not: [YAML] },
  "slack-worker": { has: [], not: [YAML, VALIDATOR, LINT, GENERATOR] },
  slack: { has: [], not: [YAML, VALIDATOR, LINT, GENERATOR] },
};

async function inputsOf(name: string): Promise<string[]> {
  const result = await esbuild.build({
    ...sstBuildOptions(path.join(FUNCTIONS_SRC, `${name}.ts`), path.join("/tmp", `${name}.mjs`)),
    write: false,
  });
  const output = Object.values(result.metafile?.outputs ?? {})[0];
  return Object.entries(output?.inputs ?? {})
    .filter(([, input]) => input.bytesInOutput > 0)
    .map(([input]) => input);
}

describe("Lambda bundle inputs", () => {
  for (const [name, { has, not }] of Object.entries(EXPECTED)) {
    it(`${name} bundles ${has.length ? has.map((h) => path.basename(h)).join(", ") : "its own code"} and none of ${not.map((n) => path.basename(n)).join(", ")}`, {
      timeout: 60_000,
    }, async () => {
      const inputs = await inputsOf(name);
      expect(inputs.length).toBeGreaterThan(10);
      for (const input of has)
        expect(
          inputs.some((i) => i.startsWith(input)),
          `${name} has ${input}`,
        ).toBe(true);
      for (const input of not)
        expect(
          inputs.filter((i) => i.startsWith(input)),
          `${name} lacks ${input}`,
        ).toEqual([]);
    });
  }

  // zod/mini instead of the classic API (~75 KB less per bundle), with English messages only.
  for (const name of ["alarm-ingest", "outbox", "pager", "escalation", "ack", "api", "api-directory"]) {
    it(`${name} bundles zod/mini with its English locale, not zod's classic API or other locales`, {
      timeout: 60_000,
    }, async () => {
      const inputs = await inputsOf(name);
      expect(inputs.filter((i) => i.startsWith(ZOD_CLASSIC))).toEqual([]);
      expect(inputs.filter((i) => ZOD_OTHER_LOCALES.test(i))).toEqual([]);
      expect(inputs).toContain(ZOD_ENGLISH);
    });
  }
});
