/**
 * Severity, services and team of an alarm-made incident, from the alarm's tags, description or name.
 *
 * Convention (for the README):
 *
 * 0. The alarm's tags win, when CloudWatch propagates them (alarm/tags.ts): `severity` (`sev1`,
 *    `SEV1` or `1`), `service` (a name, or a comma-separated list) and `team` (a directory team id).
 *    The tag names are settings (FIREBREAK_TAG_SEVERITY, FIREBREAK_TAG_SERVICE, FIREBREAK_TAG_TEAM).
 *    An invalid tag value is ignored as if absent. Only a tag names the team.
 *
 * 1. Then the alarm description. Put a field on a line of its own (or separate it from other text
 *    with `;` or `|`); keys are case-insensitive and take `:` or `=`:
 *
 *        severity: sev2          (also `severity: SEV2`, `severity: 2`, `sev: 2`)
 *        service: checkout       (a list is fine: `service: checkout, payments`; `services:` too)
 *
 *    Severities are SEV1 (worst) to SEV5. Service names are trimmed and lowercased; only names
 *    made of `a-z 0-9 . _ -` count, others are ignored. Several `service:` lines add up.
 *
 * 2. Otherwise the alarm name. A `sevN` prefix gives the severity: `sev2-checkout-5xx`,
 *    `sev2/checkout/5xx`, `SEV1:payments:latency`, `[sev2] checkout 5xx`. After that prefix, the
 *    first segment is the service only when it is followed by `/` or `:` — `sev2/checkout/5xx`,
 *    `checkout/latency-p99` and `checkout:5xx` name `checkout` — because `-` is ambiguous:
 *    `checkout-api-5xx` names no service.
 *
 * 3. Otherwise the defaults: SEV3 and the service `unassigned`.
 *
 * An alert from another monitor (core/integrations) has its labels as tags, and its sender's
 * severity (critical → SEV1 …) before its description; its integration key's service and team
 * come after its tags and description, before its name.
 *
 * Invalid values (`sev0`, `sev6`, `severity: high`, `service: Ünïcode`) are ignored as if absent,
 * so the next source (name, then default) decides.
 */
import { DEFAULT_SERVICE, DEFAULT_SEVERITY, SEVERITIES, type Severity } from "../incident/model";
import { DEFAULT_TAG_NAMES, type TagNames, tagValue } from "./tags";
import type { AlarmTransition } from "./transition";

export type ClassificationSource = "tag" | "integration" | "description" | "name" | "default";

export interface AlarmClassification {
  severity: Severity;
  services: string[];
  severitySource: ClassificationSource;
  serviceSource: ClassificationSource;
  /** The owning team the alarm's `team` tag names (lowercased), when it has one. */
  team?: string;
}

const SEVERITY_FIELD = /^(?:severity|sev)\s*[:=]\s*(?:sev)?\s*-?\s*(\d+)\s*\.?$/i;
const SERVICE_FIELD = /^services?\s*[:=]\s*(.*)$/i;
const SERVICE_NAME = /^[a-z0-9._-]+$/;
/** `sevN` at the start of a name, bare (then followed by a separator or the end) or in brackets. */
const NAME_SEVERITY_PREFIX = /^\s*(?:\[\s*sev\s*(\d+)\s*\]\s*[-/:_]?|sev(\d+)(?:[\s/:_-]+|$))/i;
/** The first segment of a name, when followed by `/` or `:`. */
const NAME_SERVICE_SEGMENT = /^\s*([^\s/:]+)\s*[/:]/;

/** `2` → `SEV2`; undefined outside SEV1–SEV5. */
export function severityFromNumber(digits: string): Severity | undefined {
  const candidate = `SEV${Number(digits)}`;
  return SEVERITIES.find((severity) => severity === candidate);
}

