/**
 * Slack messages about on-call and paging rather than one incident: maintenance windows, who is on
 * call, the page trace, and the hourly coverage and error-budget announcements.
 */

import type { WindowView } from "@firebreak/core/maintenance/actions";
import { windowScope } from "@firebreak/core/maintenance/window";
import type { BudgetTeamAnnouncement } from "@firebreak/core/metrics/budget-alerts";
import { GAP_REASON_TEXT } from "@firebreak/core/oncall/coverage";
import type { TeamAnnouncement } from "@firebreak/core/oncall/coverage-alerts";
import type { TeamOnCallOverview } from "@firebreak/core/oncall/overview";
import { oneLine } from "@firebreak/core/paging/messages";
import { escapeMrkdwn, escapeMrkdwnWithin } from "@firebreak/core/paging/slack-message";
import { type PageTrace, renderTrace } from "@firebreak/core/paging/trace";
import { formatDuration } from "@firebreak/core/shared/duration";
import { type SlackMessage, safeUrl, slackDate } from "./messages";

const WINDOW_ICON: Record<WindowView["state"], string> = {
  scheduled: "🗓️",
  active: "🚧",
  ended: "✅",
  cancelled: "✖️",
};

/** One maintenance window on one line: `🚧 MW-3 checkout · from → until · reason · by`. */
export function windowLine(w: WindowView): string {
  const by = w.createdBy.name ?? w.createdBy.id;
  return (
    `${WINDOW_ICON[w.state]} *${w.key}* ${escapeMrkdwnWithin(windowScope(w), 300)} · ${w.state} · ` +
    `${slackDate(w.from)} → ${slackDate(w.end)} · ${escapeMrkdwnWithin(oneLine(w.reason), 300)} · by ${escapeMrkdwnWithin(oneLine(by), 100)}`
  );
}

/** The answer to `/incident maintenance …` that scheduled a window (posted in the channel). */
export function windowScheduled(w: WindowView): SlackMessage {
  const when =
    w.state === "active"
      ? `now until ${slackDate(w.end)}`
      : `from ${slackDate(w.from)} until ${slackDate(w.end)}`;
  return {
    text:
      `🚧 *${w.key}* scheduled by ${escapeMrkdwnWithin(oneLine(w.createdBy.name ?? w.createdBy.id), 100)}: alarms of ` +
      `${escapeMrkdwnWithin(windowScope(w), 300)} are held, not paged, ${when}: ${escapeMrkdwnWithin(oneLine(w.reason), 500)}.\n` +
      `When it ends, each alarm still firing opens its incident. Cancel it early: \`/incident maintenance cancel ${w.key}\``,
  };
}

/** `/incident maintenance list`. */
export function windowsList(windows: readonly WindowView[], service?: string): SlackMessage {
  const of = service ? ` for ${escapeMrkdwnWithin(service, 100)}` : "";
  if (windows.length === 0) return { text: `No maintenance windows${of} now, ahead, or in the last 7 days.` };
  return { text: [`*Maintenance windows${of}*`, ...windows.map((w) => `• ${windowLine(w)}`)].join("\n") };
}

/** `/incident oncall`: who is on call now and next, per team and level. */
export function onCallMessage(
  teams: readonly TeamOnCallOverview[],
  asked: { service?: string; team?: string } = {},
): SlackMessage {
  if (teams.length === 0)
    return {
      text: asked.team
        ? `The on-call directory has no team ${escapeMrkdwnWithin(asked.team, 100)}.`
        : asked.service
          ? `No team in the on-call directory owns ${escapeMrkdwnWithin(asked.service, 100)}, and it has no default team.`
          : "The on-call directory has no teams.",
    };
  const name = (p: { name: string }) => escapeMrkdwnWithin(oneLine(p.name), 100);
  const lines: string[] = [];
  for (const team of teams) {
    lines.push(
      `*${escapeMrkdwnWithin(oneLine(team.name), 100)}* (${escapeMrkdwnWithin(team.services.join(", "), 300)})`,
    );
    for (const level of team.levels) {
      const now = level.now.length
        ? level.now.map((p) => `${name(p)}${p.until ? ` until ${slackDate(p.until)}` : ""}`).join(", ")
        : `nobody (${escapeMrkdwnWithin(level.nobody ?? "no targets", 300)})`;
      const next = level.next
        ? ` · next: ${level.next.people.map(name).join(", ")} from ${slackDate(level.next.from)}`
        : "";
      lines.push(`• Level ${level.level}: ${now}${next}`);
    }
  }
  return { text: lines.join("\n") };
}

/** At most this much of the trace goes in a Slack message; the rest is on the dashboard. */
const TRACE_TEXT_LIMIT = 3500;

/** `/incident trace`: the page trace as text (escaped), with the dashboard link for the rest. */
export function traceMessage(trace: PageTrace, incidentUrl?: string): SlackMessage {
  const lines = renderTrace(trace).map((line) => escapeMrkdwn(line));
  let text = `*Why ${trace.incident.key} paged whom it paged*\n${lines.slice(1).join("\n")}`;
  if (text.length > TRACE_TEXT_LIMIT) text = `${text.slice(0, TRACE_TEXT_LIMIT).replace(/\n[^\n]*$/, "")}\n…`;
  if (incidentUrl) text += `\n<${safeUrl(incidentUrl)}|The whole trace on the incident page>`;
  return { text };
}

/** A team's new coverage gaps, for its alert channel: when a page would reach nobody, and why. */
export function coverageGapsText(team: TeamAnnouncement, days: number): string {
  const lines = [
    `:warning: *Coverage gap${team.gaps.length + team.more === 1 ? "" : "s"} for ${escapeMrkdwnWithin(oneLine(team.name), 100)}* in the next ${days} days: a page at ${team.gaps.length + team.more === 1 ? "this time" : "these times"} would reach nobody.`,
    ...team.gaps.map(
      (gap) =>
        `• ${escapeMrkdwnWithin(gap.services.join(", ") || "no services", 200)} · level ${gap.level} (${gap.urgencies.join(" and ")} urgency) · ${slackDate(gap.from)} → ${slackDate(gap.to)} (${formatDuration(gap.minutes * 60)}) · ${GAP_REASON_TEXT[gap.reason]}: ${escapeMrkdwnWithin(oneLine(gap.detail), 300)}`,
    ),
  ];
  if (team.more > 0) lines.push(`… and ${team.more} more.`);
  lines.push("`firebreak directory coverage` lists every gap; fix the directory and apply it again.");
  return lines.join("\n");
}

/** A team's error budgets that crossed 50%, 75% or 100% consumed, for its alert channel. */
export function budgetThresholdsText(team: BudgetTeamAnnouncement): string {
  const lines = [
    `:hourglass_flowing_sand: *Error budget${team.crossings.length === 1 ? "" : "s"} of ${escapeMrkdwnWithin(oneLine(team.name), 100)}*`,
    ...team.crossings.map(
      (c) =>
        `• ${escapeMrkdwnWithin(oneLine(c.service), 200)}: ${c.threshold >= 100 ? "*exhausted*" : `over ${c.threshold}%`} (${c.percentConsumed.toFixed(1)}% of ${c.budgetMinutes.toFixed(1)} min over ${c.windowDays} days at ${Math.round(c.target * 100_000) / 1000}%; ${c.remainingMinutes.toFixed(1)} min left)`,
    ),
    "`firebreak report` lists the incidents that consumed it; so does the dashboard's metrics page.",
  ];
  return lines.join("\n");
}
