/**
 * `firebreak import <source> <files…>`: a team's on-call setup from the tool it is leaving, as a
 * Firebreak directory and a report (core/import). Nothing is written to Firebreak: the output is
 * a plan (`directory.yaml`, `import-report.md`, `import-report.json`) that a person reviews and
 * applies with `firebreak directory apply`.
 *
 * `firebreak import verify <shifts>`: the parallel run. The source's rendered final shifts for a
 * period (its final-shifts JSON, or its iCal feed) against who the imported directory puts on
 * call, hour by hour. Exit code 1 when any hour differs, so a pipeline can run it nightly.
 */

import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import {
  IMPORT_SOURCES,
  type ImportIds,
  type ImportSource,
  renderPlan,
  renderReport,
  SOURCE_LABELS,
  type SourceFile,
  type SourceShifts,
} from "@firebreak/core/import/plan";
import { IMPORTERS } from "@firebreak/core/import/sources";
import { compareShifts, formatVerify, shiftsSpan, type VerifyResult } from "@firebreak/core/import/verify";
import { importedDirectoryYaml } from "@firebreak/core/import/yaml";
import type { Directory } from "@firebreak/core/oncall/directory-types";
import { parseDirectoryYaml } from "@firebreak/core/oncall/directory-yaml";
import { ValidationError } from "@firebreak/core/shared/errors";
import { type Command, InvalidArgumentError } from "commander";
import { CliError } from "./cli-error";
import { validateDirectoryFile } from "./directory-cli";
import { icalShifts, isICalendar } from "./ical-shifts";

