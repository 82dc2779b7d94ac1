/**
 * Coverage: would a page land? For every team (and so every service it owns) and every instant of
 * a window (14 days by default), each escalation level must resolve to at least one person who can
 * be paged, or to an SNS topic. Pure: the window is an argument, no clock is read.
 *
 * - "Can be paged": the person is in the directory and has a Slack id or a phone number (the
 *   pager's Slack DM and SMS channels). Given the stored verifications (`verification`, see
 *   contact-methods.ts), a person must also have a verified method among their notification rules'
 *   steps for the urgency (Slack DM, SMS or call): checked per urgency, since the two lists
 *   differ. Without them (a directory file checked on its own), a method counts as written.
 * - Urgency: high urgency pages every level of the ladder; low urgency pages level 1 only (it does
 *   not escalate, see urgency.ts). A gap at level 1 is therefore a gap for both urgencies, a gap at
 *   a later level for high urgency only.
 * - The resolution is the pager's own (`resolveTargets` → `onCallAt`, overrides included), so a
 *   gap here is exactly a time at which that level would page nobody. The window is walked from
 *   one shift or override boundary to the next (nothing changes in between), which is the same as
 *   checking every minute, without 20,160 resolutions per level.
 *
 * The reason is the first target's, in policy order (all of them are in `detail`):
 * empty rotation, rotation not started, a person removed from the directory, a person with no
 * Slack id and no phone, a person with no verified method for the urgency, an override into nobody
 * (an override's person is unknown or cannot be paged), and a DST hole: a gap of at most two hours lying around a clock change of a rotation's
 * zone (hand-written UTC overrides on each side of a change are the usual cause).
 */
import { type ContactRecords, verifiedSteps } from "./contact-methods";
import { GAP_REASON_TEXT, type GapReason } from "./coverage-reasons";
import { indexDirectory } from "./directory-index";
import type { Directory, Person, TargetRef, Team } from "./directory-types";
import { zoneTransitions } from "./ical";
import { DEFAULT_NOTIFY_RULES } from "./notify-rules";
import { onCallAt, scheduleBetween } from "./rotation";
import { MS_PER_DAY } from "./tz";

export const COVERAGE_DAYS = 14;
const MS_PER_MINUTE = 60_000;
const DST_HOLE_MS = 2 * 3_600_000;

export type CoverageUrgency = "high" | "low";

export { GAP_REASON_TEXT, GAP_REASONS, type GapReason } from "./coverage-reasons";

export interface CoverageGap {
  team: string;
  /** The services the team owns (all of them have this gap). */
  services: string[];
  /** 1-based escalation level. */
  level: number;
  /** Which urgencies page this level: both at level 1, high only later. */
  urgencies: CoverageUrgency[];
  /** ISO instants, [from, to). */
  from: string;
  to: string;
  minutes: number;
  reason: GapReason;
  /** Every target's reason, in policy order. */
  detail: string;
  /** `unverified_method`: the person whose methods are not verified. */
  person?: string;
}

export interface CoverageReport {
  from: string;
  to: string;
  gaps: CoverageGap[];
}

type Outcome = { reachable: true } | { reachable: false; reason: GapReason; detail: string; person?: string };

export interface CoverageOptions {
  /** The stored verifications: a person then needs a verified method for each urgency. */
  verification?: ContactRecords;
}

/** What a walk checks: one urgency against the verifications, or (without them) both at once. */
interface Check {
  urgency?: CoverageUrgency;
  verification?: ContactRecords;
}

/** The methods the pager can reach a person by (Slack DM, SMS). */
export function pageableMethods(person: Person): string[] {
  return [...(person.slackUserId ? ["slack"] : []), ...(person.phone ? ["sms"] : [])];
}

