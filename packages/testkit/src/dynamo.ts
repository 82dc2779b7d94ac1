import { Readable } from "node:stream";
import { CreateTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import {
  type DynamoDBDocumentClient,
  GetCommand,
  type GetCommandOutput,
  QueryCommand,
  type QueryCommandOutput,
  UpdateCommand,
  type UpdateCommandInput,
} from "@aws-sdk/lib-dynamodb";
import { createDocumentClient } from "@firebreak/core/adapters/dynamodb/client";
import { IncidentStore } from "@firebreak/core/adapters/dynamodb/incident/incident-store";
import { createTableInput } from "@firebreak/core/adapters/dynamodb/table";
import type { HttpRequest } from "@smithy/core/protocols";
import { HttpResponse } from "@smithy/core/protocols";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { inject } from "vitest";

let counter = 0;

/**
 * Appends the name of every command `db` sends (`GetItemCommand`, …) to `log`, in the order sent,
 * until the returned function is called.
 */
export function recordCommands(db: DynamoDBDocumentClient, log: string[]): () => void {
  const name = `record-commands-${++counter}`;
  db.middlewareStack.add(
    (next, context) => async (args) => {
      log.push(context.commandName ?? "?");
      return next(args);
    },
    { step: "initialize", name },
  );
  return () => {
    db.middlewareStack.remove(name);
  };
}

/** A fresh table on the shared DynamoDB Local of this test run. */
export async function createTestTable(prefix = "t"): Promise<{ tableName: string; endpoint: string }> {
  const endpoint = inject("dynamoEndpoint");
  const tableName = `${prefix}-${process.pid}-${Date.now()}-${counter++}`;
  const client = new DynamoDBClient({
    endpoint,
    region: "local",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
  });
  await client.send(new CreateTableCommand(createTableInput(tableName)));
  client.destroy();
  return { tableName, endpoint };
}

export function storeFor(table: { tableName: string; endpoint: string }, requestHandler?: FaultyHandler) {
  return new IncidentStore(
    createDocumentClient({ tableName: table.tableName, endpoint: table.endpoint, requestHandler }),
    table.tableName,
  );
}

/**
 * The items of one partition, those whose sort key begins with `skPrefix` when given: one Query
 * sent straight to the table, for tests that look at what a use case wrote.
 */
export async function partitionItems(
  db: DynamoDBDocumentClient,
  tableName: string,
  pk: string,
  skPrefix?: string,
): Promise<QueryCommandOutput["Items"]> {
  const out = await db.send(
    new QueryCommand({
      TableName: tableName,
      KeyConditionExpression: skPrefix === undefined ? "pk = :pk" : "pk = :pk AND begins_with(sk, :sk)",
      ExpressionAttributeValues: skPrefix === undefined ? { ":pk": pk } : { ":pk": pk, ":sk": skPrefix },
    }),
  );
  return out.Items;
}

/** One item by its key, read straight from the table (undefined: there is none). */
export async function getItem(
  db: DynamoDBDocumentClient,
  tableName: string,
  key: Record<string, unknown>,
): Promise<GetCommandOutput["Item"]> {
  return (await db.send(new GetCommand({ TableName: tableName, Key: key }))).Item;
}

/** An UpdateItem sent straight to the table: a test's stand-in for another writer. */
export async function updateItem(db: DynamoDBDocumentClient, input: UpdateCommandInput): Promise<void> {
  await db.send(new UpdateCommand(input));
}

export type Fault = "throttle" | "500" | "timeout";

/**
 * Injects faults at the HTTP level: the real SDK (and its retry strategy) sees a real DynamoDB
 * error response. `plan(n, target)` decides, per request, whether request n fails and how.
 */
export class FaultyHandler extends NodeHttpHandler {
  requests = 0;
  injected: { n: number; target: string; fault: Fault }[] = [];
  constructor(private readonly plan: (n: number, target: string) => Fault | undefined) {
    super({ requestTimeout: 2000 });
  }

  override async handle(request: HttpRequest, options?: { abortSignal?: AbortSignal }) {
    const n = this.requests++;
    const target =
      String(request.headers["x-amz-target"] ?? "")
        .split(".")
        .pop() ?? "";
    const fault = this.plan(n, target);
    if (!fault) return super.handle(request, options);
    this.injected.push({ n, target, fault });
    if (fault === "timeout") {
      const error = new Error("socket timed out (injected)");
      error.name = "TimeoutError";
      throw error;
    }
    const throttled = fault === "throttle";
    const body = JSON.stringify({
      __type: throttled
        ? "com.amazonaws.dynamodb.v20120810#ThrottlingException"
        : "com.amazonaws.dynamodb.v20120810#InternalServerError",
      message: throttled
        ? "Rate of requests exceeds the allowed throughput (injected)"
        : "Internal error (injected)",
    });
    return {
      response: new HttpResponse({
        statusCode: throttled ? 400 : 500,
        headers: { "content-type": "application/x-amz-json-1.0" },
        body: Readable.from([Buffer.from(body)]),
      }),
    };
  }
}
