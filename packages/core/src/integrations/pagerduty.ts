/**
 * PagerDuty Events API v2 (`POST /v2/enqueue`), as PagerDuty documents it
 * (https://developer.pagerduty.com/docs/events-api-v2/trigger-events/):
 *
 * - `routing_key` is the integration key; `event_action` is trigger, acknowledge or resolve;
 * - `dedup_key` is the alert's identity; a trigger without one gets a new one, returned;
 * - `payload.summary`, `payload.source` and `payload.severity` (critical, error, warning, info →
 *   SEV1 … SEV4) are required on a trigger; `component`, `group`, `class` and `custom_details`
 *   become context (and `component`, `group`, `class` tags), `links[]` and `images[].href` links,
 *   `client_url` where the alert lives;
 * - answers `202 {"status":"success","message":"Event processed","dedup_key":…}`, and refusals as
 *   PagerDuty does: `400 {"status":"invalid event","message":"Event object is invalid","errors":[…]}`.
 *
 * Acknowledge and resolve need `dedup_key`. Ordered by arrival (a client's `payload.timestamp` is
 * context, and makes a redelivery of the same event a duplicate).
 */
import { randomBytes } from "node:crypto";
import { normaliseTimestamp } from "@firebreak/core/shared/timestamp";
import { tagsFrom } from "../alarm/tags";
import {
  ALERT_LIMITS,
  type AlertAction,
  type ExternalAlert,
  line,
  SEVERITY_WORDS,
  senderLink,
  severityOf,
} from "./alert";

export const PAGERDUTY_ACTIONS = ["trigger", "acknowledge", "resolve"] as const;

/** A PagerDuty event refused, with PagerDuty's own error strings. */
export class PagerDutyEventError extends Error {
  constructor(readonly errors: string[]) {
    super(errors.join("; "));
    this.name = "PagerDutyEventError";
  }
}

export interface PagerDutyEvent {
  routingKey: string;
  alert: ExternalAlert;
  /** The dedup_key was generated here (the sender sent none): return it. */
  generated: boolean;
}

const record = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

const text = (value: unknown): string | undefined =>
  typeof value === "string" && value.trim() ? value.trim() : undefined;

/** custom_details and the PD-CEF fields as lines of text, bounded (alarm context cuts it further). */
function detailsText(payload: Record<string, unknown>): string | undefined {
  const lines: string[] = [];
  for (const field of ["source", "component", "group", "class"]) {
    const value = text(payload[field]);
    if (value) lines.push(`${field}: ${line(value, 300)}`);
  }
  const details = payload.custom_details;
  if (record(details)) {
    for (const [key, value] of Object.entries(details).slice(0, 50)) {
      const shown = typeof value === "string" ? value : JSON.stringify(value);
      if (shown !== undefined) lines.push(`${line(key, 100)}: ${line(shown, 500)}`);
    }
  } else if (typeof details === "string" && details.trim()) lines.push(details.trim().slice(0, 2_000));
  return lines.length > 0 ? lines.join("\n") : undefined;
}

