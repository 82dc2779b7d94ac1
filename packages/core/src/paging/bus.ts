/**
 * The app-bus detail-types the pager consumes: `incident.declared` starts roles and pages;
 * `incident.status_changed`, `page.acknowledged` and `incident.severity_changed` (urgency may have
 * changed) and `incident.alarm_attached` (the IC hears of a grouped alarm) bring the escalation up
 * to date at once; `oncall.verification_requested` asks for a contact method's test message
 * (verify-send.ts) and `page.test_requested` sends a test page (test-page-send.ts; no incident):
 * only the pager has the channels.
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
  "oncall.verification_requested",
  "page.test_requested",
] as const;
