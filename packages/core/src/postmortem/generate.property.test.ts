import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { INCIDENT_STATUSES, type Incident, SEVERITIES } from "../incident/model";
import { ROLES, type TimelineEntry } from "../incident/timeline";
import { generatePostmortem } from "./generate";
import { validatePostmortem } from "./schema";
import { ALARM_ARN, INCIDENT_ID, makeIncident, T } from "./test-support";
import { SECTION_TITLES } from "./types";

/**
 * Property: for any timeline built from valid entries (any order, any text, including newlines,
 * pipes, backticks, HTML and unicode), generation returns metadata that validates, and the
 * Markdown keeps its structure (exactly the generated headings; table rows keep their cells).
 */

const HOUR = 3_600_000;
const text = fc.string({ unit: "binary", maxLength: 40 });
const nasty = fc.oneof(
  text,
  fc.constantFrom("a\n# b", "x | y", "``` z", "<!-- c", "Bob broke prod", "human error", "\u2028", ""),
);
const person = fc.record({
  id: fc.constantFrom("U1", "U2", "U3", "U4"),
  name: fc.option(nasty, { nil: undefined }),
});
const offset = fc.integer({ min: -HOUR, max: 72 * HOUR });
const iso = (ms: number) => new Date(T + ms).toISOString();

const entryData = fc.oneof(
  fc.record({
    kind: fc.constant("incident.alarm_transition"),
    data: fc.record({
      alarmArn: fc.constantFrom(ALARM_ARN, "arn:aws:cloudwatch:us-east-1:123456789012:alarm:other"),
      alarmName: nasty,
      state: fc.constantFrom("ALARM", "OK", "INSUFFICIENT_DATA"),
      reason: nasty,
      stateTimestamp: offset.map(iso),
      late: fc.boolean(),
    }),
  }),
  fc.record({
    kind: fc.constant("incident.status_changed"),
    data: fc.record({
      from: fc.constantFrom(...INCIDENT_STATUSES),
      to: fc.constantFrom(...INCIDENT_STATUSES),
      summary: fc.option(nasty, { nil: undefined }),
    }),
  }),
  fc.record({
    kind: fc.constant("incident.role_assigned"),
    data: fc.record({
      role: fc.constantFrom(...ROLES),
      personId: fc.constantFrom("U1", "U2", "U3"),
      personName: fc.option(nasty, { nil: undefined }),
      previous: fc.option(fc.record({ personId: fc.constantFrom("U1", "U4"), since: offset.map(iso) }), {
        nil: undefined,
      }),
    }),
  }),
  fc.record({
    kind: fc.constant("incident.update_posted"),
    data: fc.record({ text: nasty, temporary: fc.boolean() }),
  }),
  fc.record({
    kind: fc.constantFrom("page.requested", "page.delivered", "page.failed", "page.acknowledged"),
    data: fc.record({
      pageId: fc.option(fc.constantFrom("P1", "P2", "P3"), { nil: undefined }),
      level: fc.option(fc.oneof(fc.integer({ min: 0, max: 5 }), fc.constant("fallback")), { nil: undefined }),
      target: fc.option(nasty, { nil: undefined }),
      channel: fc.constantFrom("sms", "voice", "slack"),
      error: fc.option(nasty, { nil: undefined }),
    }),
  }),
  fc.record({
    kind: fc.constantFrom(
      "incident.severity_changed",
      "incident.flapping",
      "incident.declared",
      "custom.kind",
    ),
    data: fc.record({ from: fc.constantFrom(...SEVERITIES), to: fc.constantFrom(...SEVERITIES) }),
  }),
);

const entries = fc.array(
  fc.record({
    at: offset,
    body: entryData,
    actor: person,
    summary: nasty,
    actorType: fc.constantFrom("user", "system", "alarm"),
  }),
  { maxLength: 40 },
);

const incidentArb = fc.record({
  title: nasty,
  severity: fc.constantFrom(...SEVERITIES),
  status: fc.constantFrom(...INCIDENT_STATUSES),
  source: fc.constantFrom("alarm" as const, "manual" as const),
  services: fc.uniqueArray(fc.stringMatching(/^[a-z][a-z0-9|-]{0,11}$/), { maxLength: 3 }),
  summary: fc.option(nasty, { nil: undefined }),
  description: fc.option(nasty, { nil: undefined }),
  ack: fc.option(offset, { nil: undefined }),
  mitigated: fc.option(offset, { nil: undefined }),
  resolved: fc.option(offset, { nil: undefined }),
});

