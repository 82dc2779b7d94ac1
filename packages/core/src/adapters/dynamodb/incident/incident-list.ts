/**
 * The incident lists: index Queries by status, severity and service (`listIncidents`, `listOpen`),
 * and the cursors that page them (the start key, encoded, and checked against the index on the
 * way back in).
 */
import { type DynamoDBDocumentClient, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { ValidationError } from "@firebreak/core/shared/errors";
import type { Incident, IncidentListQuery, Page } from "../../../incident/model";
import { ALL_PARTITION, OPEN_PARTITION, RESOLVED_PARTITION } from "../keys";
import { toIncident } from "./incident-items";

const LIST_INDEXES = {
  open: { index: "openBySeverity", pk: "openPk", sk: "openSk", partition: OPEN_PARTITION, forward: true },
  resolved: {
    index: "resolvedByTime",
    pk: "resolvedPk",
    sk: "resolvedSk",
    partition: RESOLVED_PARTITION,
    forward: false,
  },
  all: { index: "incidentsByCreated", pk: "allPk", sk: "allSk", partition: ALL_PARTITION, forward: false },
} as const;

/** A filtered list reads at most this many index pages per request, then returns a cursor. */
const MAX_LIST_READS = 10;

export function encodeCursor(key: Record<string, unknown> | undefined): string | undefined {
  return key ? Buffer.from(JSON.stringify(key)).toString("base64url") : undefined;
}

/**
 * The start key in a cursor, checked against the index's key shape: exactly `expectedKeys`, all
 * strings, and (with `index`) the table key of an incident (`INC#<ULID>` / `META`), the index's own
 * partition, and an index sort key of that incident (`…#<ULID>`, within DynamoDB's 1 KB, starting
 * with `prefix` when the query's key condition has one). Anything else would reach DynamoDB as an
 * invalid ExclusiveStartKey (a 500): it is a ValidationError naming `cursor`.
 */
export function decodeCursor(
  cursor: string | undefined,
  expectedKeys: string[],
  index?: { pk: string; sk: string; partition: string; prefix?: string },
): Record<string, unknown> | undefined {
  if (!cursor) return undefined;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (
      parsed &&
      typeof parsed === "object" &&
      !Array.isArray(parsed) &&
      expectedKeys.every((k) => typeof (parsed as Record<string, unknown>)[k] === "string") &&
      Object.keys(parsed).length === expectedKeys.length &&
      (!index || isIndexKey(parsed as Record<string, string>, index))
    ) {
      return parsed as Record<string, unknown>;
    }
  } catch {
    // fall through to the validation error
  }
  throw new ValidationError("cursor: not a cursor returned by this API", [
    { path: "cursor", message: "not a cursor returned by this API; start again without it" },
  ]);
}

const INCIDENT_PK = /^INC#([0-9A-HJKMNP-TV-Z]{26})$/;

function isIndexKey(
  key: Record<string, string>,
  index: { pk: string; sk: string; partition: string; prefix?: string },
): boolean {
  const id = INCIDENT_PK.exec(key.pk ?? "")?.[1];
  const sortKey = key[index.sk] ?? "";
  return (
    id !== undefined &&
    key.sk === "META" &&
    key[index.pk] === index.partition &&
    sortKey.length <= 1024 &&
    sortKey.endsWith(`#${id}`) &&
    sortKey.length > id.length + 1 &&
    sortKey.startsWith(index.prefix ?? "")
  );
}

/** Open incidents, SEV1 first then newest first, from the sparse openBySeverity index. */
export async function listOpenPage(
  db: DynamoDBDocumentClient,
  tableName: string,
  options: { limit?: number; cursor?: string } = {},
): Promise<Page<Incident>> {
  const limit = Math.min(Math.max(options.limit ?? 50, 1), 200);
  const out = await db.send(
    new QueryCommand({
      TableName: tableName,
      IndexName: "openBySeverity",
      KeyConditionExpression: "openPk = :open",
      ExpressionAttributeValues: { ":open": OPEN_PARTITION },
      Limit: limit,
      ExclusiveStartKey: decodeCursor(options.cursor, ["pk", "sk", "openPk", "openSk"], {
        pk: "openPk",
        sk: "openSk",
        partition: OPEN_PARTITION,
      }),
    }),
  );
  return { items: (out.Items ?? []).map(toIncident), cursor: encodeCursor(out.LastEvaluatedKey) };
}

/**
 * Incidents by status (open: SEV1 first then newest; resolved: newest resolved first; all:
 * newest first), optionally one severity (a key condition on the open index, a filter on the
 * others) and one service (a filter). Each page is index Queries only; the cursor is the key of
 * the last item returned, so a filtered page that stops mid-way resumes exactly there.
 */
export async function listIncidentPage(
  db: DynamoDBDocumentClient,
  tableName: string,
  query: IncidentListQuery,
): Promise<Page<Incident>> {
  const limit = Math.min(Math.max(query.limit ?? 50, 1), 200);
  const spec = LIST_INDEXES[query.status];
  const names: Record<string, string> = { "#pk": spec.pk };
  const values: Record<string, unknown> = { ":p": spec.partition };
  let keyCondition = "#pk = :p";
  const filters: string[] = [];
  if (query.severity) {
    if (query.status === "open") {
      names["#sk"] = spec.sk;
      values[":sev"] = `${query.severity}#`;
      keyCondition += " AND begins_with(#sk, :sev)";
    } else {
      names["#severity"] = "severity";
      values[":sev"] = query.severity;
      filters.push("#severity = :sev");
    }
  }
  if (query.service) {
    names["#services"] = "services";
    values[":svc"] = query.service;
    filters.push("contains(#services, :svc)");
  }
  const cursorKeys = ["pk", "sk", spec.pk, spec.sk];
  let start = decodeCursor(query.cursor, cursorKeys, {
    pk: spec.pk,
    sk: spec.sk,
    partition: spec.partition,
    ...(query.severity && query.status === "open" ? { prefix: `${query.severity}#` } : {}),
  });
  const items: Incident[] = [];
  let cursor: string | undefined;
  for (let reads = 0; ; reads++) {
    const out = await db.send(
      new QueryCommand({
        TableName: tableName,
        IndexName: spec.index,
        KeyConditionExpression: keyCondition,
        ...(filters.length ? { FilterExpression: filters.join(" AND ") } : {}),
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
        ScanIndexForward: spec.forward,
        // Unfiltered, the page size is exact; filtered, read more per round trip.
        Limit: filters.length ? Math.max(limit * 4, 100) : limit - items.length,
        ExclusiveStartKey: start,
      }),
    );
    const found = out.Items ?? [];
    for (const [i, item] of found.entries()) {
      items.push(toIncident(item));
      if (items.length === limit) {
        const more = i < found.length - 1 || out.LastEvaluatedKey !== undefined;
        if (more) cursor = encodeCursor(Object.fromEntries(cursorKeys.map((k) => [k, item[k]])));
        return { items, cursor };
      }
    }
    start = out.LastEvaluatedKey;
    if (!start) return { items };
    if (reads + 1 >= MAX_LIST_READS) return { items, cursor: encodeCursor(start) };
  }
}
