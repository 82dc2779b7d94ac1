import { randomUUID } from "node:crypto";
import { inject } from "vitest";
import { type RuntimeOptions, startLocalRuntime } from "../../src/runtime";

/**
 * A local runtime for one test file: an ephemeral port, no data folder, no dashboard, the suite's
 * DynamoDB Local and a table of its own (named `<name>-<random>`, so files never share one).
 */
export function startTestRuntime(name: string, options: Partial<RuntimeOptions> = {}) {
  return startLocalRuntime({
    port: 0,
    dataDir: null,
    webDir: null,
    dynamoEndpoint: inject("dynamoEndpoint"),
    tableName: `${name}-${randomUUID().slice(0, 8)}`,
    ...options,
  });
}