/** Reads an Events API v2 alert event, or throws `PagerDutyEventError` naming each problem. */
export function readPagerDutyEvent(body: unknown): PagerDutyEvent {
  if (!record(body)) throw new PagerDutyEventError(["Event object is invalid: expected a JSON object"]);
  const errors: string[] = [];
  const routingKey = text(body.routing_key);
  if (!routingKey) errors.push("'routing_key' is missing or blank");
  const action = body.event_action;
  if (!PAGERDUTY_ACTIONS.includes(action as AlertAction))
    errors.push(`'event_action' is invalid (expected one of ${PAGERDUTY_ACTIONS.join(", ")})`);
  const given = body.dedup_key;
  if (given !== undefined && given !== null && typeof given !== "string")
    errors.push("'dedup_key' must be a string");
  let dedupKey = text(given);
  if (dedupKey && dedupKey.length > ALERT_LIMITS.identity)
    errors.push(`'dedup_key' is too long (at most ${ALERT_LIMITS.identity} characters)`);
  if ((action === "acknowledge" || action === "resolve") && !dedupKey)
    errors.push(`'dedup_key' is missing or blank (required to ${action})`);
  const payload = body.payload;
  let severity: ExternalAlert["severity"];
  if (action === "trigger") {
    if (!record(payload)) errors.push("'payload' is missing or not an object");
    else {
      if (!text(payload.summary)) errors.push("'payload.summary' is missing or blank");
      else if ((payload.summary as string).length > 1024)
        errors.push("'payload.summary' is too long (at most 1024 characters)");
      if (!text(payload.source)) errors.push("'payload.source' is missing or blank");
      const word = typeof payload.severity === "string" ? payload.severity : undefined;
      severity = word && word in SEVERITY_WORDS ? severityOf(word) : undefined;
      if (!severity)
        errors.push(
          `'payload.severity' is invalid (expected one of ${Object.keys(SEVERITY_WORDS).join(", ")})`,
        );
    }
  }
  if (errors.length > 0 || !routingKey) throw new PagerDutyEventError(errors);
  const generated = !dedupKey;
  dedupKey ??= randomBytes(16).toString("hex");
  const trigger = record(payload) ? payload : {};
  const summary = text(trigger.summary);
  const links = [
    ...(Array.isArray(body.links) ? body.links : []).map((l) =>
      record(l) ? senderLink(text(l.text), l.href) : undefined,
    ),
    ...(Array.isArray(body.images) ? body.images : []).map((i) =>
      record(i) ? senderLink(text(i.alt) ?? "Image", i.href ?? i.src) : undefined,
    ),
  ].filter((l) => l !== undefined);
  const source = senderLink(text(body.client) ?? "Source", body.client_url);
  const tags = tagsFrom(
    Object.fromEntries(
      ["component", "group", "class"].flatMap((f) => (text(trigger[f]) ? [[f, text(trigger[f])]] : [])),
    ),
  );
  const description = detailsText(trigger);
  const timestamp = text(trigger.timestamp);
  const alert: ExternalAlert = {
    identity: dedupKey,
    action: action as AlertAction,
    title: summary ?? dedupKey,
    ...(summary ? { summary } : {}),
    ...(description ? { description } : {}),
    ...(tags ? { labels: tags } : {}),
    ...(severity ? { severity } : {}),
    links,
    ...(source ? { sourceUrl: source.url } : {}),
    ...(timestamp ? { deliveryHint: timestamp.slice(0, 64) } : {}),
  };
  return { routingKey, alert, generated };
}

export interface PagerDutyChange {
  routingKey: string;
  summary: string;
  /** payload.timestamp, when it is a valid instant. */
  at?: string;
  link?: string;
  /** payload.custom_details.service: the service, when the key names none. */
  service?: string;
}

/** Reads a change event (`POST /v2/change/enqueue`), or throws `PagerDutyEventError`. */
export function readPagerDutyChange(body: unknown): PagerDutyChange {
  if (!record(body)) throw new PagerDutyEventError(["Event object is invalid: expected a JSON object"]);
  const errors: string[] = [];
  const routingKey = text(body.routing_key);
  if (!routingKey) errors.push("'routing_key' is missing or blank");
  const payload = record(body.payload) ? body.payload : undefined;
  if (!payload) errors.push("'payload' is missing or not an object");
  const summary = text(payload?.summary);
  if (payload && !summary) errors.push("'payload.summary' is missing or blank");
  if (summary && summary.length > 1024)
    errors.push("'payload.summary' is too long (at most 1024 characters)");
  if (errors.length > 0 || !routingKey || !summary) throw new PagerDutyEventError(errors);
  const timestamp = text(payload?.timestamp);
  const at = timestamp ? normaliseTimestamp(timestamp) : undefined;
  const link = (Array.isArray(body.links) ? body.links : [])
    .map((l) => (record(l) ? senderLink(text(l.text), l.href) : undefined))
    .find((l) => l !== undefined);
  const details = record(payload?.custom_details) ? payload.custom_details : {};
  const service = text(details.service);
  return {
    routingKey,
    summary: line(summary, 1024),
    ...(at ? { at } : {}),
    ...(link ? { link: link.url } : {}),
    ...(service ? { service } : {}),
  };
}
