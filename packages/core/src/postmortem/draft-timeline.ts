/**
 * The postmortem's timeline as people read it: each entry in words (paging folded into one row per
 * step), fenced where it quotes what people typed.
 */

import { type Incident, incidentKey } from "../incident/model";
import { type Facts, type OrderedEntry, str } from "./facts";
import { cell, code } from "./markdown";
import type { PostmortemV2 } from "./types";

export function fenced(text: string): string {
  let longest = 0;
  for (const m of text.matchAll(/`+/g)) longest = Math.max(longest, m[0].length);
  const fence = "`".repeat(Math.max(3, longest + 1));
  return `${fence}text\n${text.replace(/\r\n?/g, "\n")}\n${fence}`;
}

const KIND_LABELS: Record<string, string> = {
  "incident.declared": "Declared",
  "incident.alarm_transition": "Alarm",
  "incident.status_changed": "Status",
  "incident.flapping": "Flapping",
  "incident.role_assigned": "Role",
  "incident.update_posted": "Update",
  "incident.severity_changed": "Severity",
  "incident.merge_received": "Merged",
  "incident.linked": "Linked",
  "page.requested": "Page",
  "page.delivered": "Page delivered",
  "page.failed": "Page not delivered",
  "page.acknowledged": "Page acknowledged",
  "incident.role_flagged": "Role note",
  "incident.alarm_attached": "Grouped alarm",
  "incident.merged": "Merged",
  "incident.unlinked": "Unlinked",
  "incident.responder_requested": "Paged in",
  "incident.escalation_requested": "Escalation asked",
  "maintenance.alarm_held": "Held by maintenance",
  "maintenance.alarm_released": "Released from maintenance",
};

function eventText(oe: OrderedEntry, incident: Incident): string {
  const { entry } = oe;
  const data = (typeof entry.data === "object" && entry.data !== null ? entry.data : {}) as Record<
    string,
    unknown
  >;
  const said = typeof entry.summary === "string" && entry.summary.trim() !== "" ? entry.summary : entry.kind;
  // A summary that is only the kind says nothing a reader can use: fall back to the data.
  const summary = said === entry.kind ? (str(data.text) ?? str(data.to) ?? "(no summary)") : said;
  switch (entry.kind) {
    case "incident.declared": {
      const alarm =
        typeof data.alarm === "object" && data.alarm !== null ? (data.alarm as { name?: unknown }) : null;
      const alarmName = str(alarm?.name) ?? (data.source === "alarm" ? incident.alarm?.name : undefined);
      const by = alarmName
        ? `from alarm ${code(alarmName, true)}`
        : `by ${cell(str(entry.actor?.name) ?? str(entry.actor?.id) ?? "unknown")}`;
      const severity = str(data.severity);
      return `**Declared** ${cell(incidentKey(incident))} ${by}${severity ? ` (${cell(severity)})` : ""}`;
    }
    case "incident.alarm_transition": {
      const name = str(data.alarmName) ?? str(data.alarmArn) ?? "alarm";
      const state = str(data.state) ?? "?";
      const previous = str(data.previousState);
      const reason = str(data.reason);
      const late = data.late === true ? " (late: arrived after a newer transition)" : "";
      return `**Alarm** ${code(name, true)} ${previous ? `${cell(previous)} → ` : ""}${cell(state)}${late}${
        reason ? ` — reason: ${code(reason, true)}` : ""
      }`;
    }
    case "incident.update_posted":
      return `**${data.temporary === true ? "Temporary fix" : "Update"}** ${cell(summary)}`;
    case "page.failed": {
      const error = str(data.error);
      return `**Page not delivered** ${cell(summary)}${error ? ` — error: ${code(error, true)}` : ""}`;
    }
    default:
      // Never the raw kind: an entry of a kind this list does not know is an "Event".
      if (said === entry.kind && entry.kind === "incident.status_changed" && str(data.to))
        return `**Status** → ${cell(str(data.to)!)}`;
      return `**${KIND_LABELS[entry.kind] ?? "Event"}** ${cell(summary)}`;
  }
}

const PAGING = /^(page|escalation)\./;

/** What an escalation entry means, when it has no summary of its own. */
const ESCALATION_WORDS: Record<string, string> = {
  "escalation.escalated": "nobody acknowledged: escalated to the next level",
  "escalation.level_skipped": "a level was skipped: nobody on call",
  "escalation.stopped": "paging stopped",
  "escalation.not_started": "nobody could be paged",
  "escalation.restarted": "paging started again (reopened)",
};

/** The timeline as people read it: the impact start first, one line per paged level, labels not kinds. */
export function timelineRows(
  incident: Incident,
  m: PostmortemV2,
  facts: Facts,
): { iso: string; text: string }[] {
  const rows: { iso: string; text: string; order: number }[] = [];
  const alarm = m.detection.alarm?.name;
  rows.push({
    iso: m.timestamps.impact_start,
    order: 0,
    text:
      m.timestamps.impact_start_source === "alarm_state"
        ? `**Impact began** (alarm ${code(alarm ?? "?", true)} went to ALARM)`
        : facts.impactStartNote
          ? "**Impact began** (taken as the detection time: the alarm's state time was not plausible)"
          : "**Impact began** (taken as the declared time: not observed)",
  });
  // Paging: one line per level and round, at its first page, with who, how and how it went.
  const levels = new Map<
    string,
    {
      iso: string;
      who: Set<string>;
      channels: Set<string>;
      delivered: number;
      failed: number;
      acked: Set<string>;
    }
  >();
  const pageLevel = new Map<string, string>();
  for (const oe of facts.entries) {
    const { entry } = oe;
    if (!PAGING.test(entry.kind)) continue;
    const data = (entry.data ?? {}) as Record<string, unknown>;
    if (entry.kind.startsWith("escalation.")) {
      if (entry.kind === "escalation.started") continue;
      const said =
        entry.summary && entry.summary !== entry.kind ? entry.summary : ESCALATION_WORDS[entry.kind];
      rows.push({ iso: oe.iso, order: 1, text: `**Escalation** ${cell(said ?? "the escalation changed")}` });
      continue;
    }
    const pageId = str(data.pageId) ?? entry.id;
    let key = pageLevel.get(pageId);
    if (!key) {
      const level = data.level;
      const round = typeof data.round === "number" ? data.round : 0;
      const purpose = str(data.purpose);
      key =
        purpose === "announce"
          ? "the team's alert channel"
          : purpose === "role_coverage"
            ? "the IC again (role coverage)"
            : purpose === "related_alarm"
              ? "the IC (a grouped alarm)"
              : purpose === "responder"
                ? "people asked for"
                : level === "fallback"
                  ? "the fallback"
                  : `level ${String(level ?? "?")}${round ? ` (repeat ${round})` : ""}`;
      pageLevel.set(pageId, key);
    }
    let line = levels.get(key);
    if (!line) {
      line = { iso: oe.iso, who: new Set(), channels: new Set(), delivered: 0, failed: 0, acked: new Set() };
      levels.set(key, line);
    }
    const target = (data.target ?? {}) as Record<string, unknown>;
    const name = str(target.name) ?? str(data.personId) ?? str(target.arn) ?? str(target.slackChannelId);
    if (entry.kind === "page.requested") {
      if (name) line.who.add(name);
      const channel = str(data.channel);
      if (channel)
        line.channels.add(
          channel === "slack" ? "Slack" : channel === "sns" || channel === "sms" ? "SMS/SNS" : cell(channel),
        );
    } else if (entry.kind === "page.delivered") line.delivered++;
    else if (entry.kind === "page.failed") line.failed++;
    else if (entry.kind === "page.acknowledged") line.acked.add(str(entry.actor?.name) ?? name ?? "someone");
  }
  for (const [key, line] of levels) {
    const outcome = [
      `${line.delivered} delivered`,
      ...(line.failed ? [`${line.failed} not delivered`] : []),
      ...(line.acked.size ? [`acknowledged by ${[...line.acked].map(cell).join(", ")}`] : []),
    ].join(", ");
    rows.push({
      iso: line.iso,
      order: 1,
      text: `**Paged** ${key}: ${[...line.who].map(cell).join(", ") || "nobody"} by ${[...line.channels].join(" and ") || "?"} (${outcome})`,
    });
  }
  for (const oe of facts.entries) {
    if (PAGING.test(oe.entry.kind)) continue;
    rows.push({ iso: oe.iso, order: 1, text: eventText(oe, incident) });
  }
  return rows.sort((a, b) => a.iso.localeCompare(b.iso) || a.order - b.order);
}
