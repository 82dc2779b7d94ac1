/**
 * The incident store's reads: alarm records, delivery and transition keys and the counter in one
 * BatchGetItem, alarm groups, incidents with their partitions, INC-<n> lookups and the lists
 * (incident-list.ts). The writes extend it (`IncidentStore` in incident-store.ts).
 */
import { type DynamoDBDocumentClient, GetCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import type { AlarmRecord, TransitionKey } from "../../../alarm/record";
import type { Incident, IncidentListQuery, Page } from "../../../incident/model";
import type { TimelineEntry } from "../../../incident/timeline";
import { batchGetItems } from "../items";
import { keys } from "../keys";
import { permanentStorageError } from "../store-errors";
import { toEntry, toIncident } from "./incident-items";
import { listIncidentPage, listOpenPage } from "./incident-list";

/** How long after a lost number claim openings allocate their number with the atomic counter. */
const COUNTER_CONTENTION_MS = 10_000;

/** What the incident store reads; `IncidentStore` adds the writes. */
export class IncidentReads {
  /** When a number claimed in a transaction last lost to another writer of the counter (ms). */
  protected counterContendedAt = Number.NEGATIVE_INFINITY;

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

  /** Items by key, strongly consistent (adapters/dynamodb/items.ts). */
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
  listOpen(options: { limit?: number; cursor?: string } = {}): Promise<Page<Incident>> {
    return listOpenPage(this.db, this.tableName, options);
  }

  /**
   * Incidents by status (open: SEV1 first then newest; resolved: newest resolved first; all:
   * newest first), optionally one severity (a key condition on the open index, a filter on the
   * others) and one service (a filter). Each page is index Queries only; the cursor is the key of
   * the last item returned, so a filtered page that stops mid-way resumes exactly there.
   */
  listIncidents(query: IncidentListQuery): Promise<Page<Incident>> {
    return listIncidentPage(this.db, this.tableName, query);
  }

  /** INC-<n> → the incident. */
  async getIncidentByNumber(n: number): Promise<Incident | undefined> {
    const out = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: keys.incidentNumber(n) }),
    );
    const id = out.Item?.incidentId;
    return typeof id === "string" ? this.getIncident(id) : undefined;
  }
}
