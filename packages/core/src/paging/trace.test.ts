import { describe, expect, it } from "vitest";
import type { Incident } from "../incident/model";
import type { TimelineEntry } from "../incident/timeline";
import type { EscalationRecord } from "./records";
import { buildTrace, deliveryLabel, renderTrace } from "./trace";

const incident = {
  id: "01KTRACE00000000000000000A",
  number: 7,
  title: "Search slow",
  severity: "SEV4",
  status: "declared",
  services: ["search"],
  source: "manual",
  createdAt: "2026-03-02T10:00:00.000Z",
  updatedAt: "2026-03-02T10:00:00.000Z",
  locations: [],
  version: 1,
} as unknown as Incident;

const entry = (
  kind: string,
  at: string,
  summary: string,
  data: Record<string, unknown> = {},
): TimelineEntry => ({
  id: `01KTRACE${at.replace(/\D/g, "").slice(0, 18)}`,
  incidentId: incident.id,
  kind,
  actor: { type: "user", id: "erin", name: "Erin Walsh" },
  at,
  summary,
  data,
});

describe("buildTrace", () => {
  it("an incident nobody could be paged for says why, and was declared by a person", () => {
    const trace = buildTrace({
      incident,
      timeline: [
        entry("incident.declared", "2026-03-02T10:00:00.000Z", "INC-7 declared"),
        entry(
          "escalation.not_started",
          "2026-03-02T10:00:01.000Z",
          'nobody was paged: service "search" has no owning team and the directory has no defaultTeam',
        ),
      ],
      pages: [],
    });
    expect(trace.trigger).toBe("declared by Erin Walsh");
    expect(trace.routing).toEqual({
      paged: false,
      reason: 'nobody was paged: service "search" has no owning team and the directory has no defaultTeam',
    });
    expect(trace.whyNot).toEqual([
      'Nobody was paged: service "search" has no owning team and the directory has no defaultTeam.',
    ]);
    expect(renderTrace(trace)[2]).toMatch(/^Routing: nobody was paged: /);
  });

  it("low urgency: level 2 is never paged, the SMS waits, and a person without methods is named", () => {
    const escalation = {
      incidentId: incident.id,
      version: 3,
      status: "active",
      severity: "SEV4",
      declaredAt: incident.createdAt,
      teamId: "search",
      teamName: "Search",
      policyId: "team:search",
      directoryVersion: 4,
      ladder: {
        levels: [
          {
            level: 1,
            timeoutMinutes: 5,
            targets: [
              { type: "person", personId: "pat", name: "Pat Doe", rotationId: "search-primary" },
              {
                type: "person",
                personId: "ann",
                name: "Ann Lee",
                phone: "+12025550101",
                slackUserId: "U01ANN0001",
              },
            ],
          },
          {
            level: 2,
            timeoutMinutes: 10,
            targets: [{ type: "person", personId: "maria", name: "María Gómez" }],
          },
        ],
        repeat: 0,
        fallback: { targets: [], nobody: "no targets" },
      },
      people: [],
      steps: [{ level: 1, round: 0, requestedAt: "2026-03-02T10:00:01.000Z", trigger: "start" }],
      coverage: { attempts: 0 },
      startedAt: "2026-03-02T10:00:01.000Z",
      updatedAt: "2026-03-02T10:00:01.000Z",
      urgency: {
        high: ["SEV1", "SEV2"],
        lowSmsDelayMinutes: 15,
        workingHours: { timezone: "UTC", days: ["mon"], from: "09:00", to: "17:00" },
      },
      held: [
        {
          target: { type: "person", personId: "ann", name: "Ann Lee", phone: "+12025550101" },
          level: 1,
          round: 0,
          purpose: "escalation",
          reason: "level 1",
          heldAt: "2026-03-02T10:00:01.000Z",
          sendAt: "2026-03-02T10:15:01.000Z",
        },
      ],
    } as unknown as EscalationRecord;
    const trace = buildTrace({ incident, timeline: [], escalation, pages: [] });
    expect(trace.routing.urgency).toEqual({
      level: "low",
      rule: "SEV1, SEV2 page as high urgency; SEV4 is low urgency",
    });
    expect(trace.levels[0]!.targets[1]!.methods).toEqual([
      { channel: "slack", delayMinutes: 0 },
      { channel: "sms", delayMinutes: 15, note: "low urgency: within working hours" },
    ]);
    expect(trace.whyNot).toEqual([
      "Pat Doe (level 1) was not paged: no Slack id and no phone in directory version 4.",
      "Level 2 was not paged: SEV4 is low urgency, which does not escalate past level 1.",
      "The fallback had nobody to page: no targets.",
      "The fallback was not paged: SEV4 is low urgency, which does not escalate past level 1.",
      "An SMS to Ann Lee is held by low urgency until 2026-03-02T10:15:01.000Z.",
    ]);
  });

  it("labels what each page was for", () => {
    expect(deliveryLabel({ level: "2", round: 1, purpose: "escalation" })).toBe("level 2 (repeat 1)");
    expect(deliveryLabel({ level: "role_coverage", round: 2, purpose: "role_coverage" })).toBe(
      "IC re-paged (role coverage, attempt 2)",
    );
    expect(deliveryLabel({ level: "fallback", round: 0, purpose: "escalation" })).toBe("the fallback");
  });
});
