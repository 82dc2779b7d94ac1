/**
 * The exact detail-types (source `firebreak`) the Slack worker consumes. Dependency-free: the
 * infra rule (infra/slack.ts), the local runtime and the worker share this one list.
 */
export const SLACK_WORKER_EVENT_TYPES = [
  "slack.incident_declared",
  "slack.role_assigned",
  "incident.declared",
  "incident.status_changed",
  "incident.role_assigned",
  "incident.severity_changed",
  "incident.update_posted",
  "incident.merge_received",
  "incident.linked",
  "incident.unlinked",
  "postmortem.drafted",
  "oncall.coverage_gaps_found",
  "slo.budget_thresholds_crossed",
] as const;
