/**
 * Prometheus Alertmanager's webhook notification (version 4), as its `webhook_configs` receiver
 * posts it: a group of alerts, firing and resolved mixed, each with its labels, annotations,
 * `startsAt`/`endsAt` and `fingerprint`
 * (https://prometheus.io/docs/alerting/latest/configuration/#webhook_config).
 *
 * - Each alert's fingerprint is its identity (without one, a hash of its sorted labels, which is
 *   what Alertmanager fingerprints).
 * - Labels are its tags: `severity`, `service` and `team` classify it; `severity` may also be a
 *   word (critical, error, warning, info).
 * - Annotations are its context: `summary` (the reason), `description`, `runbook_url` and
 *   `dashboard_url` (links); `generatorURL` is where it lives.
 * - A firing alert is ordered by its `startsAt`, a resolved one by its `endsAt`: Alertmanager
 *   repeats a firing alert with the same `startsAt`, which is then a duplicate.
 * - One malformed alert is refused on its own (dead-lettered with its reason); the others go on.
 * - `truncatedAlerts` (alerts left out by `max_alerts`) is reported, never ignored quietly.
 */
import { createHash } from "node:crypto";
import { ValidationError, type ValidationIssue } from "@firebreak/core/shared/errors";
import { normaliseTimestamp } from "@firebreak/core/shared/timestamp";
import { tagsFrom } from "../alarm/tags";
import { ALERT_LIMITS, type ExternalAlert, line, senderLink, severityOf } from "./alert";

export const ALERTMANAGER_FORMAT =
  'an Alertmanager webhook notification (version "4"): { "version": "4", "status", "alerts": [{ "status": "firing" | "resolved", "labels", "annotations", "startsAt", "endsAt", "fingerprint" }] }';

export interface AlertmanagerNotification {
  alerts: ExternalAlert[];
  /** Alerts of the notification that could not be read, each with its reason. */
  refused: { index: number; issues: ValidationIssue[]; alert: unknown }[];
  truncatedAlerts: number;
  groupKey?: string;
}

const record = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** String values of a labels or annotations object (others dropped). */
function strings(value: unknown): Record<string, string> {
  if (!record(value)) return {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) if (typeof v === "string") out[k] = v;
  return out;
}

/** Alertmanager's fingerprint is a hash of the label set; ours, when a sender leaves it out. */
function labelsFingerprint(labels: Record<string, string>): string {
  const sorted = Object.keys(labels)
    .sort()
    .map((k) => `${k}\u0000${labels[k]}`)
    .join("\u0001");
  return createHash("sha256").update(sorted, "utf8").digest("hex").slice(0, 16);
}

/** Is this body an Alertmanager notification at all (else: another format, or none)? */
export function looksLikeAlertmanager(body: unknown): boolean {
  return record(body) && Array.isArray(body.alerts) && (body.version !== undefined || "groupKey" in body);
}

function readAlert(raw: unknown, index: number): ExternalAlert | ValidationIssue[] {
  const at = (field: string) => `alerts[${index}].${field}`;
  if (!record(raw)) return [{ path: `alerts[${index}]`, message: "expected an object" }];
  const issues: ValidationIssue[] = [];
  const status = raw.status;
  if (status !== "firing" && status !== "resolved")
    issues.push({ path: at("status"), message: 'expected "firing" or "resolved"' });
  const labels = strings(raw.labels);
  if (!record(raw.labels) || Object.keys(labels).length === 0)
    issues.push({ path: at("labels"), message: "expected an object of string labels (at least alertname)" });
  const time = status === "resolved" ? "endsAt" : "startsAt";
  const timestamp = typeof raw[time] === "string" ? normaliseTimestamp(raw[time] as string) : undefined;
  if (!timestamp)
    issues.push({ path: at(time), message: `expected an RFC 3339 timestamp (the alert's ${time})` });
  const fingerprint =
    typeof raw.fingerprint === "string" && raw.fingerprint.trim()
      ? raw.fingerprint.trim()
      : labelsFingerprint(labels);
  if (fingerprint.length > ALERT_LIMITS.identity)
    issues.push({ path: at("fingerprint"), message: `at most ${ALERT_LIMITS.identity} characters` });
  if (issues.length > 0 || !timestamp) return issues;
  const annotations = strings(raw.annotations);
  const summary = annotations.summary ?? annotations.message;
  const links = [
    senderLink("Runbook", annotations.runbook_url ?? annotations.runbook),
    senderLink("Dashboard", annotations.dashboard_url ?? annotations.dashboard),
  ].filter((l) => l !== undefined);
  const source = senderLink("Source", raw.generatorURL);
  const tags = tagsFrom(labels);
  const severity = severityOf(labels.severity);
  return {
    identity: fingerprint,
    action: status === "resolved" ? "resolve" : "trigger",
    title: line(labels.alertname ?? summary ?? "alert", ALERT_LIMITS.title),
    ...(summary ? { summary } : {}),
    ...(annotations.description ? { description: annotations.description } : {}),
    ...(tags ? { labels: tags } : {}),
    ...(severity ? { severity } : {}),
    links,
    ...(source ? { sourceUrl: source.url } : {}),
    at: timestamp,
    deliveryHint: timestamp,
  };
}

/**
 * Reads a notification. A body that is not one at all throws `ValidationError` (a 400 naming the
 * accepted format); alerts that cannot be read are returned in `refused`, the rest in `alerts`.
 */
export function readAlertmanagerNotification(body: unknown): AlertmanagerNotification {
  if (!looksLikeAlertmanager(body) || !record(body) || !Array.isArray(body.alerts))
    throw new ValidationError(`Not an Alertmanager notification: expected ${ALERTMANAGER_FORMAT}`, [
      { path: "(root)", message: `expected ${ALERTMANAGER_FORMAT}` },
    ]);
  if (body.version !== undefined && body.version !== "4")
    throw new ValidationError(
      `Alertmanager webhook version ${JSON.stringify(body.version)} is not supported: expected "4"`,
      [{ path: "version", message: 'expected "4" (Alertmanager 0.16 and later)' }],
    );
  if (body.alerts.length > ALERT_LIMITS.alerts)
    throw new ValidationError(
      `Too many alerts in one notification (${body.alerts.length}): at most ${ALERT_LIMITS.alerts}; lower max_alerts`,
      [{ path: "alerts", message: `at most ${ALERT_LIMITS.alerts} alerts (set max_alerts on the webhook)` }],
    );
  const alerts: ExternalAlert[] = [];
  const refused: AlertmanagerNotification["refused"] = [];
  for (const [index, raw] of body.alerts.entries()) {
    const read = readAlert(raw, index);
    if (Array.isArray(read)) refused.push({ index, issues: read, alert: raw });
    else alerts.push(read);
  }
  const truncated =
    typeof body.truncatedAlerts === "number" && body.truncatedAlerts > 0 ? body.truncatedAlerts : 0;
  return {
    alerts,
    refused,
    truncatedAlerts: Math.floor(truncated),
    ...(typeof body.groupKey === "string" ? { groupKey: body.groupKey.slice(0, 500) } : {}),
  };
}
