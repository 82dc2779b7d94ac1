/**
 * Storage: the single DynamoDB table ("Table"), built from the shared definition `TABLE` in
 * packages/core (the local runtime creates its table from the same object, so the two cannot
 * drift). Creates the table with its keys, the access-pattern GSIs, the TTL attribute for
 * idempotency keys and a NEW_AND_OLD_IMAGES stream (consumed by the outbox in infra/events.ts).
 */
import { TABLE } from "../packages/core/src/storage/table";

export const table = new sst.aws.Dynamo("Table", {
  fields: TABLE.fields,
  primaryIndex: TABLE.primaryIndex,
  globalIndexes: TABLE.globalIndexes,
  ttl: TABLE.ttl,
  stream: TABLE.stream,
});

export const outputs = {
  table: table.name,
};
