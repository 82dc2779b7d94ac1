import { randomUUID } from "node:crypto";
import type { AlarmState, AlarmTransition } from "@firebreak/core/alarm/transition";
import type { BusEvent } from "@firebreak/core/events/dispatcher";
import { eventFromEntry } from "@firebreak/core/events/publisher";
import type { TimelineEntry } from "@firebreak/core/incident/timeline";

/** A base instant; `at(s)` is `s` seconds after it, as an alarm state timestamp. */
export const T0 = Date.parse("2026-03-14T09:42:13.274Z");
export const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();

export function alarmArn(name: string, account = "210987654321", region = "eu-west-1"): string {
  return `arn:aws:cloudwatch:${region}:${account}:alarm:${name}`;
}

/** An AlarmTransition as the normaliser would produce it. */
export function transition(
  name: string,
  state: AlarmState,
  seconds: number,
  overrides: Partial<AlarmTransition> = {},
): AlarmTransition {
  return {
    format: "eventbridge",
    deliveryId: randomUUID(),
    alarmArn: alarmArn(name),
    alarmName: name,
    account: "210987654321",
    region: "eu-west-1",
    alarmType: "metric",
    state,
    previousState: state === "ALARM" ? "OK" : "ALARM",
    reason: `Threshold Crossed: test ${state}`,
    stateTimestamp: at(seconds),
    description: "severity: sev2\nservice: checkout",
    metrics: [],
    ...overrides,
  };
}

/** The EventBridge event an app-bus rule delivers for a timeline entry (as the outbox publishes it). */
export function busEvent(entry: TimelineEntry): BusEvent {
  return {
    version: "0",
    id: `eb-${entry.id}`,
    "detail-type": entry.kind,
    source: "firebreak",
    account: "123456789012",
    time: entry.at,
    region: "eu-west-1",
    resources: [],
    detail: eventFromEntry(entry),
  };
}
