import { TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import { FirebreakError, ValidationError, VersionConflictError } from "@firebreak/core/shared/errors";
import type { IgnoreDecision } from "../alarm/ignore";
import { ignoredAlarmUpdate } from "../alarm/ignored-store";
import type { AlarmRecord } from "../alarm/record";
import type { AlarmTransition } from "../alarm/transition";
import type { Incident, IncidentStatus, RelatedAlarm } from "../incident/model";
import type { TimelineEntry } from "../incident/timeline";
import { validTimelineEntry } from "../incident/timeline-schema";
import { batchGetItems, pickFields } from "./items";
import {
  ALL_PARTITION,
  createdSortKey,
  keys,
  OPEN_PARTITION,
  openSortKey,
  RESOLVED_PARTITION,
  resolvedSortKey,
} from "./keys";

type TransactItem = NonNullable<
  ConstructorParameters<typeof TransactWriteCommand>[0]["TransactItems"]
>[number];

/** The delivery was already processed: nothing to do. */
export class DuplicateDeliveryError extends FirebreakError {
  constructor(deliveryId: string) {
    super("duplicate_delivery", `delivery ${deliveryId} was already processed`);
  }
}

/** Someone else changed the alarm or incident between our read and our write: read again and retry. */
export class ConcurrentChangeError extends FirebreakError {
  constructor(what: string, options?: { cause?: unknown }) {
    super("concurrent_change", `${what} changed concurrently; retry`, options);
  }
}

/** The alarm no longer points at this incident (already released): save without releasing it. */
export class AlarmReleasedError extends FirebreakError {
  constructor(arn: string) {
    super("alarm_released", `alarm ${arn} is not held by this incident`);
  }
}

/** Grouped alarms that no longer hold the incident (internal: the commit retries without them). */
class RelatedAlarmsReleasedError extends FirebreakError {
  constructor(readonly arns: string[]) {
    super("alarm_released", `alarms ${arns.join(", ")} are not held by this incident`);
  }
}

/**
 * DynamoDB refused the item for good: a key over 2 KB, an item over 400 KB, attributes nested
 * deeper than 32 levels. Sending it again cannot help: a permanent error (dead-lettered, 400).
 */
export class StorageLimitError extends ValidationError {}

/** The identity of an alarm transition, whichever channel delivered it. */
export interface TransitionKey {
  arn: string;
  state: string;
  stateTimestamp: string;
}

export interface DeliveryKey {
  id: string;
  /** Epoch seconds after which DynamoDB may delete the key (TTL attribute). */
  expiresAt: number;
  outcome: string;
  incidentId?: string;
  /** The transition delivered: recorded too (same TTL), so that other channels' copies are duplicates. */
  transition?: TransitionKey;
}

const LIMIT_MESSAGE = /size|nest(ing|ed) level|must be under \d+ bytes|exceed/i;

/** DynamoDB's ValidationException for a size or depth limit, as a permanent StorageLimitError. */
export function permanentStorageError(error: unknown): unknown {
  const name = (error as { name?: unknown } | null)?.name;
  let message: string | undefined;
  if (name === "ValidationException") message = (error as Error).message;
  if (error instanceof TransactionCanceledException) {
    message = error.CancellationReasons?.find((r) => r.Code === "ValidationError")?.Message ?? undefined;
  }
  if (message === undefined || !LIMIT_MESSAGE.test(message)) return error;
  return new StorageLimitError(
    `DynamoDB refused the item: ${message}`,
    [{ path: "(item)", message: `DynamoDB refused the item: ${message}` }],
    { cause: error },
  );
}

export interface Page<T> {
  items: T[];
  cursor?: string;
}

const INCIDENT_FIELDS = [
  "id",
  "number",
  "title",
  "severity",
  "status",
  "services",
  "locations",
  "source",
  "alarm",
  "team",
  "flapping",
  "description",
  "roles",
  "summary",
  "createdAt",
  "updatedAt",
  "acknowledgedAt",
  "mitigatedAt",
  "resolvedAt",
  "reopenedAt",
  "reopens",
  "relatedAlarms",
  "declaredBy",
  "mergedInto",
  "merged",
  "links",
  "version",
] as const;

function toIncident(item: Record<string, unknown>): Incident {
  return pickFields<Incident>(item, INCIDENT_FIELDS);
}

function toEntry(item: Record<string, unknown>): TimelineEntry {
  const { pk: _pk, sk: _sk, type: _type, ...rest } = item;
  return rest as unknown as TimelineEntry;
}

/** The stored item of an incident, with its index attributes (exported for seeding benchmarks). */
export function incidentItem(incident: Incident): Record<string, unknown> {
  const open = incident.status !== "resolved";
  return {
    ...keys.incident(incident.id),
    type: "incident",
    ...incident,
    allPk: ALL_PARTITION,
    allSk: createdSortKey(incident),
    ...(open ? { openPk: OPEN_PARTITION, openSk: openSortKey(incident) } : {}),
    ...(!open
      ? {
          resolvedPk: RESOLVED_PARTITION,
          resolvedSk: resolvedSortKey(incident.resolvedAt ?? incident.updatedAt, incident.id),
        }
      : {}),
  };
}

/** What `listIncidents` can filter on; every combination is served by index Queries (never a Scan). */
export interface IncidentListQuery {
  status: "open" | "resolved" | "all";
  severity?: Incident["severity"];
  service?: string;
  limit?: number;
  cursor?: string;
}

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

/** The table item of a timeline entry, which must be valid: the outbox publishes every one it finds. */
export function timelineItem(entry: TimelineEntry): Record<string, unknown> {
  validTimelineEntry(entry, `${entry.id} of incident ${entry.incidentId}`);
  return { ...keys.timeline(entry.incidentId, entry.id), type: "timeline", ...entry };
}

function alarmItem(record: AlarmRecord): Record<string, unknown> {
  return { ...keys.alarm(record.arn), type: "alarm", ...record };
}

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

/** How long after a lost number claim openings allocate their number with the atomic counter. */
const COUNTER_CONTENTION_MS = 10_000;

/**
 * The DynamoDB adapter for incidents, timelines, alarm records and idempotency keys. It runs
 * unchanged against AWS and DynamoDB Local. SDK exceptions are translated here, and only here.
 */
/**
 * How many of an incident's other alarms a resolving transaction releases itself (a transaction
 * holds at most 100 items, and it has its own); the rest are released right after it
 * (`releaseAlarms`).
 */
export const RELEASES_IN_TRANSACTION = 50;

export class IncidentStore {
  /** When a number claimed in a transaction last lost to another writer of the counter (ms). */
  private counterContendedAt = Number.NEGATIVE_INFINITY;

  constructor(
    readonly db: DynamoDBDocumentClient,
    readonly tableName: string,
  ) {}

  /**
   * Whether claiming a number inside the opening transaction is worth trying: not within
   * `COUNTER_CONTENTION_MS` of losing such a claim (an alarm storm opening many incidents at once),
   * when the atomic `allocateNumber` is the cheaper way.
   */
  shouldClaimNumber(now: number = Date.now()): boolean {
    return now - this.counterContendedAt > COUNTER_CONTENTION_MS;
  }

  async getAlarmRecord(arn: string): Promise<AlarmRecord | undefined> {
    const out = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: keys.alarm(arn), ConsistentRead: true }),
    );
    if (!out.Item) return undefined;
    const { pk: _pk, sk: _sk, type: _type, ...record } = out.Item;
    return record as AlarmRecord;
  }

  /**
   * The alarm's record, whether this delivery was already processed, and (with `counter`, for a
   * transition that may open an incident) the incident counter's value, in one round trip
   * (BatchGetItem, strongly consistent). Seeing the delivery key here lets a redelivery skip the
   * transaction entirely; the transaction's own condition still guards the race. The counter lets
   * an ingest that opens an incident claim the next number inside its transaction (`numberClaim`)
   * instead of allocating it in a round trip of its own. Without `counter`, `counter` is 0.
   */
  async getAlarmAndDelivery(
    arn: string,
    deliveryId: string,
    options: { counter?: boolean; transition?: TransitionKey } = {},
  ): Promise<{ record?: AlarmRecord; delivered: boolean; transitionSeen: boolean; counter: number }> {
    try {
      return await this.readAlarmAndDelivery(arn, deliveryId, options);
    } catch (error) {
      throw permanentStorageError(error);
    }
  }

  private async readAlarmAndDelivery(
    arn: string,
    deliveryId: string,
    options: { counter?: boolean; transition?: TransitionKey },
  ): Promise<{ record?: AlarmRecord; delivered: boolean; transitionSeen: boolean; counter: number }> {
    const t = options.transition;
    const wanted = [
      keys.alarm(arn),
      keys.delivery(deliveryId),
      ...(t ? [keys.transition(t.arn, t.state, t.stateTimestamp)] : []),
      ...(options.counter ? [keys.counter()] : []),
    ];
    const found = await this.batchGet(wanted);
    const alarm = found.find((item) => item.sk === "STATE");
    let record: AlarmRecord | undefined;
    if (alarm) {
      const { pk: _pk, sk: _sk, type: _type, ...rest } = alarm;
      record = rest as unknown as AlarmRecord;
    }
    const counter = Number(found.find((item) => item.pk === keys.counter().pk)?.value ?? 0);
    return {
      record,
      delivered: found.some((item) => item.sk === "DELIVERY"),
      transitionSeen: found.some((item) => item.sk === "TRANSITION"),
      counter: Number.isSafeInteger(counter) && counter > 0 ? counter : 0,
    };
  }

  /** The incident an alarm group attaches to (alarm/grouping.ts), when one was claimed. */
  async getAlarmGroup(key: string): Promise<{ incidentId: string } | undefined> {
    const out = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: keys.alarmGroup(key), ConsistentRead: true }),
    );
    const id = out.Item?.incidentId;
    return typeof id === "string" ? { incidentId: id } : undefined;
  }

  /** Items by key, strongly consistent (storage/items.ts). */
  private batchGet(wanted: readonly Record<string, unknown>[]): Promise<Record<string, unknown>[]> {
    return batchGetItems(this.db, this.tableName, wanted, { consistent: true });
  }

  /**
   * Alarm records by ARN (strongly consistent), in the order asked: the states of an incident's
   * grouped alarms. Read 100 at a time: an incident with 500 alarms costs 5 reads, not 500.
   */
  async getAlarmRecords(arns: readonly string[]): Promise<AlarmRecord[]> {
    const items = await this.batchGet(arns.map((arn) => keys.alarm(arn)));
    const byArn = new Map<string, AlarmRecord>();
    for (const { pk: _pk, sk: _sk, type: _type, ...rest } of items) {
      const record = rest as unknown as AlarmRecord;
      byArn.set(record.arn, record);
    }
    return arns.flatMap((arn) => byArn.get(arn) ?? []);
  }

  /**
   * Ends the hold of these alarms on a resolved incident, each only while it still holds it (one
   * that no longer does is left alone). What did not fit in the resolving transaction
   * (`RELEASES_IN_TRANSACTION`) is released here right after it; a crash in between leaves holds
   * on a resolved incident, which the ingest treats as released (alarm/ingest.ts).
   */
  async releaseAlarms(arns: readonly string[], incidentId: string, at: string): Promise<void> {
    const queue = [...arns];
    const worker = async () => {
      for (let arn = queue.shift(); arn !== undefined; arn = queue.shift()) {
        await this.db
          .send(
            new UpdateCommand({
              TableName: this.tableName,
              Key: keys.alarm(arn),
              UpdateExpression:
                "SET version = version + :one, lastIncidentResolvedAt = :at REMOVE openIncidentId",
              ConditionExpression: "openIncidentId = :id",
              ExpressionAttributeValues: { ":one": 1, ":at": at, ":id": incidentId },
            }),
          )
          .catch((error: Error) => {
            if (error.name !== "ConditionalCheckFailedException") throw error;
          });
      }
    };
    await Promise.all(Array.from({ length: Math.min(8, queue.length) }, worker));
  }

  /** Atomically allocates the next human incident number. */
  async allocateNumber(): Promise<number> {
    const out = await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.counter(),
        UpdateExpression: "ADD #n :one",
        ExpressionAttributeNames: { "#n": "value" },
        ExpressionAttributeValues: { ":one": 1 },
        ReturnValues: "UPDATED_NEW",
      }),
    );
    return Number(out.Attributes?.value);
  }

  async getIncident(id: string): Promise<Incident | undefined> {
    const out = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: keys.incident(id), ConsistentRead: true }),
    );
    return out.Item ? toIncident(out.Item) : undefined;
  }

  /** The incident and its whole timeline, from one Query on its partition (paged by DynamoDB). */
  async getIncidentWithTimeline(
    id: string,
  ): Promise<{ incident: Incident; timeline: TimelineEntry[] } | undefined> {
    const found = await this.getIncidentPartition(id);
    return found && { incident: found.incident, timeline: found.timeline };
  }

  /**
   * The incident, its whole timeline and the partition's other items as stored (escalation,
   * pages, …, for their own stores to read: `PageStore.fromPartition`), from one Query.
   */
  async getIncidentPartition(
    id: string,
  ): Promise<
    { incident: Incident; timeline: TimelineEntry[]; others: Record<string, unknown>[] } | undefined
  > {
    let incident: Incident | undefined;
    const timeline: TimelineEntry[] = [];
    const others: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: "pk = :pk",
          ExpressionAttributeValues: { ":pk": keys.incidentPartition(id) },
          ExclusiveStartKey: start,
          ConsistentRead: true,
        }),
      );
      for (const item of out.Items ?? []) {
        if (item.type === "incident") incident = toIncident(item);
        else if (item.type === "timeline") timeline.push(toEntry(item));
        else others.push(item);
      }
      start = out.LastEvaluatedKey;
    } while (start);
    return incident ? { incident, timeline, others } : undefined;
  }

  /** Open incidents, SEV1 first then newest first, from the sparse openBySeverity index. */
  async listOpen(options: { limit?: number; cursor?: string } = {}): Promise<Page<Incident>> {
    const limit = Math.min(Math.max(options.limit ?? 50, 1), 200);
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
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
  async listIncidents(query: IncidentListQuery): Promise<Page<Incident>> {
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
      const out = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
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

  /** Records a delivery that changes nothing else. Throws DuplicateDeliveryError if already seen. */
  async markDelivered(delivery: DeliveryKey): Promise<void> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: deliveryItem(delivery),
          ConditionExpression: "attribute_not_exists(pk)",
        }),
      );
    } catch (error) {
      if ((error as Error).name === "ConditionalCheckFailedException")
        throw new DuplicateDeliveryError(delivery.id);
      throw permanentStorageError(error);
    }
  }

  /**
   * Writes, in one transaction: the delivery key, the alarm record (conditioned on the version
   * we read), and the incident changes. Exactly-once per delivery and one incident per episode
   * both follow from the conditions.
   */
  async commitAlarmChange(change: {
    delivery: DeliveryKey;
    record: AlarmRecord | null;
    expectedRecordVersion: number | undefined;
    newIncident?: Incident;
    /**
     * The new incident's number was not allocated: it is the counter's value read (`after`) plus
     * one, and the counter moves to it in this transaction, conditioned on that value. A lost race
     * fails the transaction as a ConcurrentChangeError (retry with `allocateNumber`).
     */
    numberClaim?: { after: number };
    update?: {
      incidentId: string;
      at: string;
      flapping?: boolean;
      status?: { from: IncidentStatus; to: IncidentStatus; expectedVersion: number };
      /** Only while the incident is not resolved (a new episode of an alarm it holds). */
      open?: boolean;
    };
    /** A resolved incident reopened (`reopen` in incident/model.ts), conditioned on the version read. */
    reopened?: { after: Incident; expectedVersion: number };
    entries: TimelineEntry[];
    /** An ignored alarm's transition: counted on its `IGNORED` item (alarm/ignored-store.ts). */
    ignored?: { transition: AlarmTransition; decision: IgnoreDecision; at: string };
    /**
     * The new incident becomes its group's open incident: the group item is created, or taken
     * over from `previous` (that incident resolved). Another incident opened for the group first
     * fails the transaction (ConcurrentChangeError): the retry attaches to it.
     */
    claimGroup?: { key: string; previous?: string };
    /** The alarm joins an open incident of its group: listed on it, the incident's version moves. */
    attach?: { incidentId: string; alarm: RelatedAlarm; flapping?: boolean };
    /**
     * Other alarm records whose state the change was decided on (a grouped incident resolves only
     * when all its alarms are OK): each must still be at `version`; with `release`, its hold on
     * the incident ends too (the incident resolved).
     */
    otherAlarms?: { arn: string; version: number; release?: { at: string } }[];
  }): Promise<void> {
    const items: TransactItem[] = [this.putNew(deliveryItem(change.delivery))];
    // Index 1: the transition's own key, so that another channel's copy of it is a duplicate.
    const t = change.delivery.transition;
    if (t) {
      items.push(
        this.putNew({
          ...keys.transition(t.arn, t.state, t.stateTimestamp),
          type: "transition",
          expiresAt: change.delivery.expiresAt,
          deliveryId: change.delivery.id,
        }),
      );
    }
    if (change.record) items.push(this.alarmPut(change.record, change.expectedRecordVersion));
    if (change.ignored)
      items.push({ Update: { TableName: this.tableName, ...ignoredAlarmUpdate(change.ignored) } });
    if (change.update) items.push(this.incidentUpdate(change.update));
    if (change.attach) items.push(this.attachAlarm(change.attach));
    for (const other of change.otherAlarms ?? []) items.push(this.otherAlarmItem(other));
    if (change.claimGroup && change.newIncident) {
      const { key, previous } = change.claimGroup;
      items.push({
        Put: {
          TableName: this.tableName,
          Item: { ...keys.alarmGroup(key), type: "alarmGroup", incidentId: change.newIncident.id, key },
          ConditionExpression: previous
            ? "attribute_not_exists(pk) OR incidentId = :prev"
            : "attribute_not_exists(pk)",
          ...(previous ? { ExpressionAttributeValues: { ":prev": previous } } : {}),
        },
      });
    }
    if (change.reopened) {
      items.push({
        Put: {
          TableName: this.tableName,
          Item: incidentItem(change.reopened.after),
          ConditionExpression: "version = :v",
          ExpressionAttributeValues: { ":v": change.reopened.expectedVersion },
        },
      });
    }
    const counterIndex = change.newIncident && change.numberClaim ? items.length : -1;
    if (change.newIncident && change.numberClaim) {
      const { after } = change.numberClaim;
      items.push({
        Update: {
          TableName: this.tableName,
          Key: keys.counter(),
          UpdateExpression: "SET #n = :next",
          ConditionExpression: after === 0 ? "attribute_not_exists(#n) OR #n = :after" : "#n = :after",
          ExpressionAttributeNames: { "#n": "value" },
          ExpressionAttributeValues: { ":next": change.newIncident.number, ":after": after },
        },
      });
    }
    if (change.newIncident) items.push(...this.newIncidentItems(change.newIncident, change.entries));
    else items.push(...change.entries.map((entry) => this.putNew(timelineItem(entry))));
    try {
      await this.db.send(new TransactWriteCommand({ TransactItems: items }));
    } catch (error) {
      const counterCode =
        error instanceof TransactionCanceledException
          ? error.CancellationReasons?.[counterIndex]?.Code
          : undefined;
      // Lost to another writer of the counter: its value moved, or a transaction held it.
      if (counterCode === "ConditionalCheckFailed" || counterCode === "TransactionConflict")
        this.counterContendedAt = Date.now();
      throw translateTransactionError(error, change.delivery.id, Boolean(t));
    }
  }

  /** INC-<n> → the incident. */
  async getIncidentByNumber(n: number): Promise<Incident | undefined> {
    const out = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: keys.incidentNumber(n) }),
    );
    const id = out.Item?.incidentId;
    return typeof id === "string" ? this.getIncident(id) : undefined;
  }

  /** Writes a new incident (declared by a person), its number and its first entries. */
  async createIncident(incident: Incident, entries: TimelineEntry[]): Promise<void> {
    await this.db.send(new TransactWriteCommand({ TransactItems: this.newIncidentItems(incident, entries) }));
  }

  /**
   * Saves a changed incident with its timeline entries, conditioned on the version that was
   * read (optimistic locking). On resolve, also frees the alarm so its next ALARM opens a new
   * episode. Throws VersionConflictError carrying the current version when someone else won.
   */
  async commitIncidentChange(change: {
    before: Incident;
    after: Incident;
    entries: TimelineEntry[];
    releaseAlarm?: { arn: string; at: string };
  }): Promise<void> {
    // The alarms grouped into it are freed with it, each only while it still holds this incident
    // (one that no longer does is left alone, and the rest are freed all the same).
    const resolving = change.after.status === "resolved" && change.before.status !== "resolved";
    const all = resolving ? (change.before.relatedAlarms ?? []).map((a) => a.arn) : [];
    // A transaction holds at most 100 items: the first ones are freed in it, the rest right after.
    let related = all.slice(0, RELEASES_IN_TRANSACTION);
    const after = all.slice(RELEASES_IN_TRANSACTION);
    for (;;) {
      try {
        await this.commitIncidentChangeOnce(change, related);
        break;
      } catch (error) {
        if (!(error instanceof RelatedAlarmsReleasedError)) throw error;
        related = related.filter((arn) => !error.arns.includes(arn));
      }
    }
    if (after.length > 0)
      await this.releaseAlarms(
        after,
        change.after.id,
        change.releaseAlarm?.at ?? change.after.resolvedAt ?? change.after.updatedAt,
      );
  }

  private async commitIncidentChangeOnce(
    change: Parameters<IncidentStore["commitIncidentChange"]>[0],
    related: string[],
  ): Promise<void> {
    const items: TransactItem[] = this.changedIncidentItems(change);
    if (change.releaseAlarm) {
      items.push({
        Update: {
          TableName: this.tableName,
          Key: keys.alarm(change.releaseAlarm.arn),
          UpdateExpression:
            "SET version = version + :one, lastIncidentResolvedAt = :at REMOVE openIncidentId",
          ConditionExpression: "openIncidentId = :id",
          ExpressionAttributeValues: { ":one": 1, ":at": change.releaseAlarm.at, ":id": change.after.id },
        },
      });
    }
    const firstRelated = items.length;
    for (const arn of related) {
      items.push({
        Update: {
          TableName: this.tableName,
          Key: keys.alarm(arn),
          UpdateExpression:
            "SET version = version + :one, lastIncidentResolvedAt = :at REMOVE openIncidentId",
          ConditionExpression: "openIncidentId = :id",
          ExpressionAttributeValues: {
            ":one": 1,
            ":at": change.releaseAlarm?.at ?? change.after.resolvedAt ?? change.after.updatedAt,
            ":id": change.after.id,
          },
        },
      });
    }
    try {
      await this.db.send(new TransactWriteCommand({ TransactItems: items }));
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const reasons = error.CancellationReasons ?? [];
      if (reasons[0]?.Code === "ConditionalCheckFailed") {
        const current = reasons[0].Item?.version;
        const version = current && "N" in current ? Number(current.N) : undefined;
        throw new VersionConflictError(
          `INC-${change.before.number} changed since version ${change.before.version} was read`,
          version,
          { cause: error },
        );
      }
      const freed = related.filter((_, i) => reasons[firstRelated + i]?.Code === "ConditionalCheckFailed");
      if (freed.length > 0) throw new RelatedAlarmsReleasedError(freed);
      if (change.releaseAlarm && reasons[firstRelated - 1]?.Code === "ConditionalCheckFailed") {
        throw new AlarmReleasedError(change.releaseAlarm.arn);
      }
      throw new ConcurrentChangeError(`INC-${change.before.number}`, { cause: error });
    }
  }

  /**
   * Saves several changed incidents together (a merge, a link), each conditioned on the version
   * that was read, with their timeline entries; `moveAlarms` re-points alarms from one incident to
   * another, each only while it still points at `from`. An alarm that no longer does is left out
   * (`moved` says which were moved) and the rest are saved all the same. Throws
   * VersionConflictError when any incident changed since it was read.
   */
  async commitIncidentChanges(
    changes: { before: Incident; after: Incident; entries: TimelineEntry[] }[],
    moveAlarms?: { arns: string[]; from: string; to: string },
    /** Rebuilds the changes for the alarms that could be moved (when some could not). */
    rebuild?: (moved: string[]) => { before: Incident; after: Incident; entries: TimelineEntry[] }[],
  ): Promise<{ moved: string[] }> {
    let arns = moveAlarms?.arns ?? [];
    let current = changes;
    for (;;) {
      const items: TransactItem[] = current.flatMap((change) => this.changedIncidentItems(change));
      const firstAlarm = items.length;
      for (const arn of arns)
        items.push({
          Update: {
            TableName: this.tableName,
            Key: keys.alarm(arn),
            UpdateExpression: "SET version = version + :one, openIncidentId = :to, lastIncidentId = :to",
            ConditionExpression: "openIncidentId = :from",
            ExpressionAttributeValues: { ":one": 1, ":to": moveAlarms!.to, ":from": moveAlarms!.from },
          },
        });
      try {
        await this.db.send(new TransactWriteCommand({ TransactItems: items }));
        return { moved: arns };
      } catch (error) {
        const permanent = permanentStorageError(error);
        if (permanent !== error || !(error instanceof TransactionCanceledException)) throw permanent;
        const reasons = error.CancellationReasons ?? [];
        let index = 0;
        for (const change of current) {
          const reason = reasons[index];
          if (reason?.Code === "ConditionalCheckFailed") {
            const version = reason.Item?.version;
            throw new VersionConflictError(
              `INC-${change.before.number} changed since version ${change.before.version} was read`,
              version && "N" in version ? Number(version.N) : undefined,
              { cause: error },
            );
          }
          index += 1 + change.entries.length;
        }
        const gone = arns.filter((_, i) => reasons[firstAlarm + i]?.Code === "ConditionalCheckFailed");
        if (gone.length === 0 || !rebuild)
          throw new ConcurrentChangeError("the incidents or their alarms", { cause: error });
        arns = arns.filter((arn) => !gone.includes(arn));
        current = rebuild(arns);
      }
    }
  }

  /** The changed incident, conditioned on the version read (the old item on failure), and its new entries. */
  private changedIncidentItems(change: {
    before: Incident;
    after: Incident;
    entries: TimelineEntry[];
  }): TransactItem[] {
    return [
      {
        Put: {
          TableName: this.tableName,
          Item: incidentItem(change.after),
          ConditionExpression: "version = :v",
          ExpressionAttributeValues: { ":v": change.before.version },
          ReturnValuesOnConditionCheckFailure: "ALL_OLD",
        },
      },
      ...change.entries.map((entry) => this.putNew(timelineItem(entry))),
    ];
  }

  /**
   * Rewrites an existing entry's actor, data and summary in place (a one-off migration:
   * incident/identity-migration.ts). A stream MODIFY: the outbox publishes new entries only.
   */
  async rewriteTimelineEntry(entry: TimelineEntry): Promise<void> {
    validTimelineEntry(entry, `${entry.id} of incident ${entry.incidentId}`);
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.timeline(entry.incidentId, entry.id),
        UpdateExpression: "SET actor = :actor, #data = :data, summary = :summary",
        ConditionExpression: "attribute_exists(pk)",
        ExpressionAttributeNames: { "#data": "data" },
        ExpressionAttributeValues: { ":actor": entry.actor, ":data": entry.data, ":summary": entry.summary },
      }),
    );
  }

  /** A Put that only creates (never overwrites) an item: the shape of every append. */
  private putNew(item: Record<string, unknown>): TransactItem {
    return {
      Put: { TableName: this.tableName, Item: item, ConditionExpression: "attribute_not_exists(pk)" },
    };
  }

  /** The incident, its INC-<n> lookup item and its first timeline entries, all created new. */
  private newIncidentItems(incident: Incident, entries: TimelineEntry[]): TransactItem[] {
    return [
      this.putNew(incidentItem(incident)),
      this.putNew({ ...keys.incidentNumber(incident.number), type: "number", incidentId: incident.id }),
      ...entries.map((entry) => this.putNew(timelineItem(entry))),
    ];
  }

  private alarmPut(record: AlarmRecord, expectedVersion: number | undefined): TransactItem {
    return {
      Put: {
        TableName: this.tableName,
        Item: alarmItem(record),
        ConditionExpression: expectedVersion === undefined ? "attribute_not_exists(pk)" : "version = :v",
        ...(expectedVersion === undefined ? {} : { ExpressionAttributeValues: { ":v": expectedVersion } }),
      },
    };
  }

  /** Lists the alarm on the open incident it joins (never a resolved one). */
  private attachAlarm(attach: { incidentId: string; alarm: RelatedAlarm; flapping?: boolean }): TransactItem {
    return {
      Update: {
        TableName: this.tableName,
        Key: keys.incident(attach.incidentId),
        UpdateExpression: `SET relatedAlarms = list_append(if_not_exists(relatedAlarms, :none), :alarm), updatedAt = :at, version = version + :one${attach.flapping ? ", flapping = :true" : ""}`,
        ConditionExpression: "attribute_exists(pk) AND #status <> :resolved",
        ExpressionAttributeNames: { "#status": "status" },
        ExpressionAttributeValues: {
          ":none": [],
          ":alarm": [attach.alarm],
          ":at": attach.alarm.at,
          ":one": 1,
          ":resolved": "resolved",
          ...(attach.flapping ? { ":true": true } : {}),
        },
      },
    };
  }

  /** Another alarm record, unchanged since it was read; released from the incident when asked. */
  private otherAlarmItem(other: { arn: string; version: number; release?: { at: string } }): TransactItem {
    if (!other.release)
      return {
        ConditionCheck: {
          TableName: this.tableName,
          Key: keys.alarm(other.arn),
          ConditionExpression: "version = :v",
          ExpressionAttributeValues: { ":v": other.version },
        },
      };
    return {
      Update: {
        TableName: this.tableName,
        Key: keys.alarm(other.arn),
        UpdateExpression: "SET version = version + :one, lastIncidentResolvedAt = :at REMOVE openIncidentId",
        ConditionExpression: "version = :v",
        ExpressionAttributeValues: { ":v": other.version, ":one": 1, ":at": other.release.at },
      },
    };
  }

  private incidentUpdate(update: {
    incidentId: string;
    at: string;
    flapping?: boolean;
    status?: { from: IncidentStatus; to: IncidentStatus; expectedVersion: number };
    open?: boolean;
  }): TransactItem {
    const set = ["updatedAt = :at"];
    const remove: string[] = [];
    const values: Record<string, unknown> = { ":at": update.at };
    const names: Record<string, string> = {};
    let condition = "attribute_exists(pk)";
    const bump = update.flapping || update.status;
    if (update.open) {
      names["#status"] = "status";
      values[":resolved"] = "resolved";
      condition += " AND #status <> :resolved";
    }
    if (update.flapping) {
      set.push("flapping = :true");
      values[":true"] = true;
    }
    if (update.status) {
      names["#status"] = "status";
      set.push("#status = :to");
      values[":to"] = update.status.to;
      values[":v"] = update.status.expectedVersion;
      condition += " AND version = :v";
      if (update.status.to === "resolved") {
        set.push("resolvedAt = :at", "resolvedPk = :resolvedPk", "resolvedSk = :resolvedSk");
        values[":resolvedPk"] = RESOLVED_PARTITION;
        values[":resolvedSk"] = resolvedSortKey(update.at, update.incidentId);
        remove.push("openPk", "openSk");
      }
    }
    if (bump) {
      set.push("version = version + :one");
      values[":one"] = 1;
    }
    return {
      Update: {
        TableName: this.tableName,
        Key: keys.incident(update.incidentId),
        UpdateExpression: `SET ${set.join(", ")}${remove.length ? ` REMOVE ${remove.join(", ")}` : ""}`,
        ConditionExpression: condition,
        ExpressionAttributeValues: values,
        ...(Object.keys(names).length ? { ExpressionAttributeNames: names } : {}),
      },
    };
  }
}

export function deliveryItem(delivery: DeliveryKey): Record<string, unknown> {
  const { transition: _transition, ...rest } = delivery;
  return { ...keys.delivery(delivery.id), type: "delivery", ...rest };
}

function translateTransactionError(error: unknown, deliveryId: string, withTransition: boolean): unknown {
  const permanent = permanentStorageError(error);
  if (permanent !== error || !(error instanceof TransactionCanceledException)) return permanent;
  const reasons = error.CancellationReasons ?? [];
  if (reasons[0]?.Code === "ConditionalCheckFailed") return new DuplicateDeliveryError(deliveryId);
  // The same transition, delivered by another channel, was committed first.
  if (withTransition && reasons[1]?.Code === "ConditionalCheckFailed")
    return new DuplicateDeliveryError(deliveryId);
  return new ConcurrentChangeError("the alarm or its incident", { cause: error });
}
