/**
 * The postmortem draft as Markdown: summary, impact, timeline, what went well and wrong, changes and
 * the release question, from the metadata and the facts (generate.ts builds both).
 */

import { crossingLine, sourceLinkOf } from "../alarm/context";
import type { Incident } from "../incident/model";
import {
  CHANGES_BEFORE_IMPACT_WINDOW_SECONDS,
  FAST_ACK_SECONDS,
  FAST_DETECTION_SECONDS,
  iso,
  LIST_LIMIT,
  round,
} from "./draft-rules";
import { fenced, timelineRows } from "./draft-timeline";
import { type Facts, str } from "./facts";
import { frontMatter } from "./front-matter";
import { cell, code, formatDuration, inline, link, row, type TimeFormatter } from "./markdown";
import type { PostmortemV2, SECTION_TITLES } from "./types";

/** The summary: what happened, to what, for how long, the last word to stakeholders, how it ended. */
function summaryLines(incident: Incident, m: PostmortemV2, facts: Facts, t: TimeFormatter): string[] {
  const endMs = facts.mitigatedMs ?? facts.resolvedMs;
  const services = m.incident.services.length
    ? m.incident.services.map(inline).join(", ")
    : "no recorded service";
  const impact =
    endMs === null
      ? `is still open; the impact began ${t.both(m.timestamps.impact_start)}`
      : `affected ${services} for ${formatDuration((endMs - facts.impactStartMs) / 1000)}, from ${t.both(m.timestamps.impact_start)} until it was ${facts.mitigatedMs !== null ? "mitigated" : "resolved"}`;
  const lines = [`${inline(m.incident.title)} (${m.incident.severity}) ${impact}.`];
  const last = facts.updates.at(-1);
  const text = str((last?.entry.data as Record<string, unknown> | undefined)?.text);
  if (last && text) {
    const by = str(last.entry.actor?.name) ?? str(last.entry.actor?.id);
    lines.push(
      "",
      `The last stakeholder update${by ? `, by ${inline(by)}` : ""} at ${t.both(last.iso)}: ${inline(text)}`,
    );
  }
  if (str(incident.summary)) lines.push("", `Resolution: ${inline(incident.summary!)}`);
  else if (m.incident.status !== "resolved")
    lines.push("", "_It is not resolved yet: the resolution goes here._");
  return lines;
}

