/**
 * The one table definition. The local runtime creates the table from it, and `infra/storage.ts`
 * passes the same object to `sst.aws.Dynamo`, so the two can never drift (a test checks it).
 *
 * Single-table layout (pk / sk):
 *   INC#<id>        / META                 the incident (status, roles, version, …)
 *   INC#<id>        / TL#<ulid>            timeline entries, append-only
 *   INCNUM#<n>      / INCNUM               INC-<n> → incident id (guards number uniqueness)
 *   ALARM#<arn>     / STATE                latest state of an alarm and its open incident
 *   DELIVERY#<id>   / DELIVERY             idempotency key for one delivery (TTL `expiresAt`)
 *   TRANSITION#<arn>#<ts>#<state> / TRANSITION  one alarm transition, whatever its channel (TTL `expiresAt`)
 *   COUNTER         / INCIDENT             atomic counter behind INC-<n>
 *   INC#<id>        / PM#<version>         postmortem draft versions (Markdown gzip-compressed)
 *   INC#<id>        / PMMETA               the current draft's metadata (indexed for metrics)
 *   INC#<id>        / PAGE#<pageId>        one page (incident, target, level, channel) and its state
 *   INC#<id>        / ESCALATION           the incident's escalation: ladder snapshot, position, due time
 *   INC#<id>        / ACKLINK#<pageId>     a consumed one-click ack link (TTL `expiresAt`)
 *   DIRECTORY       / CURRENT              the whole validated on-call directory (one item, ≤ 400 KB)
 *   INC#<id>        / SLACK                the incident's Slack channel, pinned summary, invites, setup lease
 *   SLACKCH#<chan>  / SLACKCH              Slack channel id → incident id (commands in a channel)
 *
 * Indexes are named after the access pattern they serve:
 *   openBySeverity  openPk = "OPEN" on open incidents only (sparse), openSk = "<SEV>#<inverted ms>#<id>",
 *                   so one Query lists open incidents by severity, newest first, with a cursor.
 *   postmortemsByImpactStart  pmPk = "PM" on each incident's current postmortem metadata item,
 *                   pmSk = "<impact start ISO>#<incident id>": metrics over a window are one Query.
 *   escalationsDue  duePk = "DUE" on escalations still waiting for something (sparse: removed once
 *                   acknowledged, resolved or done), dueSk = "<next due ISO>#<incident id>", so the
 *                   sweeper's "what is due now" is one Query (dueSk <= now), never a Scan.
 *   incidentsByCreated  allPk = "INC" on every incident, allSk = "<createdAt ISO>#<id>": the
 *                   dashboard's "all incidents", newest first, is one Query with a cursor.
 *   resolvedByTime  resolvedPk = "RESOLVED" on resolved incidents only (sparse),
 *                   resolvedSk = "<resolvedAt ISO>#<id>": "resolved", newest first, one Query.
 *   API tokens live in one partition (APITOKEN / TOKEN#<id>, SHA-256 hash only): listing is a Query.
 */
export const TABLE = {
  fields: {
    pk: "string",
    sk: "string",
    openPk: "string",
    openSk: "string",
    pmPk: "string",
    pmSk: "string",
    duePk: "string",
    dueSk: "string",
    allPk: "string",
    allSk: "string",
    resolvedPk: "string",
    resolvedSk: "string",
  },
  primaryIndex: { hashKey: "pk", rangeKey: "sk" },
  globalIndexes: {
    openBySeverity: { hashKey: "openPk", rangeKey: "openSk" },
    postmortemsByImpactStart: { hashKey: "pmPk", rangeKey: "pmSk" },
    escalationsDue: { hashKey: "duePk", rangeKey: "dueSk" },
    incidentsByCreated: { hashKey: "allPk", rangeKey: "allSk" },
    resolvedByTime: { hashKey: "resolvedPk", rangeKey: "resolvedSk" },
  },
  ttl: "expiresAt",
  stream: "new-and-old-images",
} as const;

export type TableDefinition = typeof TABLE;

/** `CreateTable` input for the same definition (used by the local runtime and tests). */
export function createTableInput(tableName: string) {
  return {
    TableName: tableName,
    BillingMode: "PAY_PER_REQUEST" as const,
    AttributeDefinitions: Object.entries(TABLE.fields).map(([AttributeName]) => ({
      AttributeName,
      AttributeType: "S" as const,
    })),
    KeySchema: [
      { AttributeName: TABLE.primaryIndex.hashKey, KeyType: "HASH" as const },
      { AttributeName: TABLE.primaryIndex.rangeKey, KeyType: "RANGE" as const },
    ],
    GlobalSecondaryIndexes: Object.entries(TABLE.globalIndexes).map(([IndexName, index]) => ({
      IndexName,
      KeySchema: [
        { AttributeName: index.hashKey, KeyType: "HASH" as const },
        { AttributeName: index.rangeKey, KeyType: "RANGE" as const },
      ],
      Projection: { ProjectionType: "ALL" as const },
    })),
    StreamSpecification: { StreamEnabled: true, StreamViewType: "NEW_AND_OLD_IMAGES" as const },
  };
}
