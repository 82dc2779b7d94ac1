/**
 * One alert from another monitor, whatever its format (Alertmanager, PagerDuty Events API v2,
 * Opsgenie Alert API), and how it becomes an `AlarmTransition`: the same alert → incident path as
 * CloudWatch alarms, with its dedup, ordering, grouping, maintenance and paging rules.
 *
 * - Its identity (Alertmanager's fingerprint, PagerDuty's dedup_key, Opsgenie's alias), under its
 *   integration key, is the alarm's identity: `<format>:<key id>:<identity>`. As in PagerDuty, a
 *   resolve through another key does not reach an alert opened through this one.
 * - A trigger is an ALARM and a resolve (close) an OK, which resolves the incident: the sender
 *   says so explicitly (alarm/episode.ts `resolvesOnOk`).
 * - Ordered by the sender's own time when it gives one that orders its alerts (Alertmanager's
 *   startsAt and endsAt), else by the time it arrived: a client clock never reorders a resolve
 *   before its trigger.
 */
import { singleLineText } from "@firebreak/core/shared/text";
import { normaliseTimestamp } from "@firebreak/core/shared/timestamp";
import { ALARM_CONTEXT_LIMITS, safeUrl } from "../alarm/context";
import type { AlarmTransition, ExternalSource } from "../alarm/transition";
import type { Severity } from "../incident/model";
import type { IntegrationFormat, IntegrationKey } from "./keys";

/** Where an alert comes from: an integration's sender, or a heartbeat that missed (core/heartbeats). */
export type AlertSource = IntegrationFormat | "heartbeat";

/** What an alert came through: an integration key, or a heartbeat (which maps like one). */
export type AlertChannel = Pick<IntegrationKey, "id" | "name" | "service" | "team">;

export const SENDERS: Record<AlertSource, string> = {
  alertmanager: "Prometheus Alertmanager",
  pagerduty: "PagerDuty Events API",
  opsgenie: "Opsgenie Alert API",
  sns: "Amazon SNS",
  heartbeat: "Firebreak heartbeat",
};

/** Bounds of what an alert carries (beyond the alarm context's own, alarm/context.ts). */
export const ALERT_LIMITS = {
  /** The identity (PagerDuty's own limit for dedup_key). */
  identity: 255,
  /** The title, which becomes the incident's title. */
  title: 255,
  /** Alerts in one request (a grouped Alertmanager notification). */
  alerts: 1_000,
} as const;

export type AlertAction = "trigger" | "acknowledge" | "resolve";

export interface ExternalAlert {
  identity: string;
  action: AlertAction;
  title: string;
  /** One line on what is wrong (the transition's reason). */
  summary?: string;
  description?: string;
  /** Labels or tags: they classify (severity, service, team) as CloudWatch alarm tags do. */
  labels?: Record<string, string>;
  severity?: Severity;
  links: { label: string; url: string }[];
  sourceUrl?: string;
  /** When the sender says the alert started (trigger) or ended (resolve), when that orders its alerts. */
  at?: string;
  /**
   * What makes two requests the same delivery, when the sender says (its own event time): a
   * redelivery is then a duplicate. Without it, a repeat trigger appends to the open incident,
   * and a repeat resolve finds it resolved: the same outcome, recorded again.
   */
  deliveryHint?: string;
}

/** critical, error, warning, info (PagerDuty, Alertmanager's usual labels) → SEV1 … SEV4. */
export const SEVERITY_WORDS: Record<string, Severity> = {
  critical: "SEV1",
  error: "SEV2",
  warning: "SEV3",
  info: "SEV4",
};

/** Labels' usual words beyond PagerDuty's four: `page` (wake someone: high urgency), `ticket`. */
const LABEL_WORDS: Record<string, Severity> = { page: "SEV2", ticket: "SEV4" };

/** A severity word or `sevN`/`pN`/`N` (case-insensitive) → SEV1 … SEV5; undefined otherwise. */
export function severityOf(value: string | undefined): Severity | undefined {
  if (value === undefined) return undefined;
  const word = value.trim().toLowerCase();
  const mapped = SEVERITY_WORDS[word] ?? LABEL_WORDS[word];
  if (mapped) return mapped;
  const digits = /^(?:sev|p)?\s*([1-5])$/.exec(word)?.[1];
  return digits ? (`SEV${digits}` as Severity) : undefined;
}

/** Single-line text cut to `max` characters (with an ellipsis). */
export function line(text: string, max: number): string {
  const chars = [...singleLineText(text).trim()];
  return chars.length <= max ? chars.join("") : `${chars.slice(0, max - 1).join("")}…`;
}

/** A link the sender gave, kept when it is a safe http(s) URL; its label cut to the context's bound. */
export function senderLink(
  label: string | undefined,
  url: unknown,
): { label: string; url: string } | undefined {
  if (typeof url !== "string") return undefined;
  const safe = safeUrl(url.trim());
  if (!safe) return undefined;
  const text = label ? line(label, ALARM_CONTEXT_LIMITS.linkLabel) : "";
  return { label: text || new URL(safe).host, url: safe };
}

/** The alarm identity of an alert under its integration key. */
export function alertArn(format: AlertSource, key: Pick<IntegrationKey, "id">, identity: string): string {
  return `${format}:${key.id}:${identity}`;
}

/** The transition an alert's trigger or resolve makes (an acknowledge makes none: see receive.ts). */
export function transitionOf(
  format: AlertSource,
  key: AlertChannel,
  alert: ExternalAlert,
  receivedAt: Date,
): AlarmTransition {
  const at = (alert.at && normaliseTimestamp(alert.at)) || receivedAt.toISOString();
  const state = alert.action === "resolve" ? "OK" : "ALARM";
  const external: ExternalSource = {
    sender: SENDERS[format],
    integration: { id: key.id, name: key.name },
    ...(key.service ? { service: key.service } : {}),
    ...(key.team ? { team: key.team } : {}),
    ...(alert.severity ? { severity: alert.severity } : {}),
    links: alert.links.slice(0, ALARM_CONTEXT_LIMITS.links),
    ...(alert.sourceUrl ? { sourceUrl: alert.sourceUrl } : {}),
  };
  const title = line(alert.title, ALERT_LIMITS.title) || "alert";
  const summary = alert.summary ? line(alert.summary, ALARM_CONTEXT_LIMITS.reason) : undefined;
  return {
    format,
    deliveryId: `${format}:${key.id}:${alert.identity}:${alert.action}:${alert.deliveryHint ?? receivedAt.toISOString()}`,
    alarmArn: alertArn(format, key, alert.identity),
    alarmName: title,
    account: "",
    region: "",
    alarmType: "metric",
    state,
    reason: summary ?? (state === "OK" ? `${SENDERS[format]}: resolved` : title),
    stateTimestamp: at,
    ...(alert.description ? { description: alert.description } : {}),
    metrics: [],
    ...(alert.labels && Object.keys(alert.labels).length > 0 ? { tags: alert.labels } : {}),
    external,
  };
}
