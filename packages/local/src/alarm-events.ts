import { randomUUID } from "node:crypto";
import type { AlarmState } from "@firebreak/core/alarm/transition";

export interface SimulatedAlarm {
  name: string;
  state: AlarmState;
  service?: string;
  severity?: string;
  reason?: string;
  description?: string;
  account: string;
  region: string;
  at?: Date;
  /** The alarm's tags, as CloudWatch propagates them (`detail.alarmTags`). */
  tags?: Record<string, string>;
}

/** CloudWatch's state timestamp format: `2025-03-14T09:42:13.274+0000`. */
export function cloudWatchTimestamp(date: Date): string {
  return date.toISOString().replace("Z", "+0000");
}

const PREVIOUS: Record<AlarmState, AlarmState> = { ALARM: "OK", OK: "ALARM", INSUFFICIENT_DATA: "OK" };

/**
 * A real-format EventBridge `CloudWatch Alarm State Change` event for a single-metric alarm, as
 * CloudWatch sends it to the default bus.
 */
export function alarmStateChangeEvent(alarm: SimulatedAlarm) {
  const at = alarm.at ?? new Date();
  const lines = [
    ...(alarm.severity ? [`severity: ${alarm.severity.toLowerCase()}`] : []),
    ...(alarm.service ? [`service: ${alarm.service}`] : []),
    ...(alarm.description ? [alarm.description] : []),
  ];
  const reason =
    alarm.reason ??
    (alarm.state === "ALARM"
      ? "Threshold Crossed: 1 out of the last 1 datapoints [42.0] was greater than or equal to the threshold (25.0) (simulated by firebreak alarm fire)."
      : alarm.state === "OK"
        ? "Threshold Crossed: 1 out of the last 1 datapoints [3.0] was not greater than or equal to the threshold (25.0) (simulated by firebreak alarm ok)."
        : "Insufficient Data: 1 datapoint was unknown (simulated).");
  const timestamp = cloudWatchTimestamp(at);
  return {
    version: "0",
    id: randomUUID(),
    "detail-type": "CloudWatch Alarm State Change",
    source: "aws.cloudwatch",
    account: alarm.account,
    time: at.toISOString().replace(/\.\d{3}Z$/, "Z"),
    region: alarm.region,
    resources: [`arn:aws:cloudwatch:${alarm.region}:${alarm.account}:alarm:${alarm.name}`],
    detail: {
      alarmName: alarm.name,
      ...(alarm.tags ? { alarmTags: alarm.tags } : {}),
      state: {
        value: alarm.state,
        reason,
        reasonData: JSON.stringify({
          version: "1.0",
          queryDate: timestamp,
          statistic: "Sum",
          period: 60,
          recentDatapoints: [alarm.state === "ALARM" ? 42 : 3],
          threshold: 25,
        }),
        timestamp,
      },
      previousState: {
        value: PREVIOUS[alarm.state],
        reason: "previous state (simulated)",
        timestamp: cloudWatchTimestamp(new Date(at.getTime() - 60_000)),
      },
      configuration: {
        ...(lines.length ? { description: lines.join("\n") } : {}),
        metrics: [
          {
            id: "m1",
            metricStat: {
              metric: {
                namespace: "Firebreak/Simulated",
                name: alarm.name,
                dimensions: alarm.service ? { Service: alarm.service } : {},
              },
              period: 60,
              stat: "Sum",
            },
            returnData: true,
          },
        ],
      },
    },
  };
}
