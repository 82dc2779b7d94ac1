/**
 * Storage: the single DynamoDB table ("Table"), built from the shared definition `TABLE` in
 * packages/core (the local runtime creates its table from the same object, so the two cannot
 * drift). Creates the table with its keys, the access-pattern GSIs, the TTL attribute for
 * idempotency keys and a NEW_AND_OLD_IMAGES stream (consumed by the outbox in infra/events.ts).
 * On production stages (infra/config.ts) the table has point-in-time recovery and deletion
 * protection; elsewhere it has neither, so `sst remove` deletes it.
 */
import { TABLE } from "../packages/core/src/adapters/dynamodb/table";
import { config } from "./config";

export const table = new sst.aws.Dynamo("Table", {
  fields: TABLE.fields,
  primaryIndex: TABLE.primaryIndex,
  globalIndexes: TABLE.globalIndexes,
  ttl: TABLE.ttl,
  stream: TABLE.stream,
  transform: {
    table: {
      pointInTimeRecovery: { enabled: config.production },
      deletionProtectionEnabled: config.production,
    },
  },
});

export const outputs = {
  table: table.name,
};