/** Lowercased, trimmed service name, or undefined when it has characters outside `a-z 0-9 . _ -`. */
export function normaliseServiceName(raw: string): string | undefined {
  const name = raw.trim().toLowerCase();
  return SERVICE_NAME.test(name) ? name : undefined;
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

/** Description split into candidate field segments: lines, and `;` / `|` separated parts. */
function descriptionSegments(description: string): string[] {
  return description
    .split(/\r?\n|\r|;|\|/)
    .map((segment) => segment.trim().replace(/^[-*•]\s*/, ""))
    .filter((segment) => segment.length > 0);
}

export function severityFromDescription(description: string): Severity | undefined {
  for (const segment of descriptionSegments(description)) {
    const digits = SEVERITY_FIELD.exec(segment)?.[1];
    const severity = digits === undefined ? undefined : severityFromNumber(digits);
    if (severity) return severity;
  }
  return undefined;
}

export function servicesFromDescription(description: string): string[] {
  const services: string[] = [];
  for (const segment of descriptionSegments(description)) {
    const list = SERVICE_FIELD.exec(segment)?.[1];
    if (list === undefined) continue;
    for (const item of list.split(",")) {
      const name = normaliseServiceName(item);
      if (name) services.push(name);
    }
  }
  return unique(services);
}

/** Splits a name into its `sevN` prefix digits (if any) and the rest. */
function splitNamePrefix(name: string): { digits: string | undefined; rest: string } {
  const match = NAME_SEVERITY_PREFIX.exec(name);
  if (!match) return { digits: undefined, rest: name };
  return { digits: match[1] ?? match[2], rest: name.slice(match[0].length) };
}

export function severityFromName(name: string): Severity | undefined {
  const { digits } = splitNamePrefix(name);
  return digits === undefined ? undefined : severityFromNumber(digits);
}

export function serviceFromName(name: string): string | undefined {
  const segment = NAME_SERVICE_SEGMENT.exec(splitNamePrefix(name).rest)?.[1];
  return segment === undefined ? undefined : normaliseServiceName(segment);
}

/** `sev1`, `SEV1`, `1` → SEV1; anything else undefined. */
function severityFromTag(value: string | undefined): Severity | undefined {
  const digits = value === undefined ? undefined : /^\s*(?:sev)?\s*(\d+)\s*$/i.exec(value)?.[1];
  return digits === undefined ? undefined : severityFromNumber(digits);
}

function servicesFromTag(value: string | undefined): string[] {
  if (value === undefined) return [];
  return unique(value.split(",").flatMap((item) => normaliseServiceName(item) ?? []));
}

export function classifyAlarm(
  t: Pick<AlarmTransition, "alarmName" | "description" | "tags" | "external">,
  tagNames: TagNames = DEFAULT_TAG_NAMES,
): AlarmClassification {
  const severityTag = severityFromTag(tagValue(t.tags, tagNames.severity));
  const serviceTags = servicesFromTag(tagValue(t.tags, tagNames.service));
  const team = normaliseServiceName(tagValue(t.tags, tagNames.team) ?? "") ?? t.external?.team;
  // An alert from another monitor: the severity its sender gave (a severity tag still wins), and its
  // integration key's service when neither its tags nor its description name one.
  const sender = t.external;
  const fromText = classifyWithoutTags(t);
  return {
    ...fromText,
    ...(sender?.severity ? { severity: sender.severity, severitySource: "integration" as const } : {}),
    ...(sender?.service && fromText.serviceSource !== "description"
      ? { services: [sender.service], serviceSource: "integration" as const }
      : {}),
    ...(severityTag ? { severity: severityTag, severitySource: "tag" as const } : {}),
    ...(serviceTags.length > 0 ? { services: serviceTags, serviceSource: "tag" as const } : {}),
    ...(team ? { team } : {}),
  };
}

function classifyWithoutTags(t: Pick<AlarmTransition, "alarmName" | "description">): AlarmClassification {
  const description = t.description ?? "";
  const severityFromText = severityFromDescription(description);
  const severityFromAlarmName = severityFromName(t.alarmName);
  const servicesFromText = servicesFromDescription(description);
  const serviceFromAlarmName = serviceFromName(t.alarmName);

  const severity: Pick<AlarmClassification, "severity" | "severitySource"> = severityFromText
    ? { severity: severityFromText, severitySource: "description" }
    : severityFromAlarmName
      ? { severity: severityFromAlarmName, severitySource: "name" }
      : { severity: DEFAULT_SEVERITY, severitySource: "default" };

  const services: Pick<AlarmClassification, "services" | "serviceSource"> =
    servicesFromText.length > 0
      ? { services: servicesFromText, serviceSource: "description" }
      : serviceFromAlarmName
        ? { services: [serviceFromAlarmName], serviceSource: "name" }
        : { services: [DEFAULT_SERVICE], serviceSource: "default" };

  return { ...severity, ...services };
}