function personOutcome(
  person: Person | undefined,
  id: string,
  via: string,
  override: boolean,
  check: Check,
): Outcome {
  if (!person)
    return {
      reachable: false,
      reason: override ? "override_into_nobody" : "person_removed",
      detail: `${via}${override ? "an override names " : ""}"${id}", who is not in the directory`,
    };
  if (pageableMethods(person).length === 0) {
    const who = `${person.name} (${person.id})`;
    return override
      ? {
          reachable: false,
          reason: "override_into_nobody",
          detail: `${via}an override puts ${who} on call, who has no Slack id and no phone`,
        }
      : {
          reachable: false,
          reason: "no_contact_method",
          detail: `${via}${who} has no Slack id and no phone`,
        };
  }
  if (check.verification && check.urgency) {
    const steps = (person.notify ?? DEFAULT_NOTIFY_RULES)[check.urgency];
    if (verifiedSteps(check.verification, person, { high: steps, low: steps }, "high").length === 0)
      return {
        reachable: false,
        reason: "unverified_method",
        person: person.id,
        detail: `${via}${override ? "an override puts " : ""}${person.name} (${person.id})${override ? " on call, who" : ""} has no verified method for ${check.urgency} urgency (${steps.map((s) => s.method).join(", ")} unverified)`,
      };
  }
  return { reachable: true };
}

function targetOutcome(directory: Directory, target: TargetRef, at: Date, check: Check): Outcome {
  const index = indexDirectory(directory);
  switch (target.type) {
    case "topic":
      return { reachable: true };
    case "person":
      return personOutcome(index.people.get(target.id), target.id, "", false, check);
    case "rotation": {
      const entry = index.rotations.get(target.id);
      if (!entry)
        return { reachable: false, reason: "unknown_rotation", detail: `no rotation "${target.id}"` };
      const result = onCallAt(entry.rotation, index.people, at);
      if (result.personId === null)
        return result.reason === "empty rotation"
          ? {
              reachable: false,
              reason: "empty_rotation",
              detail: `rotation "${target.id}" has nobody on call`,
            }
          : {
              reachable: false,
              reason: "before_start",
              detail: `rotation "${target.id}" has not started yet`,
            };
      return personOutcome(
        result.person,
        result.personId,
        `rotation "${target.id}": `,
        result.source === "override",
        check,
      );
    }
  }
}

function levelOutcome(directory: Directory, targets: readonly TargetRef[], at: Date, check: Check): Outcome {
  if (targets.length === 0)
    return { reachable: false, reason: "no_targets", detail: "the level has no targets" };
  const misses: Extract<Outcome, { reachable: false }>[] = [];
  for (const target of targets) {
    const outcome = targetOutcome(directory, target, at, check);
    if (outcome.reachable) return outcome;
    misses.push(outcome);
  }
  const first = misses[0]!;
  return {
    reachable: false,
    reason: first.reason,
    detail: misses.map((m) => m.detail).join("; "),
    ...(first.person ? { person: first.person } : {}),
  };
}

/** Every instant in [from, to) at which one of `targets`' rotations changes hands. */
function boundaries(directory: Directory, targets: readonly TargetRef[], from: Date, to: Date): number[] {
  const index = indexDirectory(directory);
  const out = new Set<number>([from.getTime()]);
  for (const target of targets) {
    if (target.type !== "rotation") continue;
    const entry = index.rotations.get(target.id);
    if (!entry) continue;
    for (const segment of scheduleBetween(entry.rotation, index.people, from, to))
      out.add(segment.start.getTime());
  }
  return [...out].sort((a, b) => a - b);
}

function rotationZones(directory: Directory, targets: readonly TargetRef[]): string[] {
  const index = indexDirectory(directory);
  const zones = new Set<string>();
  for (const target of targets) {
    if (target.type !== "rotation") continue;
    const zone = index.rotations.get(target.id)?.rotation.timezone;
    if (zone) zones.add(zone);
  }
  return [...zones];
}

