import { createHash } from "node:crypto";
import type { AlarmTransition } from "../../alarm/transition";
import type { Incident } from "../../incident/model";
import type { MaintenanceWindow } from "../../maintenance/window";

/** Key builders for the single-table layout described in table.ts. */
export const keys = {
  incident: (id: string) => ({ pk: `INC#${id}`, sk: "META" }),
  incidentPartition: (id: string) => `INC#${id}`,
  timeline: (incidentId: string, entryId: string) => ({ pk: `INC#${incidentId}`, sk: `TL#${entryId}` }),
  incidentNumber: (n: number) => ({ pk: `INCNUM#${n}`, sk: "INCNUM" }),
  alarm: (arn: string) => ({ pk: `ALARM#${arn}`, sk: "STATE" }),
  delivery: (id: string) => ({ pk: `DELIVERY#${id}`, sk: "DELIVERY" }),
  /** One alarm transition (alarm, state, state timestamp), whichever channel delivered it. */
  transition: (arn: string, state: string, stateTimestamp: string) => ({
    pk: `TRANSITION#${arn}#${stateTimestamp}#${state}`,
    sk: "TRANSITION",
  }),
  counter: () => ({ pk: "COUNTER", sk: "INCIDENT" }),
  /** The open incident a group of alarms attaches to (alarm/grouping.ts): `<team>#<service>`. */
  alarmGroup: (key: string) => ({ pk: `GROUP#${key}`, sk: "GROUP" }),
  page: (incidentId: string, pageId: string) => ({ pk: `INC#${incidentId}`, sk: `PAGE#${pageId}` }),
  pagePrefix: () => "PAGE#",
  escalation: (incidentId: string) => ({ pk: `INC#${incidentId}`, sk: "ESCALATION" }),
  ackLink: (incidentId: string, pageId: string) => ({ pk: `INC#${incidentId}`, sk: `ACKLINK#${pageId}` }),
  /** An inbound SMS reply (paging/sms-reply.ts) taken once, by End User Messaging's inboundMessageId. */
  inboundSms: (inboundMessageId: string) => ({ pk: `SMSIN#${inboundMessageId}`, sk: "SMSIN" }),
  /** A test page (paging/test-pages.ts): its record, one item per person and method, its entry. */
  testPage: (id: string) => ({ pk: `TESTPAGE#${id}`, sk: "META" }),
  testPagePartition: (id: string) => `TESTPAGE#${id}`,
  /** One method of one person of a test page, by its send id (the id its ack link carries). */
  testPageSend: (id: string, sendId: string) => ({ pk: `TESTPAGE#${id}`, sk: `SEND#${sendId}` }),
  testPageSendPrefix: () => "SEND#",
  /** Its `page.test_requested` entry (a domain event, published by the outbox: its sk starts with TL#). */
  testPageTimeline: (id: string, entryId: string) => ({ pk: `TESTPAGE#${id}`, sk: `TL#${entryId}` }),
  /** When a person was last sent a test page (the rate limit: one a minute each). */
  testPageRate: (personId: string) => ({ pk: `TESTPAGERATE#${personId}`, sk: "RATE" }),
  directory: () => ({ pk: "DIRECTORY", sk: "CURRENT" }),
  /** The runtime shift overrides (oncall/shift-overrides.ts), beside the directory. */
  shiftOverrides: () => ({ pk: "DIRECTORY", sk: "OVERRIDES" }),
  /** People's own notification rules (oncall/notify-rules.ts), beside the directory. */
  personalRules: () => ({ pk: "DIRECTORY", sk: "NOTIFY" }),
  /** Contact-method verifications (oncall/contact-methods.ts), beside the directory (sorts first). */
  contactMethods: () => ({ pk: "DIRECTORY", sk: "CONTACTS" }),
  /** Their history: each change's timeline entry (a domain event, published by the outbox). */
  directoryTimeline: (entryId: string) => ({ pk: "DIRECTORY", sk: `TL#${entryId}` }),
  /** The gaps the hourly coverage check has already announced (oncall/coverage-alerts.ts). */
  coverageState: () => ({ pk: "COVERAGE", sk: "STATE" }),
  /** Its announcements: each one's timeline entry (a domain event, published by the outbox). */
  coverageTimeline: (entryId: string) => ({ pk: "COVERAGE", sk: `TL#${entryId}` }),
  /** The error-budget thresholds the hourly check has already announced (metrics/budget-alerts.ts). */
  budgetState: () => ({ pk: "BUDGETS", sk: "STATE" }),
  /** Its announcements: each one's timeline entry (a domain event, published by the outbox). */
  budgetTimeline: (entryId: string) => ({ pk: "BUDGETS", sk: `TL#${entryId}` }),
  /** An API token (SHA-256 hash only); all tokens share one partition, so listing is one Query. */
  apiToken: (id: string) => ({ pk: "APITOKEN", sk: `TOKEN#${id}` }),
  apiTokenPartition: () => "APITOKEN",
  /**
   * An integration key of an alert endpoint (core/integrations/keys.ts), found by the SHA-256 of
   * the key itself (senders present only the key); all keys share one partition, so listing is one Query.
   */
  integrationKey: (hash: string) => ({ pk: "INTEGRATION", sk: `KEY#${hash}` }),
  integrationKeyPartition: () => "INTEGRATION",
  /** A heartbeat (core/heartbeats) with its key's SHA-256; all in one partition, which the sweep reads. */
  heartbeat: (id: string) => ({ pk: "HEARTBEAT", sk: `HB#${id}` }),
  heartbeatPartition: () => "HEARTBEAT",
  /** The secret URL token of an iCal feed (adapters/dynamodb/oncall/calendar-store.ts), by its SHA-256. */
  calendarToken: (hash: string) => ({ pk: "CALENDAR", sk: `TOKEN#${hash}` }),
  calendarPartition: () => "CALENDAR",
  /** A change to a service (core/changes), sorted by when it happened. */
  change: (service: string, at: string, id: string) => ({
    pk: `CHANGES#${service}`,
    sk: `CHANGE#${at}#${id}`,
  }),
  changePartition: (service: string) => `CHANGES#${service}`,
  /** Its domain event (`change.recorded`), published by the outbox like any timeline entry. */
  changeTimeline: (entryId: string) => ({ pk: "CHANGES", sk: `TL#${entryId}` }),
  /** The incident's Slack channel record (channel id, summary message, invites, setup lease). */
  slackIncident: (incidentId: string) => ({ pk: `INC#${incidentId}`, sk: "SLACK" }),
  /** Slack channel id → incident id (INC-n defaults to the channel's incident). */
  slackChannel: (channelId: string) => ({ pk: `SLACKCH#${channelId}`, sk: "SLACKCH" }),
  /** The sort keys of a service's changes from `from` to `to` (inclusive), for a BETWEEN. */
  changeRange: (from: string, to: string) => ({ from: `CHANGE#${from}`, to: `CHANGE#${to}#\uffff` }),
  /** A stored postmortem version, in its incident's partition (`PM#000007`: sorted by version). */
  postmortem: (incidentId: string, version: number) => ({
    pk: `INC#${incidentId}`,
    sk: `PM#${String(version).padStart(6, "0")}`,
  }),
  postmortemPrefix: () => "PM#",
  /** The incident's latest postmortem metadata (the postmortems index's item). */
  postmortemMeta: (incidentId: string) => ({ pk: `INC#${incidentId}`, sk: "PMMETA" }),
  /** An ignored alarm (alarm/ignore.ts): its transitions counted, the last one kept. */
  ignoredAlarm: (arn: string) => ({ pk: IGNORED_PARTITION, sk: `ALARM#${arn}` }),
  /** Maintenance windows (core/maintenance): sorted by their end in one partition. */
  maintenance: {
    window: (w: Pick<MaintenanceWindow, "to" | "id">) => ({
      pk: MAINTENANCE_PARTITION,
      sk: `WINDOW#${w.to}#${w.id}`,
    }),
    /** The sort key from which windows end after `at`. */
    windowsAfter: (at: string) => `WINDOW#${at}`,
    number: (n: number) => ({ pk: `MAINTNUM#${n}`, sk: "MAINTNUM" }),
    counter: () => ({ pk: "COUNTER", sk: "MAINTENANCE" }),
    partition: (id: string) => `MAINT#${id}`,
    held: (id: string, t: Pick<AlarmTransition, "alarmArn" | "stateTimestamp" | "state">) => ({
      pk: `MAINT#${id}`,
      sk: `HELD#${t.alarmArn}#${t.stateTimestamp}#${t.state}`,
    }),
    heldPrefix: () => "HELD#",
    released: (id: string, arn: string) => ({ pk: `MAINT#${id}`, sk: `RELEASED#${arn}` }),
    releasedPrefix: () => "RELEASED#",
    timeline: (id: string, entryId: string) => ({ pk: `MAINT#${id}`, sk: `TL#${entryId}` }),
  },
  /** Action items (core/action-items): one partition, numbered per incident, created once per key. */
  actionItems: {
    item: (id: string) => ({ pk: ACTION_ITEMS_PARTITION, sk: `ITEM#${id}` }),
    itemPrefix: () => "ITEM#",
    counter: (incidentId: string) => ({ pk: `ACTIONNUM#${incidentId}`, sk: "ACTIONNUM" }),
    idempotency: (key: string) => ({
      pk: `ACTIONKEY#${createHash("sha256").update(key).digest("base64url")}`,
      sk: "ACTIONKEY",
    }),
  },
  /** The sort-key prefix of every timeline entry (`TL#<ulid>`), in any partition. */
  timelinePrefix: () => "TL#",
};

