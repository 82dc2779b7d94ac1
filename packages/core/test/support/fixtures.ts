import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
/** `../shared/fixtures` beside the repository: real-format payloads shared by the project. */
export const SHARED_FIXTURES = path.resolve(here, "../../../../../shared/fixtures");

export function sharedFixture<T = unknown>(relative: string): T {
  return JSON.parse(readFileSync(path.join(SHARED_FIXTURES, relative), "utf8")) as T;
}

export function sharedFixtureNames(folder: string): string[] {
  return readdirSync(path.join(SHARED_FIXTURES, folder))
    .filter((f) => f.endsWith(".json"))
    .sort();
}
