/**
 * The app-bus detail-types the pager consumes: `incident.declared` starts roles and pages;
 * `incident.status_changed`, `page.acknowledged` and `incident.severity_changed` (urgency may have
 * changed) and `incident.alarm_attached` (the IC hears of a grouped alarm) bring the escalation up
 * to date at once; `page.test_requested` sends a test page (test-page-send.ts; no incident).
 * Shared by the Lambda handler, its bus rule (infra/paging.ts) and the local runtime.
 */
export const PAGER_EVENT_TYPES = [
  "incident.declared",
  "incident.status_changed",
  "page.acknowledged",
  "incident.severity_changed",
  "incident.alarm_attached",
  "incident.responder_requested",
  "incident.escalation_requested",
  "page.test_requested",
] as const;
