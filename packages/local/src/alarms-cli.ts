/**
 * `firebreak alarms ignored`: the alarms that open no incident (auto-scaling alarms, composites
 * whose actions are suppressed, alarms tagged firebreak:ignore=true; core/alarm/ignore.ts), each
 * with how many transitions were ignored and the last one. Reads the running local runtime's
 * table, or `--table` (with `--endpoint`, or AWS's default credentials: a deployed table).
 */

import { type IgnoredAlarm, IgnoredAlarmStore } from "@firebreak/core/adapters/dynamodb/alarm/ignored-store";
import { createDocumentClient } from "@firebreak/core/adapters/dynamodb/client";
import type { Command } from "commander";
import { CliError } from "./cli-error";
import { resolveTableTarget, type TargetOptions } from "./directory-cli";

export function formatIgnoredAlarms(items: readonly IgnoredAlarm[]): string[] {
  if (items.length === 0) return ["No ignored alarms."];
  return items.map(
    (a) =>
      `${a.lastSeenAt}  ${a.kind.padEnd(12)}  ×${String(a.count).padEnd(5)} ${a.lastState.padEnd(17)} ${a.name}  (${a.account}/${a.region}): ${a.reason}`,
  );
}

export function registerAlarmCommands(program: Command): void {
  const alarms = program.command("alarms").description("alarms Firebreak receives but does not page for");
  alarms
    .command("ignored")
    .description(
      "list the alarms that open no incident (auto-scaling, suppressed composites, firebreak:ignore=true), with counts",
    )
    .option("--table <name>", "a table other than the running local runtime's")
    .option("--endpoint <url>", "the DynamoDB endpoint of --table (default: AWS)")
    .option("--format <format>", "table or json", "table")
    .action(async (options: TargetOptions & { format: string }) => {
      if (options.format !== "table" && options.format !== "json")
        throw new CliError(`--format: expected table or json, got "${options.format}".`);
      const target = resolveTableTarget(options);
      const db = createDocumentClient({
        tableName: target.tableName,
        ...(target.endpoint ? { endpoint: target.endpoint } : {}),
        maxAttempts: 2,
      });
      try {
        const items = await new IgnoredAlarmStore(db, target.tableName).list();
        if (options.format === "json") console.log(JSON.stringify(items, null, 2));
        else for (const line of formatIgnoredAlarms(items)) console.log(line);
      } catch (error) {
        throw new CliError(
          `Could not read ${target.tableName} (${target.from}): ${(error as Error).message}`,
        );
      } finally {
        db.destroy();
      }
    });
}
