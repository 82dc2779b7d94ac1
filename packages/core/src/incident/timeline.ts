import type { Actor } from "./model";

/**
 * Timeline entry kinds. Each kind is also the domain event's detail-type on the app bus, so the
 * names are a public contract: add kinds, never rename them. The `data` of each kind is typed
 * below (`TimelineData`).
 */
export const TIMELINE_KINDS = [
  "incident.declared",
  "incident.alarm_transition",
  "incident.status_changed",
  "incident.flapping",
  "incident.role_assigned",
  "incident.update_posted",
  "incident.severity_changed",
  "page.requested",
  "page.delivered",
  "page.failed",
  "page.acknowledged",
  "postmortem.drafted",
  "escalation.started",
  "escalation.not_started",
  "escalation.escalated",
  "escalation.level_skipped",
  "escalation.role_coverage",
  "escalation.stopped",
  "incident.role_flagged",
  "escalation.restarted",
  "page.held",
  "page.hold_cancelled",
  "incident.alarm_attached",
  "escalation.related_alarm",
  "incident.responder_requested",
  "escalation.responder_not_paged",
  "incident.escalation_requested",
  "escalation.repaged",
  "escalation.request_noop",
  "incident.merged",
  "incident.merge_received",
  "incident.linked",
  "incident.unlinked",
  // A maintenance window's own timeline (core/maintenance): `incidentId` is the window's id.
  "maintenance.scheduled",
  "maintenance.cancelled",
  "maintenance.alarm_held",
  "maintenance.alarm_released",
  "maintenance.ended",
  // Runtime shift overrides (core/oncall/shift-overrides.ts): `incidentId` is the override's id (OV-n).
  "oncall.override_created",
  "oncall.override_cancelled",
  // A person's own notification rules (core/oncall/notify-rules.ts): `incidentId` is `NOTIFY#<person id>`.
  "oncall.notify_rules_changed",
  // Contact-method verification (core/oncall/verify-actions.ts): `incidentId` is `CONTACT#<person id>`.
  "oncall.verification_requested",
  "oncall.verification_sent",
  "oncall.contact_verified",
  // A test page (core/paging/test-pages.ts): `incidentId` is `TESTPAGE#<test page id>`, never an incident's.
  "page.test_requested",
  // A change to a service (core/changes): `incidentId` is the change's id.
  "change.recorded",
  // Action items (core/action-items): entries of their incident's timeline.
  "action_item.created",
  "action_item.updated",
] as const;
export type TimelineKind = (typeof TIMELINE_KINDS)[number] | (string & {});

export const ROLES = ["ic", "ops", "comms", "scribe", "planning", "logistics"] as const;
export type Role = (typeof ROLES)[number];

/** The documented shape of `data` for each kind (extra fields may be present). */
export interface TimelineData {
  "incident.declared": {
    number: number;
    title: string;
    severity: string;
    services: string[];
    source: "alarm" | "manual";
    description?: string;
    alarm?: { name: string; arn: string; account: string; region: string };
  };
  "incident.alarm_transition": {
    alarmArn: string;
    alarmName?: string;
    state: "OK" | "ALARM" | "INSUFFICIENT_DATA";
    previousState?: string;
    reason?: string;
    stateTimestamp: string;
    late: boolean;
    recordedBefore?: boolean;
  };
  /** `reopened`: a resolved incident back to declared (its alarm fired again within the reopen window). */
  "incident.status_changed": {
    from: string;
    to: string;
    summary?: string;
    automatic?: boolean;
    reopened?: boolean;
    reopens?: number;
    /** Resolved by merging it into `into` (core/incident/merge.ts): no postmortem of its own. */
    merged?: { into: { id: string; number: number; title: string } };
  };
  "incident.flapping": { alarmArn: string; transitions: number; windowMinutes: number; threshold: number };
  /** An assignment; with `previous`, a handoff from that person. */
  "incident.role_assigned": {
    role: Role;
    personId: string;
    personName?: string;
    previous?: { personId: string; personName?: string; since: string };
  };
  /**
   * A stakeholder status update; `temporary` marks a temporary mitigation to roll back, `public`
   * shows it on the public status page (absent on updates stored before the flag: not public).
   */
  "incident.update_posted": { text: string; temporary: boolean; public?: boolean };
  "incident.severity_changed": { from: string; to: string };
  /** On the duplicate: merged into `into` (and resolved by it, in an `incident.status_changed`). */
  "incident.merged": { into: { id: string; number: number; title: string }; reason?: string };
  /** On the surviving incident: `from` was merged in; its alarms now attach here, with their states. */
  "incident.merge_received": {
    from: { id: string; number: number; title: string };
    alarms: { arn: string; name: string; state?: string; stateTimestamp?: string }[];
    reason?: string;
  };
  /** On both incidents, each naming the other. */
  "incident.linked": { other: { id: string; number: number; title: string }; reason?: string };
  "incident.unlinked": { other: { id: string; number: number; title: string } };
}

export interface TimelineEntry {
  /** ULID, sortable by time of recording. */
  id: string;
  incidentId: string;
  kind: TimelineKind;
  actor: Actor;
  /** When it was recorded (ISO 8601, UTC). */
  at: string;
  /** One-line human text. */
  summary: string;
  data: Record<string, unknown>;
}