export const OPEN_PARTITION = "OPEN";
export const MAINTENANCE_PARTITION = "MAINT";
export const ACTION_ITEMS_PARTITION = "ACTIONS";
export const IGNORED_PARTITION = "IGNORED";
/** Partition keys of the incidentsByCreated and (sparse) resolvedByTime indexes. */
export const ALL_PARTITION = "INC";
export const RESOLVED_PARTITION = "RESOLVED";
/** Partition key of the sparse escalationsDue index. */
export const DUE_PARTITION = "DUE";
const MAX_MS = 9_999_999_999_999;

/** Sort key of the openBySeverity index: SEV1 first, then newest first. */
export function openSortKey(incident: Pick<Incident, "severity" | "createdAt" | "id">): string {
  const inverted = String(MAX_MS - Date.parse(incident.createdAt)).padStart(13, "0");
  return `${incident.severity}#${inverted}#${incident.id}`;
}

/** Sort key of the escalationsDue index: due time first, so "due by now" is one range condition. */
export function dueSortKey(dueAt: string, incidentId: string): string {
  return `${dueAt}#${incidentId}`;
}

/** Sort key of incidentsByCreated: creation time, then id (ties). */
export function createdSortKey(incident: Pick<Incident, "createdAt" | "id">): string {
  return `${incident.createdAt}#${incident.id}`;
}

/** Sort key of resolvedByTime. */
export function resolvedSortKey(resolvedAt: string, id: string): string {
  return `${resolvedAt}#${id}`;
}