function levelGaps(
  directory: Directory,
  team: Team,
  i: number,
  from: Date,
  to: Date,
  check: Check,
): CoverageGap[] {
  const level = team.escalationPolicy.levels[i]!;
  const gaps: CoverageGap[] = [];
  const end = to.getTime();
  const points = boundaries(directory, level.targets, from, to);
  const transitions = rotationZones(directory, level.targets).flatMap((zone) =>
    zoneTransitions(zone, from.getTime() - DST_HOLE_MS, end + DST_HOLE_MS).map((t) => t.at),
  );
  const urgencies: CoverageUrgency[] = check.urgency ? [check.urgency] : i === 0 ? ["high", "low"] : ["high"];
  let open: { start: number; reason: GapReason; detail: string; person?: string } | null = null;
  const close = (at: number) => {
    if (!open) return;
    const aroundChange = transitions.some(
      (t) => at - open!.start <= DST_HOLE_MS && open!.start >= t - DST_HOLE_MS && at <= t + DST_HOLE_MS,
    );
    gaps.push({
      team: team.id,
      services: team.services.map((s) => s.id),
      level: i + 1,
      urgencies,
      from: new Date(open.start).toISOString(),
      to: new Date(at).toISOString(),
      minutes: Math.ceil((at - open.start) / MS_PER_MINUTE),
      reason: aroundChange ? "dst_hole" : open.reason,
      detail: aroundChange ? `around a clock change: ${open.detail}` : open.detail,
      ...(open.person && !aroundChange ? { person: open.person } : {}),
    });
    open = null;
  };
  for (const at of points) {
    const outcome = levelOutcome(directory, level.targets, new Date(at), check);
    if (outcome.reachable) close(at);
    else if (open && (open.reason !== outcome.reason || open.detail !== outcome.detail)) {
      close(at);
      open = { start: at, ...outcome };
    } else if (!open) open = { start: at, ...outcome };
  }
  close(end);
  return gaps;
}

const UNVERIFIED_LIST = / \(([a-z, ]+) unverified\)$/;
const listed = (detail: string) => UNVERIFIED_LIST.exec(detail)?.[1]?.split(", ") ?? [];

function teamGaps(
  directory: Directory,
  team: Team,
  from: Date,
  to: Date,
  options: CoverageOptions,
): CoverageGap[] {
  return team.escalationPolicy.levels.flatMap((_, i) => {
    const { verification } = options;
    if (!verification) return levelGaps(directory, team, i, from, to, {});
    const urgencies: CoverageUrgency[] = i === 0 ? ["high", "low"] : ["high"];
    // One walk per urgency (their rules differ); a gap both share is one gap of both urgencies,
    // naming the methods unverified in either.
    const merged = new Map<string, CoverageGap>();
    for (const urgency of urgencies)
      for (const gap of levelGaps(directory, team, i, from, to, { urgency, verification })) {
        const base = gap.detail.replace(` for ${urgency} urgency`, "").replace(UNVERIFIED_LIST, "");
        const key = `${gap.from}|${gap.to}|${gap.reason}|${base}`;
        const same = merged.get(key);
        if (!same) {
          merged.set(key, gap);
          continue;
        }
        const methods = [...new Set([...listed(same.detail), ...listed(gap.detail)])];
        same.urgencies = [...same.urgencies, urgency];
        same.detail = methods.length > 0 ? `${base} (${methods.join(", ")} unverified)` : base;
      }
    return [...merged.values()].sort((a, b) => a.from.localeCompare(b.from));
  });
}

/**
 * The coverage gaps of every team's escalation levels over [from, from + days), earliest first
 * within each team and level. Pass a directory with the runtime shift overrides applied
 * (`withShiftOverrides`) to check what the pager would really do.
 */
export function coverageGaps(
  directory: Directory,
  from: Date,
  days = COVERAGE_DAYS,
  options: CoverageOptions = {},
): CoverageReport {
  const to = new Date(from.getTime() + days * MS_PER_DAY);
  return {
    from: from.toISOString(),
    to: to.toISOString(),
    gaps: directory.teams.flatMap((team) => teamGaps(directory, team, from, to, options)),
  };
}

/** One line per gap, for the CLI: "checkout (team payments) · level 1 · high+low · from → to (60 min) · reason: detail". */
export function formatCoverageGap(gap: CoverageGap): string {
  const services = gap.services.length > 0 ? gap.services.join(", ") : "no services";
  return `${services} (team ${gap.team}) · level ${gap.level} · ${gap.urgencies.join("+")} urgency · ${gap.from} → ${gap.to} (${gap.minutes} min) · ${GAP_REASON_TEXT[gap.reason]}: ${gap.detail}`;
}
