import { TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import type { TransactWriteCommand } from "@aws-sdk/lib-dynamodb";
import { VersionConflictError } from "@firebreak/core/shared/errors";
import { ConcurrentChangeError } from "../../../incident/errors";
import type { Incident } from "../../../incident/model";
import {
  EscalationExistsError,
  type EscalationRecord,
  IncidentChangedError,
  type StoredPage,
} from "../../../paging/records";
import { pickFields } from "../items";
import { DUE_PARTITION, dueSortKey, keys } from "../keys";

/**
 * The item mapping of the paging records (the fields each item carries, and their keys), and what a
 * cancelled escalation write means.
 */

const PAGE_FIELDS = [
  "pageId",
  "incidentId",
  "channel",
  "target",
  "targetKey",
  "level",
  "round",
  "purpose",
  "delivery",
  "attempts",
  "sends",
  "error",
  "providerId",
  "requestedAt",
  "claimedAt",
  "deliveredAt",
  "failedAt",
  "acknowledgedAt",
  "acknowledgedBy",
  "requestedEntryId",
] as const;

export function toPage(item: Record<string, unknown>): StoredPage {
  const out: Record<string, unknown> = {};
  for (const field of PAGE_FIELDS) if (item[field] !== undefined) out[field] = item[field];
  out.state = item.acknowledgedAt !== undefined ? "acknowledged" : item.delivery;
  return out as unknown as StoredPage;
}

export function pageItem(page: StoredPage): Record<string, unknown> {
  const { state: _state, ...stored } = page;
  return { ...keys.page(page.incidentId, page.pageId), type: "page", ...stored };
}

const ESCALATION_FIELDS = [
  "incidentId",
  "version",
  "status",
  "doneReason",
  "severity",
  "declaredAt",
  "teamId",
  "teamName",
  "policyId",
  "policyName",
  "alertChannel",
  "directoryVersion",
  "ladder",
  "people",
  "steps",
  "ladderDone",
  "acknowledgedAt",
  "acknowledgedBy",
  "coverage",
  "nextDueAt",
  "startedAt",
  "updatedAt",
  "episode",
  "notBefore",
  "urgency",
  "held",
  "relatedPaged",
  "respondersPaged",
  "escalationRequests",
  "paged",
] as const;

export function toEscalation(item: Record<string, unknown>): EscalationRecord {
  return pickFields<EscalationRecord>(item, ESCALATION_FIELDS);
}

/** The item; on the due index only while active with a due time (so the index stays sparse). */
export function escalationItem(escalation: EscalationRecord): Record<string, unknown> {
  const due =
    escalation.status === "active" && escalation.nextDueAt
      ? { duePk: DUE_PARTITION, dueSk: dueSortKey(escalation.nextDueAt, escalation.incidentId) }
      : {};
  return { ...keys.escalation(escalation.incidentId), type: "escalation", ...escalation, ...due };
}

/** The escalation with the people of these new pages added to `paged` (each once, in order). */
export function withPaged(escalation: EscalationRecord, pages: readonly StoredPage[]): EscalationRecord {
  const paged = new Set(escalation.paged ?? []);
  for (const page of pages) if (page.target.kind === "person") paged.add(page.target.personId);
  return paged.size === (escalation.paged?.length ?? 0) ? escalation : { ...escalation, paged: [...paged] };
}

/** The few fields of the escalation item the list reads (a projection: the ladder snapshot is large). */
export const SUMMARY_FIELDS = [
  "incidentId",
  "status",
  "doneReason",
  "steps",
  "acknowledgedAt",
  "paged",
] as const;

export type TransactItem = NonNullable<
  ConstructorParameters<typeof TransactWriteCommand>[0]["TransactItems"]
>[number];

/** DynamoDB's limit on the items of one transaction. */
export const MAX_TRANSACTION_ITEMS = 100;

export function isConditionFailure(error: unknown): boolean {
  return (error as Error | undefined)?.name === "ConditionalCheckFailedException";
}

function versionOf(item: unknown): number | undefined {
  const value = (item as Record<string, unknown> | undefined)?.version;
  if (typeof value === "number") return value;
  if (value && typeof value === "object" && "N" in value) return Number((value as { N: string }).N);
  return undefined;
}

/** A cancelled escalation write (`saveEscalation`) as the error its first failed condition means. */
export function translateEscalationError(
  error: unknown,
  incidentId: string,
  expectedVersion: number | undefined,
  incident?: { before: Incident },
): unknown {
  if (!(error instanceof TransactionCanceledException)) return error;
  const reasons = error.CancellationReasons ?? [];
  if (reasons[0]?.Code === "ConditionalCheckFailed") {
    if (expectedVersion === undefined) return new EscalationExistsError(incidentId, { cause: error });
    const current = versionOf(reasons[0].Item);
    return new VersionConflictError(
      `the escalation of incident ${incidentId} changed since version ${expectedVersion} was read`,
      current,
      { cause: error },
    );
  }
  if (incident && reasons[1]?.Code === "ConditionalCheckFailed") {
    return new IncidentChangedError(incidentId, incident.before.version, versionOf(reasons[1].Item), {
      cause: error,
    });
  }
  return new ConcurrentChangeError(`the escalation of incident ${incidentId}`, { cause: error });
}
