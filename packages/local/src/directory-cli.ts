/**
 * `firebreak directory apply <file.yaml>` and `firebreak directory show`: the on-call directory as
 * code, against the running local runtime (or any table given with --table / --endpoint).
 *
 * Where it writes: the CLI talks to the table directly, through `DirectoryStore` (the same code
 * the runtime reads with), not through an HTTP route. `npm start` publishes where its data lives
 * in `<FIREBREAK_DATA_DIR>/runtime.json` (`dynamoEndpoint`, `tableName`, `pid`), and removes the
 * file when it stops. `--table <name>` without `--endpoint` uses the AWS SDK's default
 * credentials and region, i.e. a deployed stage's table.
 */

import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { createDocumentClient } from "@firebreak/core/adapters/dynamodb/client";
import { HeartbeatStore } from "@firebreak/core/adapters/dynamodb/heartbeats/store";
import { DirectoryStore } from "@firebreak/core/adapters/dynamodb/oncall/store";
import { heartbeatView } from "@firebreak/core/heartbeats/actions";
import type { Heartbeat } from "@firebreak/core/heartbeats/heartbeat";
import {
  COVERAGE_DAYS,
  type CoverageReport,
  coverageGaps,
  formatCoverageGap,
} from "@firebreak/core/oncall/coverage";
import type { Directory } from "@firebreak/core/oncall/directory-types";
import { parseDirectoryYaml } from "@firebreak/core/oncall/directory-yaml";
import { misfitOverrides } from "@firebreak/core/oncall/shift-overrides";
import { formatOnCallSummary, onCallSummary } from "@firebreak/core/oncall/show";
import type { StoredDirectory } from "@firebreak/core/oncall/stored-directory";
import { type Clock, systemClock } from "@firebreak/core/shared/clock";
import { ValidationError, VersionConflictError } from "@firebreak/core/shared/errors";
import { type Command, InvalidArgumentError } from "commander";
import { CliError } from "./cli-error";
import { formatHeartbeat } from "./heartbeat-cli";
import { registerVerifyCommand, showPerson, unverifiedSummary } from "./person-cli";

export interface TableTarget {
  tableName: string;
  /** DynamoDB endpoint (DynamoDB Local); undefined means AWS. */
  endpoint?: string;
  /** Where the target came from, for messages. */
  from: string;
}

export interface TargetOptions {
  table?: string;
  endpoint?: string;
}