/** Files named on the command line; a folder stands for the `.json` files in it. */
function expandFiles(paths: string[]): string[] {
  const out: string[] = [];
  for (const path of paths) {
    let stat: ReturnType<typeof statSync>;
    try {
      stat = statSync(path);
    } catch (error) {
      throw new CliError(
        `Cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      );
    }
    if (stat.isDirectory())
      out.push(
        ...readdirSync(path)
          .filter((f) => f.endsWith(".json"))
          .sort()
          .map((f) => join(path, f)),
      );
    else out.push(path);
  }
  if (out.length === 0) throw new CliError(`No .json files in ${paths.join(", ")}.`);
  return out;
}

function readJson(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new CliError(
      `Cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
  try {
    return JSON.parse(text.replace(/^\uFEFF/, ""));
  } catch (error) {
    throw new CliError(
      `${path} is not JSON (${(error as Error).message}). Save each API response as it was returned, one per file.`,
    );
  }
}

export interface ImportOptions {
  out: string;
  force?: boolean;
}

export interface ImportOutcome {
  directoryFile: string;
  reportFile: string;
  jsonFile: string;
  directory: Directory;
}

export function runImport(
  source: ImportSource,
  paths: string[],
  options: ImportOptions,
  print: (line: string) => void = console.log,
): ImportOutcome {
  const files = expandFiles(paths);
  const out = resolve(options.out);
  const directoryFile = join(out, "directory.yaml");
  const reportFile = join(out, "import-report.md");
  const jsonFile = join(out, "import-report.json");
  if (!options.force)
    for (const file of [directoryFile, reportFile, jsonFile])
      if (existsSync(file))
        throw new CliError(`${file} already exists: pass --force to replace it, or --out <folder>.`);
  print(`Reading ${files.length} ${SOURCE_LABELS[source]} export file${files.length === 1 ? "" : "s"}…`);
  // Paths as the user would type them: relative inside the working folder, absolute outside it.
  const shown = (file: string) => {
    const rel = relative(process.cwd(), resolve(file));
    return rel && !rel.startsWith("..") ? rel : resolve(file);
  };
  const sources: SourceFile[] = files.map((path) => ({ name: shown(path), json: readJson(path) }));
  const result = IMPORTERS[source].import(sources);
  const names = sources.map((f) => f.name);
  const yaml = importedDirectoryYaml(result, names, shown(reportFile));
  mkdirSync(out, { recursive: true });
  writeFileSync(directoryFile, yaml);
  writeFileSync(reportFile, renderReport(result, names));
  writeFileSync(
    jsonFile,
    `${JSON.stringify({ source, files: names, ids: result.ids, report: result.report }, null, 2)}\n`,
  );
  // The same check as `directory apply --check`: what was written must be accepted as it is.
  let directory: Directory;
  try {
    directory = parseDirectoryYaml(yaml);
  } catch (error) {
    if (error instanceof ValidationError)
      throw new CliError(
        `The imported directory does not validate (an importer defect; please report it with the files): ${error.message}\nWritten for inspection: ${shown(directoryFile)}.`,
      );
    throw error;
  }
  print(renderPlan(result, { directory: shown(directoryFile), report: shown(reportFile) }));
  print(
    `Then check it against ${SOURCE_LABELS[source]}'s own shifts: npm run firebreak -- import verify <final shifts or .ics> --directory ${shown(directoryFile)} --map ${shown(jsonFile)}`,
  );
  return { directoryFile, reportFile, jsonFile, directory };
}

export interface VerifyOptions {
  directory: string;
  map?: string;
  rotation?: string[];
  source?: ImportSource;
  from?: Date;
  to?: Date;
  format?: "text" | "json";
}

/** The shifts in `path`: an iCal feed, or any source's final-shifts JSON (`--source` to say which). */
function readShifts(
  path: string,
  source: ImportSource | undefined,
  window?: { from: Date; to: Date },
): SourceShifts {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new CliError(
      `Cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
  if (isICalendar(text)) {
    try {
      return icalShifts(text, window);
    } catch (error) {
      throw new CliError(`${path}: ${(error as Error).message}`);
    }
  }
  const file = { name: path, json: readJson(path) };
  const candidates = source ? [source] : IMPORT_SOURCES;
  for (const s of candidates) {
    const shifts = IMPORTERS[s].shifts(file);
    if (shifts) return shifts;
  }
  throw new CliError(
    `${path} is not an iCal feed nor ${source ? `${SOURCE_LABELS[source]}'s` : "any source's"} final shifts. Expected one of: PagerDuty GET /schedules/{id}?since&until (final_schedule), Opsgenie GET /v2/schedules/{id}/timeline, Grafana OnCall GET /api/v1/schedules/{id}/final_shifts, AWS ssm-contacts list-rotation-shifts, or an .ics feed.`,
  );
}

function readMap(path: string): { ids: ImportIds } {
  const json = readJson(path) as { ids?: ImportIds };
  if (!json || typeof json !== "object" || !json.ids || typeof json.ids.people !== "object")
    throw new CliError(`${path} is not an import-report.json written by \`firebreak import\`.`);
  return json as { ids: ImportIds };
}

export function runVerify(
  shiftsPath: string,
  options: VerifyOptions,
  print: (line: string) => void = console.log,
): VerifyResult {
  const directory = validateDirectoryFile(options.directory);
  const defaultMap = join(resolve(options.directory, ".."), "import-report.json");
  const mapPath = options.map ?? (existsSync(defaultMap) ? defaultMap : undefined);
  const ids = mapPath ? readMap(mapPath).ids : undefined;
  const window = options.from && options.to ? { from: options.from, to: options.to } : undefined;
  const shifts = readShifts(shiftsPath, options.source, window);
  const rotations = directory.teams.flatMap((t) => t.rotations);
  let rotationIds = options.rotation;
  if (!rotationIds || rotationIds.length === 0) {
    const fromMap = shifts.scheduleId !== undefined ? ids?.schedules[shifts.scheduleId] : undefined;
    const named = rotations.filter(
      (r) =>
        shifts.scheduleName !== undefined && (r.id === shifts.scheduleName || r.name === shifts.scheduleName),
    );
    if (fromMap && fromMap.length > 0) rotationIds = fromMap;
    else if (named.length === 1) rotationIds = [named[0]!.id];
    else if (rotations.length === 1) rotationIds = [rotations[0]!.id];
    else
      throw new CliError(
        `Which rotations make this schedule${shifts.scheduleName ? ` ("${shifts.scheduleName}")` : ""}? ${shifts.scheduleId ? `${mapPath ?? "No import-report.json"} does not map schedule ${shifts.scheduleId}. ` : ""}Pass --rotation <id> (repeat it for a schedule of several); the directory has: ${rotations.map((r) => r.id).join(", ")}.`,
      );
  }
  const unknown = rotationIds.filter((id) => !rotations.some((r) => r.id === id));
  if (unknown.length > 0)
    throw new CliError(
      `Unknown rotation ${unknown.map((u) => `"${u}"`).join(", ")} in ${options.directory}; it has: ${rotations.map((r) => r.id).join(", ")}.`,
    );
  const span = shiftsSpan(shifts.shifts);
  const from = options.from ?? span?.from;
  const to = options.to ?? span?.to;
  if (!from || !to)
    throw new CliError(`${shiftsPath} has no shifts: pass --from and --to to compare a period anyway.`);
  if (!(to > from))
    throw new CliError(`--to (${to.toISOString()}) must be after --from (${from.toISOString()}).`);
  const result = compareShifts({
    directory,
    rotationIds,
    shifts: shifts.shifts,
    from,
    to,
    ...(ids ? { peopleIds: ids.people } : {}),
  });
  if (options.format === "json") print(JSON.stringify({ rotations: rotationIds, ...result }, null, 2));
  else {
    print(
      `${shifts.scheduleName ?? shifts.scheduleId ?? shiftsPath} against ${rotationIds.join(" + ")} (${options.directory}):`,
    );
    print(formatVerify(result, new Map(directory.people.map((p) => [p.id, p.name]))));
  }
  return result;
}

const instant = (value: string): Date => {
  const date = new Date(value);
  if (!/^\d{4}-\d{2}-\d{2}T.*(Z|[+-]\d{2}:?\d{2})$/.test(value) || Number.isNaN(date.getTime()))
    throw new InvalidArgumentError(
      'expected an ISO 8601 instant with a zone, such as "2026-03-17T12:00:00Z".',
    );
  return date;
};
const sourceName = (value: string): ImportSource => {
  if (!(IMPORT_SOURCES as readonly string[]).includes(value))
    throw new InvalidArgumentError(`expected one of ${IMPORT_SOURCES.join(", ")}.`);
  return value as ImportSource;
};
const collect = (value: string, previous: string[] = []) => [
  ...previous,
  ...value
    .split(",")
    .map((v) => v.trim())
    .filter(Boolean),
];

export function registerImportCommands(program: Command): void {
  const command = program
    .command("import")
    .description(
      `import an on-call setup from ${IMPORT_SOURCES.join(", ")} (a plan: writes directory.yaml and a report, nothing else)`,
    )
    .argument("<source>", IMPORT_SOURCES.join(" | "))
    .argument("<files...>", "the source's API responses saved as JSON files (or folders of them)")
    .option("--out <folder>", "where to write directory.yaml, import-report.md and import-report.json", ".")
    .option("--force", "replace those files if they exist")
    .action((source: string, files: string[], options: ImportOptions) => {
      if (source === "verify")
        throw new CliError(
          "`import verify` takes one shifts file: npm run firebreak -- import verify <file> --directory directory.yaml",
        );
      let s: ImportSource;
      try {
        s = sourceName(source);
      } catch (error) {
        throw new CliError(`Unknown source "${source}": ${(error as Error).message}`);
      }
      runImport(s, files, options);
    });
  command
    .command("verify")
    .description(
      "compare the source's rendered shifts (final-shifts JSON or an iCal feed) with the imported directory, hour by hour; exit 1 when any hour differs",
    )
    .argument(
      "<shifts>",
      "the source's final shifts for a period: JSON as its API returns it, or an .ics feed",
    )
    .option("--directory <file>", "the directory to compare", "directory.yaml")
    .option("--map <file>", "the import's import-report.json (default: beside --directory)")
    .option("--rotation <id>", "a rotation that makes the schedule (repeat, or comma-separate)", collect)
    .option("--source <source>", "whose final-shifts format the file is in (default: recognised)", sourceName)
    .option("--from <instant>", "start of the period (default: the first shift)", instant)
    .option("--to <instant>", "end of the period (default: the last shift's end)", instant)
    .option(
      "--format <format>",
      "text or json",
      (v) => {
        if (v !== "text" && v !== "json") throw new InvalidArgumentError("expected text or json.");
        return v;
      },
      "text",
    )
    .action((shifts: string, options: VerifyOptions) => {
      const result = runVerify(shifts, options);
      const n = result.differing.length;
      // Exit 1 (a CliError's code) so that a nightly parallel run fails when the two disagree.
      if (n > 0) throw new CliError(`${n} hour${n === 1 ? "" : "s"} differ.`);
    });
}