function headings(markdown: string): string[] {
  const out: string[] = [];
  let fence: string | undefined;
  let inFrontMatter = markdown.startsWith("---\n");
  for (const [i, line] of markdown.split("\n").entries()) {
    if (inFrontMatter) {
      if (i > 0 && line === "---") inFrontMatter = false;
      continue;
    }
    const f = /^(`{3,}|~{3,})/.exec(line)?.[1];
    if (fence) {
      if (f && f[0] === fence[0] && f.length >= fence.length) fence = undefined;
      continue;
    }
    if (f) {
      fence = f;
      continue;
    }
    if (/^ {0,3}#{1,6}(\s|$)/.test(line)) out.push(line);
  }
  return out;
}

describe("generatePostmortem (property)", () => {
  it("always returns valid metadata and well-formed Markdown", () => {
    fc.assert(
      fc.property(
        incidentArb,
        entries,
        fc.constantFrom("UTC", "Europe/Paris", "Asia/Kolkata"),
        fc.option(
          fc.record({
            target: fc.double({ min: 0.9, max: 0.99999, noNaN: true }),
            windowDays: fc.integer({ min: 1, max: 90 }),
          }),
          {
            nil: undefined,
          },
        ),
        (spec, list, timezone, slo) => {
          const incident: Incident = makeIncident({
            title: spec.title,
            severity: spec.severity,
            status: spec.status,
            source: spec.source,
            alarm: spec.source === "alarm" ? makeIncident().alarm : undefined,
            services: spec.services,
            summary: spec.summary,
            description: spec.description,
            createdAt: iso(0),
            acknowledgedAt: spec.ack === undefined ? undefined : iso(spec.ack),
            mitigatedAt: spec.mitigated === undefined ? undefined : iso(spec.mitigated),
            resolvedAt: spec.resolved === undefined ? undefined : iso(spec.resolved),
          });
          const timeline: TimelineEntry[] = list.map((e, i) => ({
            id: `R${String(i).padStart(6, "0")}`,
            incidentId: INCIDENT_ID,
            kind: e.body.kind,
            actor: {
              type: e.actorType,
              id: e.actor.id,
              ...(e.actor.name === undefined ? {} : { name: e.actor.name }),
            },
            at: iso(e.at),
            summary: e.summary,
            data: e.body.data as Record<string, unknown>,
          }));
          const result = generatePostmortem({
            incident,
            timeline,
            timezone,
            slo,
            now: new Date(T + 100 * HOUR),
          });

          expect(validatePostmortem(result.metadata)).toEqual({ valid: true });
          expect(result.metadata.lint).toBe(result.lint);

          const hs = headings(result.markdown);
          expect(hs.slice(1)).toEqual(SECTION_TITLES.map((s) => `## ${s}`));
          expect(hs[0]).toMatch(/^# INC-42:/);

          const lines = result.markdown.split("\n");
          const timelineStart = lines.indexOf("## Timeline");
          const timelineEnd = lines.indexOf("## Mitigations");
          const width = timezone === "UTC" ? 2 : 3;
          for (const line of lines.slice(timelineStart, timelineEnd)) {
            if (!line.startsWith("|")) continue;
            expect(line.endsWith(" |")).toBe(true);
            expect(line.slice(1, -1).split(/(?<!\\)\|/)).toHaveLength(width);
          }
          // Every lint finding points at its match.
          for (const f of result.lint) {
            expect(lines[f.line - 1]?.slice(f.column - 1, f.column - 1 + f.match.length)).toBe(f.match);
          }
          // Every temporary fix is an action item tagged postmortem.
          expect(result.metadata.action_items.map((a) => a.id)).toEqual(
            result.metadata.temporary_fixes.map((t) => t.action_item_id),
          );
          for (const a of result.metadata.action_items) expect(a.tags).toContain("postmortem");
        },
      ),
      { numRuns: 300 },
    );
  });
});
