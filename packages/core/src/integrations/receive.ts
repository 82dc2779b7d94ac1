/**
 * What every alert endpoint does once its format is read (functions/integrations.ts): each
 * trigger and resolve goes through the alarm ingest (`ingestAlarmTransition`), exactly as a
 * CloudWatch alarm's transition; an acknowledge acknowledges the incident open for the alert.
 *
 * Alerts are independent: one refused (a timestamp too far ahead, an item DynamoDB refuses) is
 * dead-lettered with its reason and the others go on; one that failed for a reason a retry can fix
 * makes the whole request fail after the rest were processed (`RetryableBatchError`), and the
 * sender's retry is idempotent (the delivery id, the transition's own timestamp).
 */
import { systemClock } from "@firebreak/core/shared/clock";
import { FirebreakError, ValidationError, type ValidationIssue } from "@firebreak/core/shared/errors";
import type { DeadLetterSink } from "../alarm/dead-letter";
import { type IngestDeps, type IngestOutcome, ingestAlarmTransition } from "../alarm/ingest";
import { RetryableBatchError, withBoundedDepth } from "../alarm/process";
import { setStatus } from "../incident/actions";
import type { Actor } from "../incident/model";
import {
  type AlertChannel,
  type AlertSource,
  alertArn,
  type ExternalAlert,
  SENDERS,
  transitionOf,
} from "./alert";
import type { IntegrationKey } from "./keys";

export interface ReceiveDeps extends IngestDeps {
  deadLetters: DeadLetterSink;
}

export type AlertOutcome = IngestOutcome | "acknowledged" | "no_open_incident" | "refused";

export interface AlertResult {
  identity: string;
  action: ExternalAlert["action"];
  outcome: AlertOutcome;
  incidentId?: string;
  incidentNumber?: number;
  reason?: string;
}

/** A dead letter for something an integration sent that cannot be processed. */
export async function deadLetterAlert(
  deps: Pick<ReceiveDeps, "deadLetters" | "clock">,
  format: AlertSource,
  key: Pick<IntegrationKey, "id" | "name"> | undefined,
  reason: string,
  issues: ValidationIssue[],
  event: unknown,
): Promise<void> {
  await deps.deadLetters.send({
    source: `integration:${format}`,
    reason: key ? `${reason} (integration ${key.name}, ${key.id})` : reason,
    issues,
    event: withBoundedDepth(event, 40),
    at: (deps.clock ?? systemClock).now().toISOString(),
  });
}

/** Acknowledges the incident open for the alert, as the integration. */
async function acknowledgeAlert(
  deps: ReceiveDeps,
  format: AlertSource,
  key: AlertChannel,
  alert: ExternalAlert,
): Promise<AlertResult> {
  const arn = alertArn(format, key, alert.identity);
  const [record] = await deps.store.getAlarmRecords([arn]);
  const base = { identity: alert.identity, action: alert.action } as const;
  if (!record?.openIncidentId)
    return { ...base, outcome: "no_open_incident", reason: "no incident is open for this alert" };
  const actor: Actor = { type: "alarm", id: arn, name: `${SENDERS[format]} (${key.name})` };
  try {
    const { incident, changed } = await setStatus(
      { store: deps.store, ...(deps.clock ? { clock: deps.clock } : {}) },
      record.openIncidentId,
      { to: "acknowledged" },
      actor,
    );
    return {
      ...base,
      outcome: "acknowledged",
      incidentId: incident.id,
      incidentNumber: incident.number,
      ...(changed ? {} : { reason: `INC-${incident.number} was already ${incident.status}` }),
    };
  } catch (error) {
    // Moving back from mitigated or resolved: the incident is past acknowledging; nothing to do.
    if (error instanceof FirebreakError && error.code === "illegal_transition")
      return { ...base, outcome: "no_open_incident", reason: error.message };
    throw error;
  }
}

/** Processes the alerts of one request, in order. */
export async function receiveAlerts(
  deps: ReceiveDeps,
  format: AlertSource,
  key: AlertChannel,
  alerts: readonly ExternalAlert[],
  /**
   * Whether the request is out of time (the function's remaining time, read by the edge): the
   * alerts not reached by then make it fail for the sender to retry, before the function times
   * out. The retry finds those already processed to be duplicates, and goes on from there.
   */
  outOfTime: () => boolean = () => false,
): Promise<AlertResult[]> {
  const clock = deps.clock ?? systemClock;
  const receivedAt = clock.now();
  const results: AlertResult[] = [];
  const retryable: unknown[] = [];
  for (const [index, alert] of alerts.entries()) {
    if (outOfTime()) {
      retryable.push(new Error(`out of time after ${index} of ${alerts.length} alerts: send the rest again`));
      break;
    }
    const base = { identity: alert.identity, action: alert.action } as const;
    try {
      if (alert.action === "acknowledge") {
        results.push(await acknowledgeAlert(deps, format, key, alert));
        continue;
      }
      const transition = transitionOf(format, key, alert, receivedAt);
      const result = await ingestAlarmTransition(deps, transition);
      results.push({
        ...base,
        outcome: result.outcome,
        ...(result.incidentId ? { incidentId: result.incidentId } : {}),
        ...(result.incidentNumber ? { incidentNumber: result.incidentNumber } : {}),
        ...(result.reason ? { reason: result.reason } : {}),
      });
    } catch (error) {
      if (error instanceof ValidationError) {
        await deadLetterAlert(deps, format, key, error.message, error.issues, alert);
        results.push({ ...base, outcome: "refused", reason: error.message });
        continue;
      }
      retryable.push(error);
    }
  }
  if (retryable.length > 0) throw new RetryableBatchError(retryable);
  return results;
}
