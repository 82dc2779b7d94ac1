import { Agent as HttpAgent } from "node:http";
import { Agent } from "node:https";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { NodeHttpHandler } from "@smithy/node-http-handler";

export interface DynamoConfig {
  tableName: string;
  /** Set for DynamoDB Local; unset on AWS. */
  endpoint?: string;
  region?: string;
  /** SDK attempts per call (throttling and 5xx are retried with backoff by the SDK). */
  maxAttempts?: number;
  /** Lets tests inject faults at the HTTP level while the real SDK code runs. */
  requestHandler?: NodeHttpHandler;
}

export function createDocumentClient(config: DynamoConfig): DynamoDBDocumentClient {
  const local = Boolean(config.endpoint);
  const client = new DynamoDBClient({
    endpoint: config.endpoint,
    region: config.region ?? process.env.AWS_REGION ?? (local ? "local" : undefined),
    maxAttempts: config.maxAttempts ?? 5,
    ...(local ? { credentials: { accessKeyId: "local", secretAccessKey: "local" } } : {}),
    requestHandler:
      config.requestHandler ??
      new NodeHttpHandler({
        httpAgent: new HttpAgent({ keepAlive: true, maxSockets: 64 }),
        httpsAgent: new Agent({ keepAlive: true, maxSockets: 64 }),
        connectionTimeout: 2000,
        requestTimeout: 5000,
      }),
  });
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
}
