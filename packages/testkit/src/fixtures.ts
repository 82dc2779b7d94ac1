import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));

/** The repository root (this file is `packages/testkit/src/fixtures.ts`). */
export const REPO_ROOT = path.resolve(here, "../../..");

/**
 * `<repo root>/fixtures`: the project's real-format payloads, one folder per sender (see its
 * README). The one loader for them: every test reads fixtures through this module.
 */
export const FIXTURES = path.join(REPO_ROOT, "fixtures");

/** The absolute path of a fixture, e.g. `fixturePath("eventbridge/eb-composite-ok-to-alarm.json")`. */
export function fixturePath(relative: string): string {
  return path.join(FIXTURES, relative);
}

/** A fixture's text as stored, without the trailing newline (raw bodies are signed as they are). */
export function fixtureText(relative: string): string {
  return readFileSync(fixturePath(relative), "utf8").trim();
}

/** A JSON fixture, parsed afresh on every call (tests may change what they get). */
export function fixture<T = unknown>(relative: string): T {
  return JSON.parse(readFileSync(fixturePath(relative), "utf8")) as T;
}

/** The JSON fixtures of one folder, sorted by name. */
export function fixtureNames(folder: string): string[] {
  return readdirSync(fixturePath(folder))
    .filter((f) => f.endsWith(".json"))
    .sort();
}
