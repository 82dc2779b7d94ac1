/**
 * A local runtime in a process of its own, for tests that `kill -9` it:
 *   node --import tsx runtime-child.ts <dataDir> <tableName> <dynamoEndpoint>
 * It prints `READY <url> <eventsToken>` once it listens, and `PAGED INC-<n>` for each SMS page its
 * fake SNS receives, before the fake answers the SDK (a pipe write is synchronous on Linux), so a
 * page sent just before the kill is not lost from the count. The clock is the tests' pinned one:
 * who is on call never depends on today's date.
 */
import type { Log } from "@firebreak/core/shared/log";
import { testClock } from "@firebreak/testkit/clock";
import { startLocalRuntime } from "../../src/runtime";

const [dataDir, tableName, dynamoEndpoint] = process.argv.slice(2);
if (!dataDir || !tableName || !dynamoEndpoint) {
  console.error("usage: runtime-child.ts <dataDir> <tableName> <dynamoEndpoint>");
  process.exit(2);
}
const SMS_PAGE = /^── SNS page → SMS [\s\S]*?\bINC-(\d+)(?!\d)/;
const log: Log = {
  info: (message) => {
    const number = SMS_PAGE.exec(message)?.[1];
    if (number) process.stdout.write(`PAGED INC-${number}\n`);
  },
  warn: () => undefined,
  error: (message) => process.stderr.write(`${message}\n`),
};
const runtime = await startLocalRuntime({
  port: 0,
  dataDir,
  webDir: null,
  tableName,
  dynamoEndpoint,
  clock: testClock(),
  log,
});
process.stdout.write(`READY ${runtime.url} ${runtime.eventsToken}\n`);