function dataDir(): string {
  return resolve(process.env.FIREBREAK_DATA_DIR ?? ".firebreak");
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The table to use: --table/--endpoint, else the running local runtime's (runtime.json). */
export function resolveTableTarget(options: TargetOptions): TableTarget {
  if (options.table) {
    return {
      tableName: options.table,
      ...(options.endpoint ? { endpoint: options.endpoint } : {}),
      from: options.endpoint ? `--endpoint ${options.endpoint}` : "AWS (default credentials and region)",
    };
  }
  if (options.endpoint) throw new CliError("--endpoint needs --table <name> too.");
  const file = resolve(dataDir(), "runtime.json");
  const start =
    "Start Firebreak with `npm start` in another terminal, or pass --table <name> [--endpoint <url>].";
  if (!existsSync(file)) throw new CliError(`Nothing is running: ${file} does not exist. ${start}`);
  let info: { pid?: unknown; dynamoEndpoint?: unknown; tableName?: unknown };
  try {
    info = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new CliError(`Cannot read ${file}: ${(error as Error).message}. ${start}`);
  }
  if (typeof info.pid === "number" && !alive(info.pid))
    throw new CliError(
      `Nothing is running: the local runtime that wrote ${file} (pid ${info.pid}) has exited. ${start}`,
    );
  if (typeof info.dynamoEndpoint !== "string" || typeof info.tableName !== "string")
    throw new CliError(`${file} does not say where the table is (an older runtime?): restart \`npm start\`.`);
  return { tableName: info.tableName, endpoint: info.dynamoEndpoint, from: `the local runtime (${file})` };
}

export function storeFor(target: TableTarget, clock?: Clock): DirectoryStore {
  const db = createDocumentClient({
    tableName: target.tableName,
    maxAttempts: 2,
    ...(target.endpoint ? { endpoint: target.endpoint } : {}),
  });
  return new DirectoryStore(db, target.tableName, clock);
}

/** SDK and network errors as one clear line. */
export function unreachable(target: TableTarget, error: unknown): CliError {
  const e = error as Error & { code?: string };
  const where = target.endpoint ? `DynamoDB at ${target.endpoint}` : "DynamoDB on AWS";
  if (e.name === "ResourceNotFoundException")
    return new CliError(`Table ${target.tableName} does not exist in ${where}.`);
  if (e.code === "ECONNREFUSED" || e.name === "TimeoutError" || /ECONNREFUSED|socket hang up/.test(e.message))
    return new CliError(
      `Could not reach ${where} (${e.code ?? e.name}). Is \`npm start\` still running? It publishes its endpoint in runtime.json.`,
    );
  return new CliError(`${where} refused the request: ${e.name}: ${e.message}`);
}

function counts(directory: Directory): string {
  const rotations = directory.teams.reduce((n, t) => n + t.rotations.length, 0);
  const policies = directory.escalationPolicies.length;
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
  return [
    plural(directory.people.length, "person").replace("persons", "people"),
    plural(directory.teams.length, "team"),
    plural(rotations, "rotation"),
    plural(policies, "named escalation policy").replace("policys", "policies"),
  ].join(", ");
}

/** Validates `file`; nothing is written when any problem is found. */
export function validateDirectoryFile(file: string): Directory {
  let source: string;
  try {
    source = readFileSync(file, "utf8");
  } catch (error) {
    throw new CliError(
      `Cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
  try {
    return parseDirectoryYaml(source);
  } catch (error) {
    if (error instanceof ValidationError)
      throw new CliError(`${file}: ${error.message}\nNothing was written.`);
    throw error;
  }
}

export interface ApplyOptions extends TargetOptions {
  /** "Now", for which shift overrides have ended (tests pin it); the system clock by default. */
  clock?: Clock;
  check?: boolean;
  /** Refuse a directory with coverage gaps (coverage.ts) instead of warning about them. */
  strict?: boolean;
  /** Where the coverage window starts (default: now). */
  at?: Date;
  expectedVersion?: number;
}

/** At most this many gaps are printed by `directory apply`; `directory coverage` lists them all. */
const GAPS_SHOWN = 15;

/** Prints a coverage report; `limit` cuts the list (saying how many more there are). */
function printCoverage(
  report: CoverageReport,
  print: (line: string) => void,
  limit = Number.POSITIVE_INFINITY,
) {
  const { gaps } = report;
  if (gaps.length === 0) {
    print(
      `  coverage: every escalation level reaches someone who can be paged, ${report.from} → ${report.to}.`,
    );
    return;
  }
  print(
    `  ⚠ ${gaps.length} coverage gap${gaps.length === 1 ? "" : "s"} ${report.from} → ${report.to}: a page then would reach nobody at that level.`,
  );
  for (const gap of gaps.slice(0, limit)) print(`    ${formatCoverageGap(gap)}`);
  if (gaps.length > limit)
    print(`    … and ${gaps.length - limit} more: npm run firebreak -- directory coverage lists them all.`);
}

export async function applyDirectoryFile(
  file: string,
  options: ApplyOptions,
  print: (line: string) => void = console.log,
): Promise<StoredDirectory | undefined> {
  print(`Validating ${file}…`);
  const directory = validateDirectoryFile(file);
  print(`  valid: ${counts(directory)}.`);
  const coverage = coverageGaps(directory, options.at ?? (options.clock ?? systemClock).now());
  printCoverage(coverage, print, GAPS_SHOWN);
  if (options.strict && coverage.gaps.length > 0)
    throw new CliError(
      `Refused (--strict): ${coverage.gaps.length} coverage gap${coverage.gaps.length === 1 ? "" : "s"} in the next ${COVERAGE_DAYS} days.\nNothing was written.`,
    );
  if (options.check) {
    print("Checked only (--check): nothing was written.");
    return undefined;
  }
  const target = resolveTableTarget(options);
  print(`Writing to table ${target.tableName} via ${target.from}…`);
  const store = storeFor(target, options.clock);
  try {
    const before = await store.get();
    const stored = await store.apply(directory, options.expectedVersion, {
      actor: { type: "user", id: process.env.USER ?? "cli", name: "firebreak directory apply" },
    });
    print(
      `Applied: on-call directory version ${stored.version}${before ? ` (was ${before.version})` : " (the first)"}.`,
    );
    // Runtime shift overrides are kept beside it: never dropped silently, even when they no longer fit.
    const misfits = misfitOverrides(directory, stored.overrides ?? []);
    for (const { override, reason } of misfits)
      print(
        `  ⚠ ${override.id} (${override.personId} in ${override.rotationId}, ${override.from} → ${override.to}) no longer fits: ${reason}. It is not applied; cancel it with DELETE /api/oncall/overrides/${override.id} or /incident cover cancel ${override.id}.`,
      );
    const kept = (stored.overrides?.length ?? 0) - misfits.length;
    if (kept > 0)
      print(
        `  ${kept} shift override${kept === 1 ? "" : "s"} still ${kept === 1 ? "applies" : "apply"} (directory show lists them).`,
      );
    const unverified = coverageGaps(
      stored.directory,
      options.at ?? (options.clock ?? systemClock).now(),
      COVERAGE_DAYS,
      {
        verification: stored.contacts ?? {},
      },
    ).gaps.filter((g) => g.reason === "unverified_method");
    const people = [...new Set(unverified.flatMap((g) => (g.person ? [g.person] : [])))];
    if (people.length > 0) {
      // Warned, never refused (--strict included): a person is added before they can verify.
      print(
        `  ⚠ ${people.length} ${people.length === 1 ? "person is" : "people are"} on call in the next ${COVERAGE_DAYS} days with no verified contact method (${unverified.length} gap${unverified.length === 1 ? "" : "s"}): ${people.join(", ")}.`,
      );
      print(
        "    Each verifies: npm run firebreak -- directory verify --person <id> --method sms|slack|voice (directory coverage lists the gaps)",
      );
    }
    print("See who is on call now: npm run firebreak -- directory show");
    return stored;
  } catch (error) {
    if (error instanceof ValidationError || error instanceof VersionConflictError)
      throw new CliError(`${(error as Error).message}\nNothing was written.`);
    throw unreachable(target, error);
  } finally {
    store.db.destroy();
  }
}

/** The stored directory (and what `alsoRead` reads beside it, in parallel); a clear error when there is none. */
export async function readStored<T>(
  target: TableTarget,
  clock: Clock | undefined,
  alsoRead: (store: DirectoryStore) => Promise<T>,
): Promise<{ stored: StoredDirectory; extra: T }> {
  const store = storeFor(target, clock);
  let stored: StoredDirectory | undefined;
  let extra: T;
  try {
    [stored, extra] = await Promise.all([store.get(), alsoRead(store)]);
  } catch (error) {
    throw unreachable(target, error);
  } finally {
    store.db.destroy();
  }
  if (!stored)
    throw new CliError(
      `No on-call directory in table ${target.tableName} yet. Apply one: npm run firebreak -- directory apply examples/directory.yaml`,
    );
  return { stored, extra };
}

export interface CoverageOptions extends TargetOptions {
  at?: Date;
  days?: number;
  clock?: Clock;
  format?: "table" | "json";
}

/** The stored directory's coverage gaps, with the live runtime shift overrides applied. */
export async function showCoverage(
  options: CoverageOptions,
  print: (line: string) => void = console.log,
): Promise<CoverageReport> {
  const target = resolveTableTarget(options);
  const { stored } = await readStored(target, options.clock, async () => undefined);
  const report = coverageGaps(
    stored.directory,
    options.at ?? (options.clock ?? systemClock).now(),
    options.days ?? COVERAGE_DAYS,
    { verification: stored.contacts ?? {} },
  );
  if (options.format === "json") print(JSON.stringify(report, null, 2));
  else {
    print(
      `Directory version ${stored.version} (table ${target.tableName}), with its live shift overrides and verified contact methods:`,
    );
    printCoverage(report, print);
  }
  if (report.gaps.length > 0)
    throw new CliError(`${report.gaps.length} coverage gap${report.gaps.length === 1 ? "" : "s"}.`);
  return report;
}

export interface ShowOptions extends TargetOptions {
  at?: Date;
  clock?: Clock;
  format?: "table" | "json";
  /** One person instead of the summary: contact methods, rotations, notification rules. */
  person?: string;
}

export async function showDirectory(
  options: ShowOptions,
  print: (line: string) => void = console.log,
): Promise<void> {
  const target = resolveTableTarget(options);
  const { stored, extra } = await readStored(target, options.clock, (store) =>
    new HeartbeatStore(store.db, target.tableName).list(),
  );
  if (options.person)
    return showPerson(stored, options.person, options.format, print, (options.clock ?? systemClock).now());
  const heartbeats: Heartbeat[] = extra ?? [];
  const summary = onCallSummary(stored.directory, options.at ?? (options.clock ?? systemClock).now());
  const overrides = stored.overrides ?? [];
  if (options.format === "json") {
    print(
      JSON.stringify(
        {
          version: stored.version,
          updatedAt: stored.updatedAt,
          ...summary,
          overrides,
          heartbeats: heartbeats.map(heartbeatView),
        },
        null,
        2,
      ),
    );
    return;
  }
  print(`Directory version ${stored.version}, applied ${stored.updatedAt} (table ${target.tableName}).`);
  print(formatOnCallSummary(summary).trimEnd());
  print(unverifiedSummary(stored, (options.clock ?? systemClock).now()));
  if (overrides.length > 0) {
    const misfit = new Map(
      misfitOverrides(stored.applied ?? stored.directory, overrides).map((m) => [m.override.id, m.reason]),
    );
    print("");
    print(`Shift overrides (${overrides.length}, made at runtime; they expire on their own):`);
    for (const o of overrides)
      print(
        `  ${o.id}  ${o.personId} on call in ${o.rotationId}  ${o.from} → ${o.to}  by ${o.createdBy.name ?? o.createdBy.id}${o.reason ? `  (${o.reason})` : ""}${misfit.has(o.id) ? `  ⚠ not applied: ${misfit.get(o.id)}` : ""}`,
      );
  }
  if (heartbeats.length > 0) {
    print("");
    print(`Heartbeats (${heartbeats.length}):`);
    for (const h of heartbeats) print(`  ${formatHeartbeat(heartbeatView(h))}`);
  }
}

const days = (value: string): number => {
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 31)
    throw new InvalidArgumentError("expected a whole number of days from 1 to 31.");
  return Number(value);
};
const instant = (value: string): Date => {
  const date = new Date(value);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(value) || Number.isNaN(date.getTime()))
    throw new InvalidArgumentError('expected an ISO 8601 instant such as "2026-03-17T12:00:00Z".');
  return date;
};
const version = (value: string): number => {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError("expected a whole number (0: no directory yet).");
  return Number(value);
};
const showFormat = (value: string) => {
  if (value !== "table" && value !== "json") throw new InvalidArgumentError("expected table or json.");
  return value;
};

export function registerDirectoryCommands(program: Command): void {
  const directory = program.command("directory").description("the on-call directory as code");
  const withTarget = (cmd: Command) =>
    cmd
      .option("--table <name>", "a table name instead of the running local runtime's")
      .option("--endpoint <url>", "DynamoDB endpoint for --table (omit for AWS)");
  withTarget(
    directory
      .command("apply")
      .argument("<file>", "the directory YAML, e.g. examples/directory.yaml")
      .description("validate a directory file and make it the current one (nothing is written on any error)")
      .option("--check", "validate only; write nothing")
      .option(
        "--strict",
        `refuse a directory with coverage gaps in the next ${COVERAGE_DAYS} days (unverified contact methods are only warned about)`,
      )
      .option("--at <instant>", "check coverage from this instant instead of now", instant)
      .option("--expected-version <n>", "apply only if the stored directory is at this version", version),
  ).action(async (file: string, options: ApplyOptions) => {
    await applyDirectoryFile(file, options);
  });
  withTarget(
    directory
      .command("coverage")
      .description(
        `list the times in the next ${COVERAGE_DAYS} days at which an escalation level would page nobody (runtime shift overrides included); exit 1 when there are any`,
      )
      .option("--at <instant>", "start the window here instead of now", instant)
      .option(
        "--days <n>",
        `the window's length in days (1–31, default ${COVERAGE_DAYS})`,
        days,
        COVERAGE_DAYS,
      )
      .option("--format <format>", "table or json", showFormat, "table"),
  ).action(async (options: CoverageOptions) => {
    await showCoverage(options);
  });
  withTarget(
    directory
      .command("show")
      .description("print who is on call per service: IC (level 1), level 2 and comms")
      .option("--at <instant>", "an ISO 8601 instant instead of now", instant)
      .option("--person <id>", "one person: contact methods, rotations and notification rules")
      .option("--format <format>", "table or json", showFormat, "table"),
  ).action(async (options: ShowOptions) => {
    await showDirectory(options);
  });
  registerVerifyCommand(directory, withTarget);
}
