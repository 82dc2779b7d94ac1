/**
 * Vitest setup file (every project, see vitest.config.ts): every fast-check property runs with one
 * known seed, so a run is reproducible and a failure can be replayed.
 *
 * - The seed is FIREBREAK_FC_SEED when set (an integer), else DEFAULT_FC_SEED.
 * - fast-check's own failure message keeps the seed and the counterexample path
 *   (`{ seed: …, path: "…", endOnFailure: true }`), with the assertion that failed as its `cause`.
 * - When a property fails, this file also prints how to run that test again with the same seed.
 *
 * To explore other inputs: FIREBREAK_FC_SEED=$RANDOM npx vitest run <file>.
 */
import { relative } from "node:path";
import fc from "fast-check";
import { beforeEach } from "vitest";

export const DEFAULT_FC_SEED = 20_261_203;

/** The seed from FIREBREAK_FC_SEED, else the default; refuses anything but a 32-bit integer. */
export function fastCheckSeed(env: Record<string, string | undefined> = process.env): number {
  const raw = env.FIREBREAK_FC_SEED?.trim();
  if (!raw) return DEFAULT_FC_SEED;
  const seed = Number(raw);
  if (!Number.isInteger(seed) || seed < -(2 ** 31) || seed >= 2 ** 32)
    throw new Error(`FIREBREAK_FC_SEED must be a 32-bit integer, got "${raw}"`);
  return seed;
}

const seed = fastCheckSeed();
fc.configureGlobal({ ...fc.readConfigureGlobal(), seed });

/** fast-check's failure message: "Property failed after N tests\n{ seed: S, path: "P", … }". */
const PROPERTY_FAILED = /Property failed after \d+ tests\s*\{ seed: (-?\d+), path: "([^"]*)"/;

beforeEach((context) => {
  context.onTestFailed(({ task }) => {
    for (const error of task.result?.errors ?? []) {
      const found = PROPERTY_FAILED.exec(error.message ?? "");
      if (!found) continue;
      const file = relative(process.cwd(), task.file.filepath);
      const project = task.file.projectName ? ` --project ${task.file.projectName}` : "";
      // -t takes a regular expression: escape the name, then quote it for the shell.
      const pattern = task.name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace(/'/g, "'\\''");
      console.error(
        [
          `fast-check property failed with seed ${found[1]} (path "${found[2]}").`,
          `Reproduce: FIREBREAK_FC_SEED=${found[1]} npx vitest run ${file}${project} -t '${pattern}'`,
        ].join("\n"),
      );
    }
  });
});
