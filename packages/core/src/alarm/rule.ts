/**
 * The EventBridge pattern of the default-bus rule that sends alarm state changes to
 * alarm-ingest. `infra/events.ts` deploys exactly this object, and the local runtime routes
 * `POST /events` with it, so the two cannot disagree.
 */
export const ALARM_RULE_PATTERN = {
  source: ["aws.cloudwatch"],
  "detail-type": ["CloudWatch Alarm State Change"],
} as const;

/** Exact-match semantics of an EventBridge pattern over top-level string fields. */
export function matchesRule(
  event: Record<string, unknown>,
  pattern: Readonly<Record<string, readonly string[]>> = ALARM_RULE_PATTERN,
): boolean {
  return Object.entries(pattern).every(([field, values]) => {
    const value = event[field];
    return typeof value === "string" && values.includes(value);
  });
}