/** The lines of What went well and What went wrong, each from a fact. */
function sectionFacts(m: PostmortemV2, facts: Facts, t: TimeFormatter): { well: string[]; wrong: string[] } {
  const d = m.durations;
  const well: string[] = [];
  const wrong: string[] = [];
  const policyAck = facts.firstLevelTimeoutMinutes;
  const ackBound = policyAck !== null ? policyAck * 60 : FAST_ACK_SECONDS;
  const ackBoundText =
    policyAck !== null ? `level 1's ${policyAck}-minute timeout` : `${formatDuration(FAST_ACK_SECONDS)}`;
  // Detection
  if (m.detection.alarm && d.ttd.seconds !== null && d.ttd.seconds <= FAST_DETECTION_SECONDS)
    well.push(
      `- Fast detection: the alarm ${code(m.detection.alarm.name ?? m.detection.alarm.arn)} opened the incident ${formatDuration(d.ttd.seconds)} after the impact began.`,
    );
  if (m.detection.alarm && d.ttd.seconds !== null && d.ttd.seconds > FAST_DETECTION_SECONDS)
    wrong.push(
      `- Slow detection: the incident opened ${formatDuration(d.ttd.seconds)} after the alarm's state changed.`,
    );
  if (facts.impactStartNote) wrong.push(`- A late alarm: ${inline(facts.impactStartNote)}.`);
  if (facts.lateAlarms > 0)
    wrong.push(
      `- ${facts.lateAlarms} alarm transition${facts.lateAlarms === 1 ? "" : "s"} arrived out of order (after a newer one).`,
    );
  // Acknowledgement
  if (d.tta.seconds !== null && d.tta.seconds <= ackBound)
    well.push(
      `- Acknowledged inside policy: ${formatDuration(d.tta.seconds)} after detection (within ${ackBoundText}).`,
    );
  if (d.tta.seconds !== null && d.tta.seconds > ackBound)
    wrong.push(
      `- Slow acknowledgement: ${formatDuration(d.tta.seconds)} after detection, over ${ackBoundText}.`,
    );
  if (m.timestamps.acknowledged === null && m.pages.sent > 0)
    wrong.push(
      `- Nobody acknowledged: ${m.pages.sent} page${m.pages.sent === 1 ? " was" : "s were"} sent (${m.pages.delivered} delivered) and none was acknowledged.`,
    );
  if (m.pages.delivered > 0 && m.pages.delivered === m.pages.sent && m.timestamps.acknowledged !== null)
    well.push(`- Every page was delivered (${m.pages.delivered}).`);
  for (const failed of facts.failedPages.slice(0, LIST_LIMIT))
    wrong.push(`- A page was not delivered: ${inline(failed)}.`);
  if (facts.failedPages.length > LIST_LIMIT)
    wrong.push(`- … and ${facts.failedPages.length - LIST_LIMIT} more pages not delivered.`);
  if (m.pages.highest_escalation_level !== null && m.pages.highest_escalation_level >= 2)
    wrong.push(
      `- The page escalated to level ${m.pages.highest_escalation_level}: the earlier levels did not acknowledge in time.`,
    );
  if (m.pages.fallback_reached) wrong.push("- Every level went unanswered: the fallback was paged.");
  for (const gap of facts.roleGaps.slice(0, LIST_LIMIT)) wrong.push(`- A role gap: ${inline(gap)}.`);
  if (facts.flapping)
    wrong.push("- The alarm flapped: it changed state repeatedly while the incident was open.");
  // Mitigation
  if (facts.mitigatedMs !== null && facts.resolvedMs !== null && facts.mitigatedMs < facts.resolvedMs)
    well.push(
      `- The impact was mitigated ${formatDuration((facts.resolvedMs - facts.mitigatedMs) / 1000)} before the incident was resolved (at ${t.both(iso(facts.mitigatedMs))}).`,
    );
  for (const h of facts.handoffs.slice(0, LIST_LIMIT))
    well.push(
      `- ${h.role.toUpperCase()} handoff from ${inline(h.from)} to ${inline(h.to)} at ${t.both(iso(h.atMs))} kept the role staffed.`,
    );
  return { well, wrong };
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** The Summary's release line: the value, and for `suspected` that it is a suspicion to confirm. */
function releaseLine(m: PostmortemV2): string {
  const r = m.release_involved;
  const reference = r.reference ? ` (${code(r.reference)})` : "";
  if (r.value !== "suspected") return `${r.value}${reference}`;
  const n = m.changes_before_impact?.changes.length ?? 0;
  return `suspected, not confirmed${reference}: ${plural(n, "change was", "changes were")} recorded to the incident's services in the ${formatDuration(CHANGES_BEFORE_IMPACT_WINDOW_SECONDS)} before the impact began (see Changes before impact). Confirm it as yes or no.`;
}

/** The "Changes before impact" section: each change's time, service, summary and reference. */
function changeLines(m: PostmortemV2, facts: Facts, t: TimeFormatter): string[] {
  const c = m.changes_before_impact;
  if (c === null) return ["_Changes were not looked up for this draft._"];
  const window = formatDuration(c.window_seconds);
  const from = iso(facts.impactStartMs - c.window_seconds * 1000);
  const services = m.incident.services.length
    ? m.incident.services.map(inline).join(", ")
    : "the incident's services (none recorded)";
  const range = `${t.both(from)} → ${t.both(m.timestamps.impact_start)}`;
  if (c.changes.length === 0)
    return [`_No change to ${services} was recorded in the ${window} before the impact began (${range})._`];
  const lines = [
    `${plural(c.changes.length, "change", "changes")} to ${services} recorded in the ${window} before the impact began (${range}), newest first.`,
    "",
    m.release_involved.value === "suspected"
      ? "**A release is suspected, not established:** a change shortly before the impact may or may not have contributed. Confirm whether one did, and set release involved to yes (with the change's reference) or no."
      : `Release involved: ${m.release_involved.value}.`,
    "",
  ];
  for (const change of c.changes) {
    const lead = (facts.impactStartMs - Date.parse(change.at)) / 1000;
    const summary = change.summary.trim() ? change.summary : "(no summary)";
    lines.push(
      `- ${t.both(change.at)}, ${lead === 0 ? "at the impact start" : `${formatDuration(lead)} before the impact`} — **${inline(change.service)}**: ${
        change.link ? link(summary, change.link) : inline(summary)
      } (${inline(change.source)}, reference ${code(change.id)})`,
    );
  }
  return lines;
}

/** The draft's lines (no line contains a line break). */
export function renderMarkdown(
  incident: Incident,
  m: PostmortemV2,
  facts: Facts,
  t: TimeFormatter,
): string[] {
  const out: string[] = [];
  const push = (...lines: string[]) => {
    for (const l of lines) {
      if (l.includes("\n")) for (const part of l.split("\n")) out.push(part);
      else out.push(l);
    }
  };
  const section = (title: (typeof SECTION_TITLES)[number]) => {
    push("", `## ${title}`, "");
  };
  const d = m.durations;
  const dur = (s: number | null) => (s === null ? "unknown" : formatDuration(s));
  const alarmName = m.detection.alarm?.name ?? incident.alarm?.name;

  push(frontMatter(m), "", `# ${inline(`${m.incident.key}: ${m.incident.title}`)}`);

  // Summary: built from the title, the impact, the last stakeholder update and the resolution.
  section("Summary");
  push(...summaryLines(incident, m, facts, t));
  if (str(incident.description)) {
    push("", "**Description at declaration:**", "", fenced(incident.description!));
  }
  push(
    "",
    `- **Severity:** ${m.incident.severity}`,
    `- **Status:** ${m.incident.status}`,
    `- **Detected by:** ${m.detection.source === "alarm" ? `alarm${alarmName ? ` ${code(alarmName)}` : ""}` : "a person"}`,
    ...(incident.reopens
      ? [
          `- **Reopened:** ${incident.reopens === 1 ? "once" : `${incident.reopens} times`}: the alarm fired again soon after it resolved (see the timeline)`,
        ]
      : []),
    `- **Time to resolve (TTR):** ${dur(d.ttr.seconds)}`,
    `- **Release involved:** ${releaseLine(m)}`,
  );

  // Impact
  section("Impact");
  const endMs = facts.mitigatedMs ?? facts.resolvedMs;
  const endLabel = facts.mitigatedMs !== null ? "mitigated" : facts.resolvedMs !== null ? "resolved" : null;
  push(
    `- **Services:** ${m.incident.services.length ? m.incident.services.map(inline).join(", ") : "none recorded"}`,
    `- **Accounts and regions:** ${
      m.incident.locations.length
        ? m.incident.locations.map((l) => `${inline(l.account)} / ${inline(l.region)}`).join(", ")
        : "none recorded"
    }`,
    `- **Severity:** ${m.incident.severity}`,
    `- **Impact window:** ${t.both(m.timestamps.impact_start)} → ${
      endMs === null ? "not yet mitigated" : `${t.both(iso(endMs))} (${endLabel})`
    }${endMs === null ? "" : `, ${formatDuration((endMs - facts.impactStartMs) / 1000)}`}`,
    `- **Impact start:** ${
      m.timestamps.impact_start_source === "alarm_state"
        ? "the opening alarm's own state time"
        : facts.impactStartNote
          ? `the detection time, not the alarm's: ${inline(facts.impactStartNote)}`
          : "the declared time (not observed)"
    }`,
  );
  if (m.error_budget) {
    for (const b of m.error_budget.services) {
      push(
        `- **Error budget, ${inline(b.service)}:** ${
          b.consumed_minutes === null
            ? "not known until the impact ends"
            : `${formatDuration(b.consumed_minutes * 60)} of ${formatDuration(b.budget_minutes * 60)} (${b.percent_of_budget}% of the ${b.window_days}-day budget at ${round(b.target * 100, 6)}%)`
        }`,
      );
    }
  }
  push("- **Who was affected, and how:** _describe the customer impact._");

  // Detection
  section("Detection");
  if (m.detection.alarm) {
    const a = m.detection.alarm;
    push(
      `- **Detected by:** alarm ${a.name ? `${code(a.name)} ` : ""}(${code(a.arn)})`,
      `- **Alarm state since:** ${t.both(a.state_timestamp)}`,
    );
    if (a.reason) push(`- **Reason:** ${code(a.reason)}`);
    const context = incident.alarm?.context;
    if (context) {
      const crossing = crossingLine(context);
      if (crossing) push(`- **Crossing:** ${code(crossing)}`);
      for (const metric of context.metrics) push(`- **Metric:** ${code(metric)}`);
      if (context.band) push(`- **Band:** ${code(context.band)}`);
      if (context.composite) push(`- **Composite rule:** ${code(context.composite.rule)}`);
      const source = sourceLinkOf(context);
      const links = [...context.links, ...(source ? [source] : [])];
      if (links.length > 0) push(`- **Links:** ${links.map((l) => link(l.label, l.url)).join(" · ")}`);
    }
  } else if (m.detection.source === "alarm") {
    push(
      `- **Detected by:** alarm${alarmName ? ` ${code(alarmName)}` : ""} (no ALARM transition on the timeline)`,
    );
  } else {
    const who = m.detection.declared_by?.name ?? m.detection.declared_by?.id;
    push(`- **Detected by:** a person${who ? `: ${inline(who)} declared the incident` : ""}`);
  }
  push(`- **Detected (incident created):** ${t.both(m.timestamps.detected)}`);
  push(
    d.ttd.seconds !== null
      ? `- **Time to detect (TTD):** ${formatDuration(d.ttd.seconds)} (detected − impact start)`
      : facts.impactStartNote
        ? "- **Time to detect (TTD):** not measured: the alarm's state time was not plausible (see Impact), and no duration built on it goes into the metrics."
        : "- **Time to detect (TTD):** not measured: the impact start of a human-declared incident is its declared time.",
  );

  // Response
  section("Response");
  push(
    `- **Acknowledged:** ${
      m.timestamps.acknowledged === null
        ? "not recorded"
        : `${t.both(m.timestamps.acknowledged)} (TTA ${dur(d.tta.seconds)}, acknowledged − detected)`
    }`,
    `- **Mitigated:** ${
      m.timestamps.mitigated === null
        ? "not recorded"
        : `${t.both(m.timestamps.mitigated)} (TTM ${dur(d.ttm.seconds)}, mitigated − impact start)`
    }`,
    `- **Resolved:** ${
      m.timestamps.resolved === null
        ? "not recorded"
        : `${t.both(m.timestamps.resolved)} (TTR ${dur(d.ttr.seconds)}, resolved − impact start)`
    }`,
    `- **Pages:** ${m.pages.sent} sent, ${m.pages.delivered} delivered, ${m.pages.failed} not delivered, ${m.pages.acknowledged} acknowledged${
      m.pages.highest_escalation_level === null
        ? ""
        : `; highest escalation level ${m.pages.highest_escalation_level}`
    }${m.pages.fallback_reached ? "; the fallback was paged" : ""}`,
    "",
  );
  // Responders: everyone who acted, with the roles they held and what they did.
  push("**Responders** (everyone who acted):", "");
  const roleOf = new Map<string, string[]>();
  for (const r of m.responders) {
    const roles = roleOf.get(r.person_id) ?? [];
    if (!roles.includes(r.role.toUpperCase())) roles.push(r.role.toUpperCase());
    roleOf.set(r.person_id, roles);
  }
  if (facts.actors.length === 0)
    push("_Nobody acted on the timeline: no acknowledgement, update or status change._");
  else {
    push(row(["Person", "Roles", "What they did"]), row(["---", "---", "---"]));
    for (const a of facts.actors)
      push(row([cell(a.name), (roleOf.get(a.id) ?? []).join(", ") || "—", cell(a.actions.join(", "))]));
  }
  const acted = new Set(facts.actors.map((a) => a.id));
  if (m.responders.length > 0) {
    push("", "Roles held:", "");
    push(row(["Role", "Person", "From", "To"]), row(["---", "---", "---", "---"]));
    for (const r of m.responders) {
      const to =
        r.to === null
          ? "still holding"
          : r.to === m.timestamps.resolved
            ? `${t.both(r.to)} (resolved)`
            : t.both(r.to);
      const idle = acted.has(r.person_id) ? "" : " (no recorded action)";
      push(row([r.role.toUpperCase(), `${cell(r.person_name ?? r.person_id)}${idle}`, t.both(r.from), to]));
    }
  }

  // Timeline: the impact start first, paging collapsed into one line per level, no raw kinds.
  section("Timeline");
  const rows = timelineRows(incident, m, facts);
  push(
    t.isUtc ? "Times are UTC." : `Times are UTC, and ${inline(t.timezone)} for the team.`,
    "",
    t.isUtc ? row(["Time (UTC)", "Event"]) : row(["Time (UTC)", `Time (${cell(t.timezone)})`, "Event"]),
    t.isUtc ? row(["---", "---"]) : row(["---", "---", "---"]),
  );
  for (const r of rows)
    push(t.isUtc ? row([t.utc(r.iso), r.text]) : row([t.utc(r.iso), t.local(r.iso), r.text]));

  // Changes before impact: what the change store had for the incident's services.
  section("Changes before impact");
  push(...changeLines(m, facts, t));

  // Mitigations
  section("Mitigations");
  if (facts.mitigatedMs !== null) {
    const e = facts.mitigatedEntry?.entry;
    const data = (e?.data ?? {}) as Record<string, unknown>;
    const by = str(e?.actor?.name) ?? (e?.actor?.type === "user" ? str(e?.actor?.id) : undefined);
    const note = str(data.summary);
    push(
      `- **Mitigated** at ${t.both(iso(facts.mitigatedMs))}${by ? ` by ${inline(by)}` : ""}${note ? `: ${inline(note)}` : ""}`,
    );
  } else push("- The incident has no mitigation time: it went straight to resolved, or is still open.");
  for (const fix of m.temporary_fixes) {
    push(
      `- **Temporary fix** at ${t.both(fix.posted_at)}${fix.posted_by ? ` by ${inline(fix.posted_by)}` : ""}: ${inline(fix.text)} (to roll back: ${fix.action_item_id})`,
    );
  }
  push("- _Describe what stopped the impact, and what made it work._");

  // Temporary fixes to roll back
  section("Temporary fixes to roll back");
  if (m.temporary_fixes.length === 0) push("_None: no update was marked temporary._");
  else {
    push("Each temporary fix is an action item until it is rolled back or made permanent.", "");
    for (const fix of m.temporary_fixes) {
      push(
        `- [ ] **${fix.action_item_id}** ${inline(fix.text)} (applied ${t.both(fix.posted_at)}${
          fix.posted_by ? ` by ${inline(fix.posted_by)}` : ""
        })`,
      );
    }
  }

  // Contributing factors
  section("Contributing factors");
  push(
    "_An incident rarely has a single root cause. Answer these questions to find the conditions that combined:_",
    "",
    `- What changed shortly before the impact began (deploys, configuration, traffic, dependencies)? Release involved: ${
      m.release_involved.value === "suspected"
        ? "suspected, to confirm (see Changes before impact)"
        : m.release_involved.value
    }.`,
    "- Which safeguards (tests, alarms, limits, automatic rollbacks) were in place, and what kept them from stopping this?",
    ...(d.ttd.seconds === null
      ? ["- How was the impact noticed, and could an alarm have noticed it sooner?"]
      : d.ttd.seconds >= 60
        ? [`- What made detection take as long as it did (TTD ${formatDuration(d.ttd.seconds)})?`]
        : []),
    "- What made diagnosis or mitigation harder: missing dashboards, runbooks, access or context?",
    "- Were there earlier signals, and how could they reach the right people sooner?",
    "- What would make the same trigger harmless next time?",
  );

  // What went well, what went wrong, where we got lucky: each line only when the facts support it.
  section("What went well");
  const findings = sectionFacts(m, facts, t);
  push(...(findings.well.length ? findings.well : ["_Nothing on the timeline stands out as going well._"]));
  push("- _Add the people and systems that did better than expected._");
  section("What went wrong");
  push(
    ...(findings.wrong.length ? findings.wrong : ["_Nothing on the timeline stands out as going wrong._"]),
  );
  push("- _Add what made the response harder than necessary._");
  section("Where we got lucky");
  push(
    "_No fact on the timeline says. Ask: what could have made this worse, and what kept it from happening (the time of day, who happened to be around, a limit that held)?_",
  );

  // Action items
  section("Action items");
  push(
    row(["ID", "Action", "Owner", "Priority", "Due", "Tags"]),
    row(["---", "---", "---", "---", "---", "---"]),
  );
  for (const a of m.action_items) {
    push(
      row([
        a.id,
        cell(a.title),
        a.owner === null ? "unassigned" : cell(a.owner),
        a.priority,
        a.due,
        a.tags.join(", "),
      ]),
    );
  }
  push(
    "",
    "_Add one row per action item, tagged `postmortem`, with an owner, a priority (P1–P3) and a due date._",
  );

  // Lessons learned
  section("Lessons learned");
  push(
    "- _What did we learn about our systems?_",
    "- _What did we learn about how we respond?_",
    "- _What surprised us?_",
  );

  push("");
  return out;
}
