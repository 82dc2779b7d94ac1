/**
 * Which incidents get a Slack channel: `FIREBREAK_SLACK_CHANNEL_SEVERITIES` read and applied
 * (incident-channel.ts creates them).
 */
import { type Incident, isOpen, SEVERITIES, type Severity } from "@firebreak/core/incident/model";

export const DEFAULT_CHANNEL_SEVERITIES: readonly Severity[] = ["SEV1", "SEV2"];

/** `FIREBREAK_SLACK_CHANNEL_SEVERITIES`: `SEV1,SEV2` (default), `all`, or `none`. */
export function parseChannelSeverities(value: string | undefined): Severity[] {
  const text = (value ?? "").trim();
  if (text === "") return [...DEFAULT_CHANNEL_SEVERITIES];
  if (/^none$/i.test(text)) return [];
  if (/^all$/i.test(text)) return [...SEVERITIES];
  const out: Severity[] = [];
  for (const part of text.split(",")) {
    const name = part.trim().toUpperCase();
    if (name === "") continue;
    if (!(SEVERITIES as readonly string[]).includes(name))
      throw new Error(
        `FIREBREAK_SLACK_CHANNEL_SEVERITIES: "${part.trim()}" is not a severity (expected SEV1..SEV5, all or none)`,
      );
    if (!out.includes(name as Severity)) out.push(name as Severity);
  }
  return out;
}

export function wantsChannel(incident: Incident, severities: readonly Severity[]): boolean {
  return isOpen(incident.status) && severities.includes(incident.severity);
}
