/**
 * `firebreak migrate slack-ids`: one identity per person for incidents recorded before it (role
 * holders and timeline actors stored as Slack ids become directory people;
 * core/incident/identity-migration.ts). Against the running local runtime's table, or `--table`.
 */

import { createDocumentClient } from "@firebreak/core/adapters/dynamodb/client";
import { IncidentStore } from "@firebreak/core/adapters/dynamodb/incident/incident-store";
import { DirectoryStore } from "@firebreak/core/adapters/dynamodb/oncall/store";
import { migrateSlackIdentities } from "@firebreak/core/incident/identity-migration";
import type { Command } from "commander";
import { CliError } from "./cli-error";
import { resolveTableTarget, type TargetOptions, unreachable } from "./directory-cli";

export async function migrateSlackIds(
  options: TargetOptions & { dryRun?: boolean },
  print: (line: string) => void = console.log,
): Promise<void> {
  const target = resolveTableTarget(options);
  const db = createDocumentClient({
    tableName: target.tableName,
    maxAttempts: 3,
    ...(target.endpoint ? { endpoint: target.endpoint } : {}),
  });
  try {
    const directory = (
      await new DirectoryStore(db, target.tableName).get().catch((e) => {
        throw unreachable(target, e);
      })
    )?.applied;
    if (!directory)
      throw new CliError(
        `No on-call directory in table ${target.tableName}: the migration maps Slack ids to its people. Apply one first.`,
      );
    print(
      `${options.dryRun ? "Checking" : "Migrating"} incidents in table ${target.tableName} via ${target.from}…`,
    );
    const report = await migrateSlackIdentities(new IncidentStore(db, target.tableName), directory, {
      ...(options.dryRun ? { dryRun: true } : {}),
      progress: (r) => print(`  ${r.incidents} incidents read, ${r.incidentsChanged} to change so far`),
    });
    const verb = options.dryRun ? "would change" : "changed";
    print(
      `Done: ${report.incidents} incidents read; ${verb} ${report.incidentsChanged} (${report.rolesChanged} role holders, ${report.entriesChanged} timeline entries).`,
    );
    if (options.dryRun && report.incidentsChanged > 0) print("Run it again without --dry-run to write.");
  } finally {
    db.destroy();
  }
}

export function registerMigrateCommands(program: Command): void {
  const migrate = program.command("migrate").description("one-off data migrations");
  migrate
    .command("slack-ids")
    .description(
      "record role holders and timeline actors stored as Slack ids as their directory person (idempotent)",
    )
    .option("--dry-run", "count what would change; write nothing")
    .option("--table <name>", "a table name instead of the running local runtime's")
    .option("--endpoint <url>", "DynamoDB endpoint for --table (omit for AWS)")
    .action(async (options: TargetOptions & { dryRun?: boolean }) => {
      await migrateSlackIds(options);
    });
}
