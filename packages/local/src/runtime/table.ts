/**
 * The table and DynamoDB Local: starting (and supervising) DynamoDB Local unless a test shares
 * one, creating the table or bringing an older one up to date, and the demo on-call directory
 * loaded on first start.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceInUseException,
  UpdateTableCommand,
} from "@aws-sdk/client-dynamodb";
import type { createDocumentClient } from "@firebreak/core/adapters/dynamodb/client";
import { DirectoryStore } from "@firebreak/core/adapters/dynamodb/oncall/store";
import { createTableInput } from "@firebreak/core/adapters/dynamodb/table";
import { applyDirectoryYaml } from "@firebreak/core/oncall/directory-yaml";
import type { Log } from "@firebreak/core/shared/log";
import { startDynamoLocal } from "../dynamo-local";
import type { RuntimeOptions } from "../runtime";
import type { RuntimeDynamo } from "./stop";

const DEMO_DIRECTORY = fileURLToPath(new URL("../../../../examples/directory.yaml", import.meta.url));

/**
 * The options' DynamoDB endpoint, else DynamoDB Local started and supervised: `afterRestart` is
 * what a restart of the JVM must redo (the table, the poller), read when the restart happens.
 */
export async function startDynamo(
  options: RuntimeOptions,
  dataDir: string | null,
  log: Log,
  afterRestart: () => Promise<void>,
): Promise<RuntimeDynamo> {
  if (options.dynamoEndpoint) return { endpoint: options.dynamoEndpoint };
  return startDynamoLocal({
    ...(dataDir ? { dataDir: join(dataDir, "dynamodb") } : {}),
    // A JVM that dies is started again on the same port and data; if it cannot be, the
    // runtime cannot take alarms, so it says why and (npm start) exits non-zero.
    supervise: {
      log,
      onRestarted: () => afterRestart(),
      onFatal: (error) => {
        log.error(error.message);
        options.onFatal?.(error);
      },
    },
  });
}

/**
 * Creates the table, or brings an existing one (a dev's `.firebreak/` from an older checkout) up
 * to the current definition by adding the indexes it lacks.
 */
export async function ensureTable(endpoint: string, tableName: string, log: Log): Promise<void> {
  const client = new DynamoDBClient({
    endpoint,
    region: "local",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
  });
  const wanted = createTableInput(tableName);
  try {
    await client.send(new CreateTableCommand(wanted));
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    const existing = new Set((Table?.GlobalSecondaryIndexes ?? []).map((i) => i.IndexName));
    for (const index of wanted.GlobalSecondaryIndexes) {
      if (existing.has(index.IndexName)) continue;
      log.info(`adding index ${index.IndexName} to ${tableName}`);
      const attributes = new Set<string>(index.KeySchema.map((k) => k.AttributeName));
      await client.send(
        new UpdateTableCommand({
          TableName: tableName,
          AttributeDefinitions: wanted.AttributeDefinitions.filter((a) => attributes.has(a.AttributeName)),
          GlobalSecondaryIndexUpdates: [{ Create: index }],
        }),
      );
    }
  } finally {
    client.destroy();
  }
}

/** Loads the demo on-call directory (the options', else examples/directory.yaml) into an empty table. */
export async function loadDemoDirectory(
  db: ReturnType<typeof createDocumentClient>,
  tableName: string,
  options: RuntimeOptions,
  log: Log,
): Promise<void> {
  const directory = new DirectoryStore(db, tableName, options.clock);
  const demo = options.demoDirectory === undefined ? DEMO_DIRECTORY : options.demoDirectory;
  if (demo && !(await directory.get())) {
    await applyDirectoryYaml(directory, readFileSync(demo, "utf8"));
    log.info(`loaded the demo on-call directory from ${demo}`);
  }
}
